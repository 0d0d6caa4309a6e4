"""What the sending code needs to know about a mail provider, anymail-style: one description per provider.

Two questions decide how we send: can the provider merge per-reader fields itself (then one request
carries a whole batch of one variant, through anymail's merge_data), and can it be asked whether it already
accepted a message (then a row left in doubt by a dead worker is looked up, never sent blind). Each
provider module answers both in a `PROVIDER`; `digest.delivery.providers.for_backend` picks the one for
the configured EMAIL_BACKEND.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from digest.models import Delivery


class LookupFailed(Exception):
    """The provider could not be asked; the row stays queued rather than risk a duplicate."""


class RateUnknown(Exception):
    """The provider could not be asked for the account's sending rate (no permission, unreachable)."""


@dataclass(frozen=True)
class MergeProfile:
    """How one provider merges: its batch limit, how a body refers to a field, and that field's key."""

    max_recipients: int
    #: (placeholder name, the rendering's marker) -> what the body says / the key of the reader's value. The
    #: marker is random per rendering, so feed text cannot spell a field the provider would fill in.
    field_in_body: Callable[[str, str], str]
    merge_key: Callable[[str, str], str]
    esp_extra: tuple[tuple[str, str], ...] = ()


#: Asks the open connection whether this delivery was already accepted: its provider id, or "".
SentLookup = Callable[[object, Delivery], str]


@dataclass(frozen=True)
class Provider:
    name: str
    #: The EMAIL_BACKEND dotted paths this description is for.
    backends: tuple[str, ...]
    #: Set when the provider merges per-reader fields itself (batch sending through merge_data).
    merge: MergeProfile | None = None
    #: Set when the provider can answer "did you already get this message?".
    find_sent: SentLookup | None = None
    #: Set when the provider can tell the account's sending rate (messages per second); the rate limiter paces to
    #: it when SEND_RATE_PER_SECOND is not set. Raises when it cannot be asked.
    send_rate: Callable[[], float] | None = None
    #: What a row in flight when a worker died can suffer, for the README and operators.
    exactly_once: str = "at-least-once: a row in flight when a worker dies may be sent again, same Message-ID"

    @property
    def can_batch(self) -> bool:
        return self.merge is not None

    @property
    def can_look_up(self) -> bool:
        return self.find_sent is not None


def sent_through_backend(connection: object, row: Delivery) -> str:
    """For backends that answer themselves (the outbox, test doubles): `find_sent(message_id)`."""
    return connection.find_sent(row.message_id) or ""


def marked_name(name: str, marker: str) -> str:
    return f"{name}_{marker}"
