"""SMTP through Django's own backend (a self-hoster's Postfix, or a provider's SMTP relay).

Each sending thread keeps one SMTP session open for its whole batch (EHLO and AUTH once, then one
MAIL FROM/RCPT/DATA per reader); a session the server dropped is replaced on the thread's next message.

Exactly-once boundary: SMTP can neither batch per-reader fields nor be asked whether it accepted a
Message-ID. A row is recorded right after the server's 250 for DATA; a worker killed between the two leaves
the row in doubt, and it is sent again: at-least-once for rows in flight when a worker dies, with the same
Message-ID, which lets receiving systems drop the copy.

How the server's answers are read (RFC 5321): a 5xx reply to RCPT (the mailbox does not exist) or to DATA
fails that reader for good; 4xx replies, a dropped connection or a timeout are transient and retried.
"""

from __future__ import annotations

import smtplib

from digest.delivery.providers.base import Provider

BACKEND = "django.core.mail.backends.smtp.EmailBackend"

PROVIDER = Provider(name="smtp", backends=(BACKEND,))


def smtp_failure(error: Exception) -> str | None:
    """Why a send failed for good, for SMTP errors that are permanent; None when a retry may succeed."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            return f"recipient refused: {_first_reply(error.recipients)}"
        return None
    if isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600:
        message = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"server refused the message: {error.smtp_code} {message}"[:1000]
    return None


def _first_reply(recipients: dict) -> str:
    code, message = next(iter(recipients.values()))
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}"[:900]
