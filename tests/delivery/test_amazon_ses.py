"""Amazon SES through anymail's backend and boto3, against a loopback server speaking SES v2's API: one raw message
per reader, its errors read the way SES sends them, sends paced to the account's MaxSendRate, and its tracking
notifications (through SNS) taken by the same webhook as the other providers."""

import base64
import json
import subprocess
import sys

import pytest
import redis
from django.core.mail import get_connection

from digest import setup_checks
from digest.delivery import ratelimit
from digest.delivery.fanout import send_edition
from digest.delivery.providers import amazon_ses, for_backend
from digest.models import Delivery, EmailEvent
from subscribers.models import Subscriber
from tests.factories import EditionEntryFactory, SubscriberFactory
from tests.fakes.amazon_ses import FakeSES, message_rejected, ses_error, too_many_requests
from tests.workers import TEST_REDIS_URL

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def edition():
    return EditionEntryFactory().edition


@pytest.fixture
def ses(settings):
    settings.SEND_RATE_PER_SECOND = 0
    settings.SEND_RATE_LIMIT_REDIS_URL = TEST_REDIS_URL
    ratelimit._client.cache_clear()
    ratelimit.forget_provider_rates()
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    with FakeSES() as fake:
        fake.configure(settings)
        yield fake
    ratelimit.forget_provider_rates()
    ratelimit._client.cache_clear()


def test_each_reader_gets_one_raw_message_through_sesv2_send_email(edition, ses):
    readers = SubscriberFactory.create_batch(2)
    send_edition(edition)
    assert sorted(ses.recipients()) == sorted(reader.email for reader in readers)
    for sent in ses.accepted:
        message = sent["message"]
        delivery = Delivery.objects.get(subscriber__email=sent["to"][0])
        assert delivery.status == "sent" and delivery.provider_message_id == sent["message_id"]
        assert message["Message-ID"] and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert json.loads(message["X-Metadata"])["delivery"] == str(delivery.pk)
        assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}


def test_a_message_ses_rejects_fails_for_good_and_the_others_go(edition, ses):
    SubscriberFactory(email="ok@example.com")
    SubscriberFactory(email="unverified@example.com")
    ses.faults = lambda attempt, message: message_rejected() if "unverified" in message["To"] else None
    send_edition(edition)
    rejected = Delivery.objects.get(subscriber__email="unverified@example.com")
    assert rejected.status == "failed" and "provider rejected" in rejected.last_error
    assert ses.recipients() == ["ok@example.com"]
    assert ses.attempts == 2  # a 400 is not tried again


def test_a_throttled_or_over_quota_send_is_tried_again_and_sent_once(edition, ses):
    SubscriberFactory.create_batch(2)
    refusals = [too_many_requests(), ses_error(400, "LimitExceededException", "Daily message quota exceeded.")]
    ses.faults = lambda attempt, message: refusals[attempt - 1] if attempt <= len(refusals) else None
    send_edition(edition)
    assert sorted(ses.recipients()) == sorted(Subscriber.objects.values_list("email", flat=True))
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.parametrize(
    "refusal",
    [
        ses_error(403, "AccessDeniedException", "User is not authorized to perform ses:SendEmail"),
        ses_error(400, "MailFromDomainNotVerifiedException", "MAIL FROM domain is not verified."),
        ses_error(404, "NotFoundException", "Configuration set <newsletter> does not exist."),
    ],
    ids=["access-denied", "mail-from-unverified", "no-configuration-set"],
)
def test_an_account_set_up_wrong_fails_no_reader_and_they_go_once_it_is_fixed(edition, ses, refusal):
    SubscriberFactory.create_batch(2)
    ses.faults = lambda attempt, message: refusal if attempt <= 2 else None
    send_edition(edition)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted(ses.recipients()) == sorted(Subscriber.objects.values_list("email", flat=True))


def test_sends_are_paced_to_the_accounts_max_send_rate(edition, ses):
    """The shared limiter's one-second windows (in Redis, for every worker) hold at most MaxSendRate sends each."""
    ses.max_send_rate = 3.0
    SubscriberFactory.create_batch(7)
    send_edition(edition)
    windows = redis.Redis.from_url(TEST_REDIS_URL)
    per_second = [int(windows.get(key)) for key in windows.scan_iter("newsletter:send-rate:*")]
    assert sum(per_second) == 7 and max(per_second) <= 3 and len(per_second) >= 3
    assert len(ses.accepted) == 7
    assert ses.account_requests == 1  # asked once, then kept


def test_a_configured_rate_wins_and_the_account_is_not_asked(edition, ses, settings):
    settings.SEND_RATE_PER_SECOND = 50
    SubscriberFactory.create_batch(2)
    send_edition(edition)
    assert len(ses.accepted) == 2 and ses.account_requests == 0


def test_an_account_that_cannot_be_asked_is_sent_unpaced_with_a_warning(edition, ses, caplog):
    ses.account_fault = ses_error(403, "AccessDeniedException", "not authorized to perform ses:GetAccount")
    SubscriberFactory.create_batch(2)
    with caplog.at_level("WARNING", logger="digest.delivery.ratelimit"):
        send_edition(edition)
    assert len(ses.accepted) == 2
    assert [r for r in caplog.records if "sending rate unknown" in r.getMessage() and "GetAccount" in r.getMessage()]


@pytest.mark.parametrize("backend", amazon_ses.BACKENDS)
def test_ses_is_described_as_one_by_one_at_least_once_and_paced(backend):
    provider = for_backend(backend)
    assert (provider.name, provider.can_batch, provider.can_look_up) == ("amazon_ses", False, False)
    assert provider.send_rate is amazon_ses.account_send_rate


