"""Each provider module says what the send path may rely on: can it batch, can it be asked about a message."""

import pytest

from digest.delivery.providers import PROVIDERS, for_backend, merge_profile


@pytest.mark.parametrize(
    ("backend", "name", "batches", "answers"),
    [
        ("digest.delivery.providers.outbox.OutboxEmailBackend", "outbox", False, True),
        ("anymail.backends.postmark.EmailBackend", "postmark", False, True),
        ("anymail.backends.mailgun.EmailBackend", "mailgun", True, False),
        ("anymail.backends.sendgrid.EmailBackend", "sendgrid", True, False),
        ("django.core.mail.backends.smtp.EmailBackend", "smtp", False, False),
        ("anymail.backends.amazon_ses.EmailBackend", "amazon_ses", False, False),
    ],
)
def test_each_known_backend_has_one_provider_saying_what_it_can_do(backend, name, batches, answers):
    provider = for_backend(backend)
    assert (provider.name, provider.can_batch, provider.can_look_up) == (name, batches, answers)


def test_no_backend_is_claimed_by_two_providers():
    backends = [backend for provider in PROVIDERS for backend in provider.backends]
    assert len(backends) == len(set(backends))


def test_an_unknown_backend_sends_one_by_one_and_cannot_be_asked():
    provider = for_backend("anymail.backends.brevo.EmailBackend")
    assert not provider.can_batch and not provider.can_look_up


def test_batching_follows_the_configured_provider_and_the_switch(settings):
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    settings.SEND_ESP_BATCH = True
    assert merge_profile() is for_backend().merge
    settings.SEND_ESP_BATCH = False
    assert merge_profile() is None
    settings.SEND_ESP_BATCH = True
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    assert merge_profile() is None


def api_error(status: int, body: bytes) -> Exception:
    """anymail's error for a provider's HTTP answer, as its backends raise it."""
    from anymail.exceptions import AnymailAPIError
    from requests import Response

    response = Response()
    response.status_code, response.reason, response._content = status, "", body
    return AnymailAPIError("Postmark API response", status_code=status, response=response)


def test_a_refused_key_is_waited_out_with_the_reason_not_failed_for_good():
    from digest.delivery.providers.outcomes import verdict_for

    for status in (401, 403):
        verdict = verdict_for(api_error(status, b'{"ErrorCode": 10, "Message": "Bad or missing Server API token."}'))
        assert not verdict.permanent and "credentials" in verdict.error
    assert verdict_for(api_error(422, b'{"ErrorCode": 406, "Message": "Inactive recipient"}')).permanent
