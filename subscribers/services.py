"""Subscriber life cycle: sign-up with double opt-in, confirmation, preferences, unsubscribe, import."""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from digest.editions.interests import KINDS, InvalidInterest, parse_list
from digest.languages import DJANGO_LANGUAGE, LANGUAGE_CHOICES
from digest.models import Delivery, EmailEvent, Topic
from subscribers.models import Subscriber
from subscribers.status import confirm, unsubscribe
from subscribers.tokens import InvalidToken, make_token, read_token

log = logging.getLogger(__name__)
__all__ = ["confirm", "unsubscribe"]  # status changes live in subscribers.status; views call them from here
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
    """Records a pending sign-up and mails a confirmation link. An active address is left as it is and
    nothing tells the caller which case happened (no enumeration of subscribers)."""
    email = email.strip().lower()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
        if subscriber is not None and subscriber.status == Subscriber.Status.ACTIVE:
            log.info("sign-up for an active address subscriber=%s", subscriber.pk)
            return
        if subscriber is None:
            subscriber = Subscriber(email=email)
        subscriber.status = Subscriber.Status.PENDING
        subscriber.language, subscriber.max_papers, subscriber.bilingual = language, max_papers, bilingual
        subscriber.time_zone, subscriber.delivery_hour = time_zone, delivery_hour
        subscriber.frequency = frequency
        subscriber.save()
        subscriber.topics.set(topics)
    send_confirmation(subscriber)


def send_confirmation(subscriber: Subscriber) -> None:
    link = settings.SITE_URL + reverse("subscribers:confirm", args=[make_token(subscriber, "confirm")])
    send_transactional(
        subscriber.email, subscriber.language, "confirm", {"link": link, "days": settings.CONFIRM_LINK_MAX_AGE_DAYS}
    )


def send_transactional(to: str, language: str, template: str, context: dict) -> None:
    """One short email (subject, text and HTML from templates/email/<template>*) in the reader's language."""
    with translation.override(DJANGO_LANGUAGE.get(language, "en")):
        subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
        text = render_to_string(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
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
    mailbox, so it counts as a confirmation. A suppressed address (bounce, complaint) is left alone: it
    must sign up and confirm again. Returns whether the reader is active now."""
    confirm(subscriber)
    return subscriber.status == Subscriber.Status.ACTIVE


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


HEADER = ["email", "language", "topics", "bilingual", "max_papers"]
#: Columns a file may add after HEADER, in any order: frequency (daily or weekly) and follows/mutes, each a list
#: joined by ";" like topics. A file without them imports as before (daily, nothing followed or muted).
OPTIONAL_COLUMNS = ["frequency", *(f"{side}_{kind}" for side in ("follow", "mute") for kind in KINDS)]


def import_subscribers(path: Path, *, dry_run: bool = False) -> ImportReport:
    """Rows become active subscribers (the importer vouches for consent); bad rows are reported by line
    number and good rows kept."""
    report = ImportReport()
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        names = [name.strip() for name in (reader.fieldnames or [])]
        extra = names[len(HEADER) :]
        if (
            names[: len(HEADER)] != HEADER
            or any(n not in OPTIONAL_COLUMNS for n in extra)
            or len(set(extra)) < len(extra)
        ):
            raise ValueError(
                f"header must be {','.join(HEADER)}, optionally followed by any of {','.join(OPTIONAL_COLUMNS)}; "
                f"found {','.join(reader.fieldnames or [])}"
            )
        reader.fieldnames = names
        for row in reader:
            line = reader.line_num
            try:
                values = _import_row(row, topics)
            except ValidationError as error:
                report.errors.append((line, "; ".join(error.messages)))
                continue
            if dry_run:
                exists = Subscriber.objects.filter(email__iexact=values["email"]).exists()
                report.updated += exists
                report.created += not exists
                continue
            with transaction.atomic():
                subscriber, created = Subscriber.objects.update_or_create(
                    email=values["email"],
                    defaults={k: v for k, v in values.items() if k not in ("email", "topics")}
                    | {"status": Subscriber.Status.ACTIVE, "confirmed_at": timezone.now()},
                )
                subscriber.topics.set(values["topics"])
            report.created += created
            report.updated += not created
    return report


def _import_row(row: dict[str, str], topics: dict[str, Topic]) -> dict:
    email = (row.get("email") or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(f"invalid email {email!r}") from None
    if Subscriber.objects.filter(email__iexact=email, status=Subscriber.Status.SUPPRESSED).exists():
        raise ValidationError(f"{email} is suppressed (bounce or complaint); not re-imported")
    language = (row.get("language") or "").strip()
    if language not in LANGUAGES:
        raise ValidationError(f"language must be one of {', '.join(sorted(LANGUAGES))}, not {language!r}")
    slugs = [s.strip() for s in (row.get("topics") or "").split(";") if s.strip()]
    unknown = [s for s in slugs if s not in topics]
    if unknown:
        raise ValidationError(f"unknown topics: {', '.join(unknown)}")
    bilingual_text = (row.get("bilingual") or "").strip().lower()
    if bilingual_text not in ("", "0", "1", "true", "false", "yes", "no"):
        raise ValidationError(f"bilingual must be true or false, not {bilingual_text!r}")
    max_text = (row.get("max_papers") or "").strip()
    if max_text and (not max_text.isdigit() or not 1 <= int(max_text) <= 50):
        raise ValidationError(f"max_papers must be a whole number from 1 to 50, not {max_text!r}")
    values = {
        "email": email,
        "language": language,
        "topics": [topics[s] for s in slugs],
        "bilingual": bilingual_text in ("1", "true", "yes"),
        "max_papers": int(max_text) if max_text else settings.DEFAULT_MAX_PAPERS,
    }
    if "frequency" in row:
        frequency = (row.get("frequency") or "").strip().lower() or Subscriber.Frequency.DAILY
        if frequency not in Subscriber.Frequency.values:
            raise ValidationError(f"frequency must be daily or weekly, not {frequency!r}")
        values["frequency"] = frequency
    for side in ("follows", "mutes"):
        columns = {kind: f"{side[:-1]}_{kind}" for kind in KINDS}
        if any(column in row for column in columns.values()):
            try:
                values[side] = {kind: parse_list(row.get(column) or "", kind) for kind, column in columns.items()}
            except InvalidInterest as error:
                raise ValidationError(f"{side}: {error}") from None
    return values
