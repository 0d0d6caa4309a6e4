"""Postmark: one message per request (its merge is Mustache templates, which LaTeX in abstracts would trip);
asked through its Messages API whether a delivery already went out (`GET /messages/outbound?metadata_delivery=<id>`:
every message carries its delivery id as metadata), so a row left in doubt is never sent twice."""

from __future__ import annotations

from anymail.backends.postmark import EmailBackend as PostmarkBackend

from digest.delivery.providers.base import LookupFailed, Provider
from digest.models import Delivery


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


PROVIDER = Provider(
    name="postmark",
    backends=("anymail.backends.postmark.EmailBackend",),
    find_sent=_postmark_sent,
    exactly_once="exactly once: an in-doubt row is looked up in the Messages API before any second attempt",
)
