"""Asking the provider whether an in-doubt delivery already went out.

A row whose worker died between the provider accepting the message and our recording it is "in doubt".
Sending it again blindly is how newsletter tools mail a reader twice; so before a second attempt we ask:
- the local outbox backend, by the message's stable Message-ID;
- Postmark, through its Messages API (`GET /messages/outbound?metadata_delivery=<id>`): every message we
  send carries the delivery id as metadata.
A provider that cannot be asked (SendGrid, Mailgun, anymail's test backend) gets the message again; its
Message-ID is the same, which lets receiving systems drop the copy.
"""

from __future__ import annotations

import logging

from anymail.backends.postmark import EmailBackend as PostmarkBackend

from digest.models import Delivery

log = logging.getLogger(__name__)


class LookupFailed(Exception):
    """The provider could not be asked; the row stays queued rather than risk a duplicate."""


def already_sent(connection, row: Delivery) -> str:
    """The provider's id for this delivery if the backend can tell it was sent, else ""."""
    finder = getattr(connection, "find_sent", None)
    if finder is not None:
        return finder(row.message_id) or ""
    if isinstance(connection, PostmarkBackend):
        return _postmark_sent(connection, row)
    return ""


def _postmark_sent(backend: PostmarkBackend, row: Delivery) -> str:
    try:
        response = backend.session.get(
            f"{backend.api_url}messages/outbound",
            params={"count": 1, "offset": 0, "metadata_delivery": str(row.pk)},
            headers={"Accept": "application/json", "X-Postmark-Server-Token": backend.server_token},
            timeout=backend.timeout,
        )
        response.raise_for_status()
        messages = response.json().get("Messages") or []
    except (OSError, ValueError, AttributeError) as error:  # requests' errors are OSErrors
        raise LookupFailed(f"could not ask Postmark whether delivery {row.pk} was sent: {error}") from error
    return str(messages[0].get("MessageID") or "sent") if messages else ""
