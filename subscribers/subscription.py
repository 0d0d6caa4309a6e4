"""Subscriber life cycle: sign-up with double opt-in, confirmation, preferences, unsubscribe, import."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from anymail.exceptions import AnymailInvalidAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from digest import jobs
from digest.languages import DJANGO_LANGUAGE, LANGUAGE_CHOICES
from digest.models import Delivery, EmailEvent, Topic
from subscribers import status
from subscribers.addresses import is_valid_address, normalize_address
from subscribers.importing import HEADER, ImportFailed, ImportReport, import_csv
from subscribers.models import Subscriber
from subscribers.sender import from_email, message_id
from subscribers.status import unsubscribe
from subscribers.tokens import InvalidToken, make_token, read_token

log = logging.getLogger(__name__)
# Status changes live in subscribers.status and the CSV import in subscribers.importing; callers reach them here.
__all__ = ["HEADER", "ImportFailed", "ImportReport", "unsubscribe"]
LANGUAGES = {code for code, _ in LANGUAGE_CHOICES}


def request_subscription(
    email: str,
    *,
    language: str,
    topics: list[Topic],
    max_papers: int,
    bilingual: bool = False,
    time_zone: str = "Asia/Taipei",
    delivery_hour: int = 7,
    frequency: str = Subscriber.Frequency.DAILY,
) -> None:
    """Records a pending sign-up and queues its confirmation email. Nothing tells the caller which case
    happened (no enumeration of subscribers):

    - new or pending: pending with these preferences, a confirmation mailed;
    - active: left as it is, nothing mailed;
    - unsubscribed: status and preferences stay; a confirmation carrying the requested preferences is mailed,
      and only the reader clicking it (before any later unsubscribe) brings them back;
    - suppressed (bounce, complaint): nothing changes and nothing is mailed; an admin can lift it.

    The email goes out from a task with retries, so a mail provider outage never loses the sign-up. `email`
    must pass the address rule (the form checks it): ValidationError otherwise, and nothing is stored."""
    email = normalize_address(email)
    wanted = {"l": language, "t": [t.pk for t in topics], "m": max_papers, "b": bilingual, "z": time_zone,
              "h": delivery_hour, "f": frequency}  # fmt: skip
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
        if subscriber is not None and subscriber.status in (Subscriber.Status.ACTIVE, Subscriber.Status.SUPPRESSED):
            log.info("sign-up for an %s address subscriber=%s", subscriber.status, subscriber.pk)
            return
        if subscriber is not None and subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            extra = {"u": _stamp(subscriber.unsubscribed_at), "p": wanted}
        else:
            subscriber = subscriber or Subscriber(email=email)
            status.mark_pending(subscriber)
            _apply_preferences(subscriber, wanted)
            extra = {}
    jobs.enqueue(jobs.SEND_CONFIRMATION, subscriber.pk, extra)


def _stamp(moment) -> str:
    return moment.isoformat() if moment else ""


def _apply_preferences(subscriber: Subscriber, wanted: dict) -> None:
    subscriber.language, subscriber.max_papers, subscriber.bilingual = wanted["l"], wanted["m"], wanted["b"]
    subscriber.time_zone, subscriber.delivery_hour = wanted["z"], wanted["h"]
    subscriber.frequency = wanted.get("f", Subscriber.Frequency.DAILY)
    subscriber.save()
    subscriber.topics.set(Topic.objects.filter(pk__in=wanted["t"]))


class UndeliverableAddress(Exception):
    """The reader's stored address is one no mail can be sent to (subscribers.addresses): asking again never helps."""


def send_confirmation(subscriber: Subscriber, extra: dict | None = None) -> bool:
    """Mails the confirmation link if the reader can still use it (pending, or unsubscribed for a re-opt-in);
    returns whether a message went out. Raises UndeliverableAddress for an address no mail can go to (stored
    before the address rule, or refused by the mail library), else what the mail backend raises (the task
    retries)."""
    extra = extra or {}
    usable = subscriber.status == Subscriber.Status.PENDING and not extra
    usable = usable or (
        subscriber.status == Subscriber.Status.UNSUBSCRIBED and extra.get("u") == _stamp(subscriber.unsubscribed_at)
    )
    if not usable:
        return False
    link = settings.SITE_URL + reverse("subscribers:confirm", args=[make_token(subscriber, "confirm", **extra)])
    language = (extra.get("p") or {}).get("l") or subscriber.language
    if not is_valid_address(subscriber.email):
        raise UndeliverableAddress(subscriber.email)
    try:
        send_transactional(
            subscriber.email, language, "confirm", {"link": link, "days": settings.CONFIRM_LINK_MAX_AGE_DAYS}
        )
    except AnymailInvalidAddress as error:
        raise UndeliverableAddress(subscriber.email) from error
    return True


