"""Amazon SES (API v2, through anymail's backend and boto3): one message per request, paced to the account's rate.

- One SendEmail per reader, the raw MIME message as we built it. SES's bulk call (SendBulkEmail) merges only into
  templates stored at SES beforehand (CreateEmailTemplate), with their own placeholder syntax and size limits: every
  variant of every edition would have to be uploaded before the send and deleted after, and the reader's own headers
  (List-Unsubscribe, Message-ID) could not differ per destination. So no merge profile: SES does not batch here.
- Not asked about a message in doubt: SES has no search of sent messages by our metadata, so a row left "sending"
  by a dead worker is at-least-once (sent again with the same Message-ID).
- Its sending rate comes from the account (GetAccount: SendQuota.MaxSendRate); `digest.delivery.ratelimit` paces
  every worker to it when SEND_RATE_PER_SECOND is not set.
- `EmailBackend` below is anymail's with one boto3 client per process: anymail makes a client for every connection
  opened, about 80 ms of CPU each (boto3 loads the service's model and endpoint rules), and the send path opens
  one per sending thread and batch. A botocore client is safe to share between threads.
"""

from __future__ import annotations

import json
import threading

from anymail.backends.amazon_ses import EmailBackend as AnymailSESBackend
from django.conf import settings
from django.core.mail import get_connection

from digest.delivery.providers.base import Provider, RateUnknown

#: The backend to configure (EMAIL_BACKEND): anymail's, sharing its boto3 client.
BACKEND = "digest.delivery.providers.amazon_ses.EmailBackend"
ANYMAIL_BACKEND = "anymail.backends.amazon_ses.EmailBackend"
BACKENDS = (BACKEND, ANYMAIL_BACKEND)

_clients: dict[str, object] = {}
_clients_lock = threading.Lock()


class EmailBackend(AnymailSESBackend):
    """anymail's Amazon SES backend, its boto3 client made once per process and settings, and kept open."""

    def open(self) -> bool:
        if self.client:
            return False
        key = _settings_key()
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = _new_client(self)
                # botocore fills its defaults into the settings' own dicts (retries gets a mode) as it makes a client
                _clients[_settings_key()] = client
        self.client = client
        return True

    def close(self) -> None:
        self.client = None  # shared: left open for the process's next connection


def _settings_key() -> str:
    """What a client is made from: anymail's AMAZON_SES_* settings (tests point them at other servers)."""
    return json.dumps({k: v for k, v in settings.ANYMAIL.items() if k.startswith("AMAZON_SES")}, default=str)


def _new_client(backend: AnymailSESBackend):
    """anymail's own open(), which reads the session and client parameters from its settings."""
    fresh = AnymailSESBackend(fail_silently=backend.fail_silently)
    fresh.open()
    return fresh.client


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
