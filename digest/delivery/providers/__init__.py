"""One module per mail provider; `for_backend` finds the description of the configured EMAIL_BACKEND.

A backend none of them names (anymail's other ESPs, a test backend) sends one message per reader, and
can be asked about a message only if the backend itself has `find_sent(message_id)`.
"""

from __future__ import annotations

from django.conf import settings

from digest.delivery.providers import amazon_ses, mailgun, outbox, postmark, sendgrid, smtp
from digest.delivery.providers.base import LookupFailed, MergeProfile, Provider, RateUnknown, sent_through_backend
from digest.models import Delivery

__all__ = [
    "PROVIDERS",
    "LookupFailed",
    "MergeProfile",
    "Provider",
    "RateUnknown",
    "already_sent",
    "for_backend",
    "merge_profile",
]

PROVIDERS: tuple[Provider, ...] = (
    outbox.PROVIDER,
    postmark.PROVIDER,
    mailgun.PROVIDER,
    sendgrid.PROVIDER,
    smtp.PROVIDER,
    amazon_ses.PROVIDER,
)
_BY_BACKEND = {backend: provider for provider in PROVIDERS for backend in provider.backends}


def for_backend(backend: str | None = None) -> Provider:
    backend = backend or settings.EMAIL_BACKEND
    return _BY_BACKEND.get(backend) or Provider(name=backend.rpartition(".")[0] or backend, backends=(backend,))


def merge_profile() -> MergeProfile | None:
    """The configured provider's merge profile when batch sending is on and the provider can batch."""
    return for_backend().merge if settings.SEND_ESP_BATCH else None


def already_sent(connection: object, row: Delivery) -> str:
    """The provider's id for this delivery if the provider can tell it was sent, else ""."""
    if hasattr(connection, "find_sent"):
        return sent_through_backend(connection, row)
    lookup = for_backend().find_sent
    return lookup(connection, row) if lookup else ""
