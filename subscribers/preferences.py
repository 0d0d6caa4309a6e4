"""The preference centre's services: preferences, pausing, a new address, "sign me out everywhere"."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone

from digest.models import Delivery, Topic
from subscribers import status
from subscribers.addresses import normalize_address
from subscribers.interests import check_stored
from subscribers.models import Subscriber
from subscribers.subscription import send_transactional
from subscribers.tokens import make_token

log = logging.getLogger(__name__)

#: The pause lengths offered (days); 0 resumes at once.
PAUSE_DAYS = (0, 7, 14, 30, 90)


class EmailTaken(Exception):
    """The new address already belongs to another subscriber; the change is not made."""


def update_preferences(
    subscriber: Subscriber,
    *,
    language: str,
    bilingual: bool,
    topics: list[Topic],
    max_papers: int,
    time_zone: str,
    delivery_hour: int,
    frequency: str | None = None,
    follows: dict | None = None,
    mutes: dict | None = None,
) -> None:
    """Saves everything or nothing. An unsubscribed reader who saves preferences (the "just reduce topics
    instead" offer) is subscribed again: the manage link proves the mailbox. Suppressed stays suppressed."""
    with transaction.atomic():
        subscriber.language, subscriber.bilingual, subscriber.max_papers = language, bilingual, max_papers
        subscriber.time_zone, subscriber.delivery_hour = time_zone, delivery_hour
        subscriber.frequency = frequency or subscriber.frequency
        if follows is not None:
            subscriber.follows = check_stored(follows)
        if mutes is not None:
            subscriber.mutes = check_stored(mutes)
        subscriber.save()
        subscriber.topics.set(topics)
        status.reactivate(subscriber)


def pause(subscriber: Subscriber, days: int) -> None:
    """Nothing is sent for `days` days (digest.delivery.fanout.recipients skips paused readers); 0 resumes now."""
    subscriber.paused_until = timezone.now() + timedelta(days=days) if days > 0 else None
    subscriber.save(update_fields=["paused_until"])


def is_paused(subscriber: Subscriber) -> bool:
    return subscriber.paused_until is not None and subscriber.paused_until > timezone.now()


def request_email_change(subscriber: Subscriber, new_email: str) -> None:
    """Mails a confirmation link to the new address; nothing changes until it is clicked, so nobody can
    move a subscription to a mailbox they do not read. `new_email` must pass the address rule (the form checks
    it): ValidationError otherwise."""
    new_email = normalize_address(new_email)
    if new_email == subscriber.email:
        return
    token = make_token(subscriber, "email_change", e=new_email)
    link = settings.SITE_URL + reverse("subscribers:confirm_email_change", args=[token])
    context = {"link": link, "days": settings.CONFIRM_LINK_MAX_AGE_DAYS, "old_email": subscriber.email}
    send_transactional(new_email, subscriber.language, "email_change", context)
    log.info("email change requested subscriber=%s", subscriber.pk)


def confirm_email_change(subscriber: Subscriber, new_email: str) -> None:
    """Moves the subscription to `new_email` (from a signed change link); EmailTaken if another reader has it."""
    new_email = normalize_address(new_email)
    if new_email == subscriber.email:
        return
    if Subscriber.objects.filter(email__iexact=new_email).exclude(pk=subscriber.pk).exists():
        raise EmailTaken(new_email)
    try:
        with transaction.atomic():
            # A new token version: every link sent before (to the old address, or another change link) stops
            # working; the page after the change carries a fresh preference link.
            subscriber.email = new_email
            subscriber.token_version = F("token_version") + 1
            subscriber.save(update_fields=["email", "token_version"])
    except IntegrityError:  # taken between the check and the save
        raise EmailTaken(new_email) from None
    subscriber.refresh_from_db(fields=["token_version"])
    log.info("email changed subscriber=%s version=%s", subscriber.pk, subscriber.token_version)


def sign_out_everywhere(subscriber: Subscriber) -> None:
    """Kills every link ever sent (tokens carry the version) and mails one fresh preference-centre link,
    so the reader is never locked out."""
    Subscriber.objects.filter(pk=subscriber.pk).update(token_version=F("token_version") + 1)
    subscriber.refresh_from_db(fields=["token_version"])
    send_fresh_manage_link(subscriber)
    log.info("signed out everywhere subscriber=%s version=%s", subscriber.pk, subscriber.token_version)


def send_fresh_manage_link(subscriber: Subscriber) -> None:
    """A new preference-centre link, mailed to the address on file (never to whoever asked)."""
    link = settings.SITE_URL + reverse("subscribers:manage", args=[make_token(subscriber, "manage")])
    send_transactional(subscriber.email, subscriber.language, "new_link", {"link": link})


def recent_deliveries(subscriber: Subscriber, limit: int = 10) -> QuerySet[Delivery]:
    """The last editions actually sent to this reader, newest first (for links to the archive)."""
    return (
        Delivery.objects.filter(subscriber=subscriber, status=Delivery.Status.SENT)
        .select_related("edition")
        .order_by("-edition__date")[:limit]
    )
