"""An edition's figures for editors: deliveries per language × bilingual, opens and clicks where tracked,
and why deliveries did not go out, grouped by reason. The CSV download is these same rows.

Language and bilingual are what each delivery recorded when it was sent; rows that never got that far
(and rows sent before bilingual was recorded) fall back to the subscriber's current setting.
Opens and clicks count readers (distinct deliveries), as in digest.delivery.results.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _

from digest.languages import LANGUAGE_NAMES, LANGUAGE_ORDER
from digest.models import Delivery, Edition, EmailEvent

PENDING = (Delivery.Status.QUEUED, Delivery.Status.SENDING)
NOT_SENT = (Delivery.Status.FAILED, Delivery.Status.SKIPPED)
CSV_HEADER = ["edition", "language", "bilingual", "sent", "failed", "skipped", "pending", "opened", "clicked"]


@dataclass
class FiguresRow:
    language: str
    bilingual: bool
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    pending: int = 0
    opened: int = 0
    clicked: int = 0

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, self.language or _("unknown"))


@dataclass
class FailureReason:
    status: str
    reason: str
    count: int


@dataclass
class EditionFigures:
    """opens_tracked / clicks_tracked: whether any such event arrived for this edition at all. Without one,
    tracking is off (or its webhook is not set up), and the figure is unknown rather than zero."""

    edition: Edition
    rows: list[FiguresRow]
    total: FiguresRow
    opens_tracked: bool
    clicks_tracked: bool
    failure_reasons: list[FailureReason]


def as_sent(prefix: str = "") -> dict:
    """The variant as the delivery recorded it when sent; the subscriber's current setting for rows that
    never got that far (skipped, failed before sending) or were sent before Delivery recorded bilingual.
    `prefix` reads it through a relation (an EmailEvent's "delivery__")."""
    return {
        "sent_language": Coalesce(NullIf(f"{prefix}language", Value("")), f"{prefix}subscriber__language"),
        "sent_bilingual": Coalesce(f"{prefix}bilingual", f"{prefix}subscriber__bilingual"),
    }


def edition_figures(edition: Edition, *, reasons: int = 10) -> EditionFigures:
    rows: dict[tuple[str, bool], FiguresRow] = {}

    def row(language: str, bilingual: bool) -> FiguresRow:
        key = (language, bool(bilingual))
        if key not in rows:
            rows[key] = FiguresRow(language, bool(bilingual))
        return rows[key]

    deliveries = Delivery.objects.filter(edition=edition).annotate(**as_sent())
    for item in deliveries.values("sent_language", "sent_bilingual", "status").annotate(n=Count("pk")):
        target = row(item["sent_language"], item["sent_bilingual"])
        status = item["status"]
        if status == Delivery.Status.SENT:
            target.sent += item["n"]
        elif status == Delivery.Status.FAILED:
            target.failed += item["n"]
        elif status == Delivery.Status.SKIPPED:
            target.skipped += item["n"]
        elif status in PENDING:
            target.pending += item["n"]
    events = EmailEvent.objects.filter(delivery__edition=edition, event_type__in=("opened", "clicked"))
    tracked = set()
    events = events.annotate(**as_sent("delivery__"))
    for item in events.values("sent_language", "sent_bilingual", "event_type").annotate(
        n=Count("delivery", distinct=True)
    ):
        target = row(item["sent_language"], item["sent_bilingual"])
        setattr(target, item["event_type"], getattr(target, item["event_type"]) + item["n"])
        tracked.add(item["event_type"])
    ordered = sorted(rows.values(), key=lambda r: (LANGUAGE_ORDER.get(r.language, 99), r.bilingual))
    total = FiguresRow("", False)
    for item in ordered:
        for name in ("sent", "failed", "skipped", "pending", "opened", "clicked"):
            setattr(total, name, getattr(total, name) + getattr(item, name))
    return EditionFigures(
        edition,
        ordered,
        total,
        opens_tracked="opened" in tracked,
        clicks_tracked="clicked" in tracked,
        failure_reasons=failure_reasons(edition, top=reasons),
    )


_ADDRESS = re.compile(r"[^\s<>@\"']+@[^\s<>@\"']+")
_ATTEMPTS = re.compile(r"\b\d+ attempts\b")


def reason_group(error: str) -> str:
    """What two deliveries that failed for the same cause have in common: their error text without the
    address and attempt count that differ per reader (a provider's 550 names the mailbox)."""
    text = _ATTEMPTS.sub("N attempts", _ADDRESS.sub("<address>", error.strip()))
    return text or _("(no reason recorded)")


def failure_reasons(edition: Edition, *, top: int = 10) -> list[FailureReason]:
    """Failed and skipped deliveries of the edition, grouped by reason, most common first."""
    counts: Counter[tuple[str, str]] = Counter()
    for status, error in Delivery.objects.filter(edition=edition, status__in=NOT_SENT).values_list(
        "status", "last_error"
    ):
        counts[(status, reason_group(error))] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [FailureReason(status, reason, count) for (status, reason), count in ordered[:top]]


def figures_csv(figures: EditionFigures) -> str:
    """One line per language × bilingual; opened/clicked are empty (not 0) when the edition has no such events."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for item in figures.rows:
        writer.writerow(
            [
                figures.edition.date.isoformat(),
                item.language,
                "yes" if item.bilingual else "no",
                item.sent,
                item.failed,
                item.skipped,
                item.pending,
                item.opened if figures.opens_tracked else "",
                item.clicked if figures.clicks_tracked else "",
            ]
        )
    return buffer.getvalue()