def confirm_subscription(subscriber: Subscriber, payload: dict) -> bool:
    """What POST on a confirm link does: a pending reader becomes active; an unsubscribed one comes back with
    the preferences they asked for, if the link was made after their last unsubscribe. Anything else (an old
    link after an unsubscribe, a suppression) changes nothing and returns False; an active reader is True."""
    if subscriber.status == Subscriber.Status.ACTIVE:
        return True
    if subscriber.status == Subscriber.Status.PENDING and "u" not in payload:
        return status.confirm(subscriber)
    reopt = subscriber.status == Subscriber.Status.UNSUBSCRIBED and "u" in payload
    if reopt and payload["u"] == _stamp(subscriber.unsubscribed_at) and isinstance(payload.get("p"), dict):
        with transaction.atomic():
            _apply_preferences(subscriber, payload["p"])
            return status.reactivate(subscriber)
    return False


#: Fonts for a transactional email's HTML, per variant: the script's own system fonts first (a Taiwan reader's
#: mail client must not pick Simplified glyph forms), as the daily email's template does.
FONT_STACKS = {
    "zh-Hant-TW": '"PingFang TC", "Microsoft JhengHei", "Noto Sans CJK TC", Helvetica, Arial, sans-serif',
    "zh-Hant-HK": '"PingFang HK", "Microsoft JhengHei", "Noto Sans CJK HK", Helvetica, Arial, sans-serif',
    "zh-Hans": '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", Helvetica, Arial, sans-serif',
}


def send_transactional(to: str, language: str, template: str, context: dict) -> None:
    """One short email (subject, text and HTML from templates/email/<template>*) in the reader's language: its
    From name, `lang` and fonts follow the reader's variant, and its Message-ID is in the site's mail domain."""
    context = {
        **context,
        "html_lang": language if language in DJANGO_LANGUAGE else "en",
        "font_family": FONT_STACKS.get(language, "Helvetica, Arial, sans-serif"),
    }
    with translation.override(DJANGO_LANGUAGE.get(language, "en")):
        subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
        text = render_to_string(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject, text, from_email(language), [to], headers={"Message-ID": message_id(template)}
    )
    message.attach_alternative(html, "text/html")
    message.send()


def unsubscribe_by_token(token: str) -> Subscriber:
    """What the inbound-mail hook calls for the `mailto:` List-Unsubscribe address: the token is the one in
    the https link (the mailto subject carries it). Raises InvalidToken for a bad, foreign or revoked one."""
    subscriber, payload = read_token(token.strip(), "unsubscribe")
    unsubscribe_from_link(subscriber, payload)
    return subscriber


def unsubscribe_from_link(subscriber: Subscriber, payload: dict) -> None:
    """Unsubscribes, and counts it in the results of the edition whose email carried the link (its token
    names the edition): provider webhooks report only unsubscribes made through the provider's own link."""
    was_active = subscriber.status == Subscriber.Status.ACTIVE
    unsubscribe(subscriber)
    edition_id = payload.get("e")
    if not was_active or not isinstance(edition_id, int):
        return
    delivery = Delivery.objects.filter(edition_id=edition_id, subscriber=subscriber).first()
    if delivery is not None:
        EmailEvent.objects.get_or_create(
            event_id=f"own-unsubscribe-{delivery.pk}",
            defaults={
                "event_type": "unsubscribed",
                "recipient": subscriber.email,
                "delivery": delivery,
                "description": "our one-click unsubscribe link",
            },
        )


UNSUBSCRIBE_SUBJECT = re.compile(r"unsubscribe\s+(\S+)", re.IGNORECASE)


def unsubscribe_by_mail_subject(subject: str) -> Subscriber:
    """Mail clients send `Subject: unsubscribe <token>` (as the mailto URI asked); replies may prefix "Re:"."""
    match = UNSUBSCRIBE_SUBJECT.search(subject or "")
    if match is None:
        raise InvalidToken("invalid")
    return unsubscribe_by_token(match.group(1))


def resubscribe(subscriber: Subscriber) -> bool:
    """The one-click "subscribe me again" offered right after unsubscribing: the signed link proves the
    mailbox, so it counts as a confirmation. A suppressed address (bounce, complaint) is left alone.
    Returns whether the reader is active now."""
    status.reactivate(subscriber)
    return subscriber.status == Subscriber.Status.ACTIVE


def import_subscribers(path: Path, *, dry_run: bool = False) -> ImportReport:
    """A CSV file on disk through subscribers.importing (the CLI's entry point)."""
    return import_csv(path.read_bytes(), dry_run=dry_run)
