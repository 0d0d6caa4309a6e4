"""Amazon SES (API v2, through anymail's backend and boto3): one message per request, paced to the account's rate.

- One SendEmail per reader, the raw MIME message as we built it. SES's bulk call (SendBulkEmail) merges only into
  templates stored at SES beforehand (CreateEmailTemplate), with their own placeholder syntax and size limits: every
  variant of every edition would have to be uploaded before the send and deleted after, and the reader's own headers
  (List-Unsubscribe, Message-ID) could not differ per destination. So no merge profile: SES does not batch here.
- Not asked about a message in doubt: SES has no search of sent messages by our metadata, so a row left "sending"
  by a dead worker is at-least-once (sent again with the same Message-ID).
- Its sending rate comes from the account (GetAccount: SendQuota.MaxSendRate); `digest.delivery.ratelimit` paces
  every worker to it when SEND_RATE_PER_SECOND is not set.
- `EmailBackend` (digest.delivery.providers.ses_backend, reached through this module so the setting keeps its
  name) is anymail's with one boto3 client per process. It is loaded only when asked for: boto3 takes ~0.4 s to
  import, which no process that does not send through SES should pay.
"""

from __future__ import annotations

from django.core.mail import get_connection

from digest.delivery.providers.base import Provider, RateUnknown

#: The backend to configure (EMAIL_BACKEND): anymail's, sharing its boto3 client.
BACKEND = "digest.delivery.providers.amazon_ses.EmailBackend"
ANYMAIL_BACKEND = "anymail.backends.amazon_ses.EmailBackend"
BACKENDS = (BACKEND, ANYMAIL_BACKEND)


def __getattr__(name: str) -> object:
    """`EmailBackend`, imported (with boto3) the first time Django's get_connection asks for it."""
    if name == "EmailBackend":
        from digest.delivery.providers.ses_backend import EmailBackend

        return EmailBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Refusals of the account, not of the message (too fast, the day's quota, sending paused or suspended, the
#: sending domain or configuration set not set up): the message is fine, so it waits and is tried again instead of
#: being failed for good, as every reader's would be.
ACCOUNT_REFUSALS = frozenset({
    "TooManyRequestsException", "LimitExceededException", "SendingPausedException", "AccountSuspendedException",
    "MailFromDomainNotVerifiedException", "NotFoundException",
})  # fmt: skip


def account_send_rate() -> float:
    """The account's MaxSendRate (messages per second), asked through the configured backend's own boto3 client, so
    the same credentials, region and endpoint as the sends."""
    from botocore.exceptions import BotoCoreError, ClientError

    backend = get_connection(BACKEND)
    try:
        backend.open()
        if backend.client is None:
            raise RateUnknown("no SES client (are AWS credentials and a region configured?)")
        quota = backend.client.get_account()["SendQuota"]
        return float(quota["MaxSendRate"])
    except (BotoCoreError, ClientError, KeyError, TypeError, ValueError) as error:
        raise RateUnknown(f"{error.__class__.__name__}: {error}") from error
    finally:
        backend.close()


def http_status(error: Exception) -> int | None:
    """The status to judge an SES error by. anymail keeps boto3's parsed error (a dict, not an HTTP response), so
    the status is read from it; an account refusal counts as 429 (try again later)."""
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return None
    if (response.get("Error") or {}).get("Code") in ACCOUNT_REFUSALS:
        return 429
    return (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")


PROVIDER = Provider(
    name="amazon_ses",
    backends=BACKENDS,
    send_rate=account_send_rate,
)
