"""What one send attempt came to, and how a provider's error is read: sent, retry later, or failed for good.

Shared by single sends and batch sends so both treat a 429 or a 422 the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from anymail.message import AnymailRecipientStatus

from digest.delivery.providers.amazon_ses import http_status as ses_http_status
from digest.delivery.providers.smtp import smtp_failure
from digest.models import Delivery


@dataclass
class SendResult:
    row: Delivery
    status: str
    error: str = ""
    provider_message_id: str = ""
    retry_after: float | None = None
    paper_count: int = 0


def result_for_recipient(
    row: Delivery, status: AnymailRecipientStatus | None, message_id: str, paper_count: int
) -> SendResult:
    """One recipient of a request the provider accepted: refused (rejected, invalid) fails for good;
    anything else, a recipient the provider did not mention included, was sent (sending it again could
    only make a duplicate)."""
    if status is not None and status.status in ("rejected", "invalid"):
        return SendResult(row, Delivery.Status.FAILED, error=f"provider status {status.status}")
    return SendResult(row, Delivery.Status.SENT, provider_message_id=message_id, paper_count=paper_count)


@dataclass(frozen=True)
class Verdict:
    """A send error read once: the status it leaves the delivery in, why, and when to try again."""

    status: str
    error: str
    retry_after: float | None = None

    def result(self, row: Delivery) -> SendResult:
        return SendResult(row, self.status, error=self.error, retry_after=self.retry_after)

    @property
    def permanent(self) -> bool:
        return self.status == Delivery.Status.FAILED


#: Statuses that refuse our API key or account rather than the message (a revoked or mistyped key, a suspended
#: account): failing the message for good would fail every reader of the edition the same way, so it waits, is
#: retried with backoff, and goes out once the key is put right (`manage.py check_setup` names the problem).
ACCOUNT_STATUSES = frozenset({401, 403})


def verdict_for(error: Exception) -> Verdict:
    """4xx (except 401, 403, 408 and 429) is the provider refusing this message: retrying cannot help. Everything
    else (a refused key, 429, 5xx, timeouts, a refused connection) is transient and retried with backoff."""
    permanent_smtp = smtp_failure(error)
    if permanent_smtp is not None:
        return Verdict(Delivery.Status.FAILED, permanent_smtp)
    if isinstance(error, AnymailRecipientsRefused):
        return Verdict(Delivery.Status.FAILED, f"recipient refused: {error}")
    if isinstance(error, AnymailInvalidAddress):  # caught before any request: no retry can fix the address
        return Verdict(Delivery.Status.FAILED, f"invalid address: {error}")
    if isinstance(error, AnymailAPIError):
        code = error.status_code if error.status_code is not None else ses_http_status(error)
        if code in ACCOUNT_STATUSES:  # our key or account, not this message: every reader would fail alike
            return Verdict(Delivery.Status.QUEUED, f"provider refused our credentials: {reason(error)}"[:1000],
                           retry_after_of(error))  # fmt: skip
        if code is not None and 400 <= code < 500 and code not in (408, 429):
            return Verdict(Delivery.Status.FAILED, f"provider rejected the message: {error}")
        return Verdict(Delivery.Status.QUEUED, reason(error), retry_after_of(error))
    # AnymailError, OSError (SMTP's 4xx and dropped sessions are OSErrors): the request did not complete.
    return Verdict(Delivery.Status.QUEUED, reason(error))


def reason(error: Exception) -> str:
    return f"{error.__class__.__name__}: {error}"[:1000]


def retry_after_of(error: Exception) -> float | None:
    """The provider's Retry-After (seconds form), when the error carries its HTTP response."""
    response = getattr(error, "response", None)
    value = getattr(response, "headers", {}).get("Retry-After") if response is not None else None
    try:
        return min(float(value), 600.0) if value is not None else None
    except ValueError:
        return None
