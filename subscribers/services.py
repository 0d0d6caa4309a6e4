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
from django.utils import translation

from digest import jobs
from digest.languages import DJANGO_LANGUAGE, LANGUAGE_CHOICES
from digest.models import Topic
from subscribers import status
from subscribers.models import Subscriber
from subscribers.status import unsubscribe
from subscribers.tokens import InvalidToken, make_token, read_token

log = logging.getLogger(__name__)
__all__ = ["unsubscribe"]  # status changes live in subscribers.status; views call them from here
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
) -> None:
    """Records a pending sign-up and queues its confirmation email. Nothing tells the caller which case
    happened (no enumeration of subscribers):

    - new or pending: pending with these preferences, a confirmation mailed;
    - active: left as it is, nothing mailed;
    - unsubscribed: status and preferences stay; a confirmation carrying the requested preferences is mailed,
      and only the reader clicking it (before any later unsubscribe) brings them back;
    - suppressed (bounce, complaint): nothing changes and nothing is mailed; an admin can lift it.

    The email goes out from a task with retries, so a mail provider outage never loses the sign-up."""
    email = email.strip().lower()
    wanted = {"l": language, "t": [t.pk for t in topics], "m": max_papers, "b": bilingual, "z": time_zone,
              "h": delivery_hour}  # fmt: skip
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
    subscriber.save()
    subscriber.topics.set(Topic.objects.filter(pk__in=wanted["t"]))


def send_confirmation(subscriber: Subscriber, extra: dict | None = None) -> bool:
    """Mails the confirmation link if the reader can still use it (pending, or unsubscribed for a re-opt-in);
    returns whether a message went out. Raises what the mail backend raises (the task retries)."""
    extra = extra or {}
    usable = subscriber.status == Subscriber.Status.PENDING and not extra
    usable = usable or (
        subscriber.status == Subscriber.Status.UNSUBSCRIBED and extra.get("u") == _stamp(subscriber.unsubscribed_at)
    )
    if not usable:
        return False
    link = settings.SITE_URL + reverse("subscribers:confirm", args=[make_token(subscriber, "confirm", **extra)])
    language = (extra.get("p") or {}).get("l") or subscriber.language
    send_transactional(
        subscriber.email, language, "confirm", {"link": link, "days": settings.CONFIRM_LINK_MAX_AGE_DAYS}
    )
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
    subscriber, _ = read_token(token.strip(), "unsubscribe")
    unsubscribe(subscriber)
    return subscriber


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


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


HEADER = ["email", "language", "topics", "bilingual", "max_papers"]


def import_subscribers(path: Path, *, dry_run: bool = False) -> ImportReport:
    """Rows become active subscribers (the importer vouches for consent); bad rows are reported by line
    number and good rows kept."""
    report = ImportReport()
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if [name.strip() for name in (reader.fieldnames or [])] != HEADER:
            raise ValueError(f"header must be {','.join(HEADER)}; found {','.join(reader.fieldnames or [])}")
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
                subscriber = Subscriber.objects.select_for_update().filter(email__iexact=values["email"]).first()
                created = subscriber is None
                subscriber = subscriber or Subscriber(email=values["email"])
                if not status.activate_imported(subscriber):
                    report.errors.append((line, f"{values['email']} is {subscriber.status}; not re-imported"))
                    continue
                for name, value in values.items():
                    if name not in ("email", "topics"):
                        setattr(subscriber, name, value)
                subscriber.save()
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
    if Subscriber.objects.filter(email__iexact=email, status=Subscriber.Status.UNSUBSCRIBED).exists():
        raise ValidationError(f"{email} unsubscribed; only the reader can subscribe again")
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
    return {
        "email": email,
        "language": language,
        "topics": [topics[s] for s in slugs],
        "bilingual": bilingual_text in ("1", "true", "yes"),
        "max_papers": int(max_text) if max_text else settings.DEFAULT_MAX_PAPERS,
    }