def test_every_connection_of_a_process_shares_one_boto3_client(ses):
    """anymail makes a client per connection (about 80 ms of CPU); the send path opens one per thread and batch."""
    first = get_connection()
    first.open()
    client = first.client
    first.close()
    second = get_connection()
    second.open()
    assert client is not None and second.client is client


def test_check_setup_reads_the_accounts_rate_with_the_sending_credentials(ses):
    ses.max_send_rate = 14.0
    check = setup_checks.check_mail()
    assert check.ok and "14 messages/s" in check.detail


def test_check_setup_fails_when_ses_refuses_the_credentials(ses, settings):
    settings.ANYMAIL = {
        **settings.ANYMAIL,
        "AMAZON_SES_SESSION_PARAMS": {**settings.ANYMAIL["AMAZON_SES_SESSION_PARAMS"], "aws_access_key_id": "AKIDNO"},
    }
    check = setup_checks.check_mail()
    assert not check.ok and "UnrecognizedClientException" in check.detail


def test_ses_is_chosen_by_environment_alone_and_boto3_does_not_retry_on_its_own():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "EMAIL_BACKEND": "digest.delivery.providers.amazon_ses.EmailBackend",
        "SEND_CONCURRENCY": "32",
        "ANYMAIL_AMAZON_SES_CLIENT_PARAMS": '{"endpoint_url": "http://127.0.0.1:9"}',
        "ANYMAIL_AMAZON_SES_CONFIGURATION_SET_NAME": "daily",
    }
    script = "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps(s.ANYMAIL))"
    read = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout) == {
        "AMAZON_SES_CLIENT_PARAMS": {
            "endpoint_url": "http://127.0.0.1:9",
            "config": {"retries": {"total_max_attempts": 1}, "max_pool_connections": 32},
        },
        "AMAZON_SES_CONFIGURATION_SET_NAME": "daily",
    }


# --- tracking: SES publishes events to an SNS topic, whose HTTPS subscription posts them to our webhook ----------


def auth() -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"hook:s3cret").decode()}


def sns_notification(ses_event: dict, sns_id: str = "sns-1") -> tuple[str, dict]:
    body = {
        "Type": "Notification",
        "MessageId": sns_id,
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:ses-events",
        "Message": json.dumps(ses_event),
        "Timestamp": "2025-05-28T08:00:00.000Z",
        "SignatureVersion": "1",
    }
    return json.dumps(body), {"HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Notification", "HTTP_X_AMZ_SNS_MESSAGE_ID": sns_id}


def bounce_of(sent: dict, bounce_type: str) -> dict:
    message = sent["message"]
    return {
        "eventType": "Bounce",
        "mail": {
            "messageId": sent["message_id"],
            "destination": sent["to"],
            "headers": [{"name": "X-Metadata", "value": message["X-Metadata"]}],
        },
        "bounce": {
            "bounceType": bounce_type,
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": sent["to"][0], "diagnosticCode": "smtp; 550 5.1.1 user unknown"}],
        },
    }


@pytest.fixture
def sent_to_one_reader(edition, ses, settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "hook:s3cret"}
    reader = SubscriberFactory(email="gone@example.com")
    send_edition(edition)
    return reader, ses.accepted[0]


def test_a_permanent_ses_bounce_through_sns_is_stored_on_its_delivery_and_suppresses(client, sent_to_one_reader):
    reader, sent = sent_to_one_reader
    body, headers = sns_notification(bounce_of(sent, "Permanent"))
    response = client.post("/webhooks/amazon_ses/tracking/", body, content_type="text/plain", **headers, **auth())
    assert response.status_code == 200
    event = EmailEvent.objects.get()
    assert (event.event_type, event.delivery.subscriber_id) == ("bounced", reader.pk)
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.SUPPRESSED


def test_a_transient_ses_bounce_is_counted_not_suppressed_at_once(client, sent_to_one_reader, settings):
    settings.SOFT_BOUNCES_BEFORE_SUPPRESSION = 3
    reader, sent = sent_to_one_reader
    body, headers = sns_notification(bounce_of(sent, "Transient"))
    client.post("/webhooks/amazon_ses/tracking/", body, content_type="text/plain", **headers, **auth())
    reader.refresh_from_db()
    assert EmailEvent.objects.get().event_type == "bounced" and reader.status == Subscriber.Status.ACTIVE


def test_sns_gets_the_401_challenge_it_needs_before_it_sends_credentials(client, sent_to_one_reader):
    _reader, sent = sent_to_one_reader
    body, headers = sns_notification(bounce_of(sent, "Permanent"))
    response = client.post("/webhooks/amazon_ses/tracking/", body, content_type="text/plain", **headers)
    assert response.status_code == 401 and "Basic" in response["WWW-Authenticate"]
    assert not EmailEvent.objects.exists()


def test_check_setup_does_not_claim_pacing_without_the_redis_limiter(ses, settings):
    """The limiter's window lives in Redis: without SEND_RATE_LIMIT_REDIS_URL nothing paces the sends."""
    settings.SEND_RATE_LIMIT_REDIS_URL = ""
    ses.max_send_rate = 14.0
    check = setup_checks.check_mail()
    assert check.ok and "14 messages/s" in check.detail
    assert "paced to it" not in check.detail and "SEND_RATE_LIMIT_REDIS_URL" in check.detail


def test_a_process_that_does_not_send_through_ses_never_imports_boto3():
    code = (
        "import django, sys; django.setup(); "
        "import digest.tasks, digest.delivery.sending, digest.setup_checks, digest.delivery.providers.outcomes; "
        "print('boto3' in sys.modules)"
    )
    env = {**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip() == "False"


def test_the_configured_backend_path_still_names_the_shared_client_backend():
    from digest.delivery.providers.ses_backend import EmailBackend

    assert amazon_ses.EmailBackend is EmailBackend
