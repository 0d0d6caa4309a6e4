"""Signed links (confirm, manage, unsubscribe): salted per purpose, versioned per subscriber.

Bumping Subscriber.token_version kills every link sent before ("sign me out everywhere").
"""

from __future__ import annotations

from django.core import signing

from subscribers.models import Subscriber

PURPOSES = ("confirm", "manage", "unsubscribe", "feedback", "email_change", "resubscribe")


class InvalidToken(Exception):
    """A link that is tampered, expired, for another purpose, or revoked. `reason` is safe to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def make_token(subscriber: Subscriber, purpose: str, **extra: object) -> str:
    assert purpose in PURPOSES, purpose
    payload = {"s": subscriber.pk, "v": subscriber.token_version, **extra}
    return signing.dumps(payload, salt=f"subscribers.{purpose}")


def read_token(token: str, purpose: str, *, max_age_seconds: int | None = None) -> tuple[Subscriber, dict]:
    try:
        payload = signing.loads(token, salt=f"subscribers.{purpose}", max_age=max_age_seconds)
    except signing.SignatureExpired:
        raise InvalidToken("expired") from None
    except signing.BadSignature:
        raise InvalidToken("invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int):
        raise InvalidToken("invalid")
    subscriber = Subscriber.objects.filter(pk=payload["s"]).first()
    if subscriber is None or payload.get("v") != subscriber.token_version:
        raise InvalidToken("revoked")
    return subscriber, payload
