"""How an edition did, counted once: deliveries and provider events per language × bilingual as sent.

Both tables of the results page and the CSV download read these same rows: the per-variant table folds
them by language, the per-language × bilingual table shows them as they are. Language and bilingual are
what each delivery recorded when it was sent; rows that never got that far (and rows sent before
bilingual was recorded) fall back to the subscriber's current setting. Events count readers (distinct
deliveries), not raw events: one reader opening five times is one open. Event names are anymail's.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _

from digest.languages import LANGUAGE_NAMES, LANGUAGE_ORDER
from digest.models import Delivery, Edition, EditionTotals, EmailEvent, Paper
from digest.sources.records import arxiv_id_in_url

EVENT_TYPES = ("delivered", "bounced", "complained", "opened", "clicked", "unsubscribed")
PENDING = (Delivery.Status.QUEUED, Delivery.Status.SENDING)
NOT_SENT = (Delivery.Status.FAILED, Delivery.Status.SKIPPED)
CSV_HEADER = ["edition", "language", "bilingual", "sent", "failed", "skipped", "pending", "opened", "clicked"]
_STATUS_FIELD = {
    Delivery.Status.SENT: "sent",
    Delivery.Status.FAILED: "failed",
    Delivery.Status.SKIPPED: "skipped",
    Delivery.Status.QUEUED: "pending",
    Delivery.Status.SENDING: "pending",
}


@dataclass
class FiguresRow:
    """Deliveries of one language × bilingual (bilingual None: both, in a row folded by language)."""

    language: str
    bilingual: bool | None
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    pending: int = 0
    events: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EVENT_TYPES, 0))

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, self.language or _("unknown"))

    # The per-variant table's names for the same figures.
    @property
    def label(self) -> str:
        return self.language_name

    @property
    def recipients(self) -> int:
        return self.sent

    @property
    def opened(self) -> int:
        return self.events["opened"]

    @property
    def clicked(self) -> int:
        return self.events["clicked"]

    def rate(self, event_type: str) -> float:
        return self.events[event_type] / self.sent if self.sent else 0.0

    @property
    def open_rate(self) -> float:
        return self.rate("opened")

    @property
    def click_rate(self) -> float:
        return self.rate("clicked")

    def add(self, other: FiguresRow) -> None:
        for name in ("sent", "failed", "skipped", "pending"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in EVENT_TYPES:
            self.events[name] += other.events[name]


def as_sent(prefix: str = "") -> dict:
    """The variant as the delivery recorded it when sent; the subscriber's current setting for rows that
    never got that far (skipped, failed before sending) or were sent before Delivery recorded bilingual.
    `prefix` reads it through a relation (an EmailEvent's "delivery__")."""
    return {
        "sent_language": Coalesce(NullIf(f"{prefix}language", Value("")), f"{prefix}subscriber__language"),
        "sent_bilingual": Coalesce(f"{prefix}bilingual", f"{prefix}subscriber__bilingual"),
    }


def pruned_figures(edition: Edition) -> dict | None:
    """What was stored when the edition's deliveries and events were deleted (digest.delivery.retention)."""
    return (
        EditionTotals.objects.filter(edition=edition, pruned_at__isnull=False).values_list("figures", flat=True).first()
    )


def count_edition(edition: Edition) -> tuple[list[FiguresRow], set[str]]:
    """The one count: rows per language × bilingual in display order, and which event types arrived at all."""
    stored = pruned_figures(edition)
    if stored is not None:
        return [FiguresRow(**row) for row in stored.get("rows", [])], set(stored.get("arrived", []))
    rows: dict[tuple[str, bool], FiguresRow] = {}

    def row(language: str, bilingual: bool) -> FiguresRow:
        key = (language, bool(bilingual))
        if key not in rows:
            rows[key] = FiguresRow(language, bool(bilingual))
        return rows[key]

    deliveries = Delivery.objects.filter(edition=edition).annotate(**as_sent())
    for item in deliveries.values("sent_language", "sent_bilingual", "status").annotate(n=Count("pk")):
        target = row(item["sent_language"], item["sent_bilingual"])
        name = _STATUS_FIELD.get(item["status"])
        if name:
            setattr(target, name, getattr(target, name) + item["n"])
    # By the edition each event carries (an index on edition, event type), not a join of every event with the
    # edition's deliveries.
    events = EmailEvent.objects.filter(edition=edition, event_type__in=EVENT_TYPES)
    arrived = set()
    for item in (
        events.annotate(**as_sent("delivery__"))
        .values("sent_language", "sent_bilingual", "event_type")
        .annotate(n=Count("delivery", distinct=True))
    ):
        row(item["sent_language"], item["sent_bilingual"]).events[item["event_type"]] += item["n"]
        arrived.add(item["event_type"])
    ordered = sorted(rows.values(), key=lambda r: (LANGUAGE_ORDER.get(r.language, 99), r.bilingual))
    return ordered, arrived


def total_of(rows: list[FiguresRow], language: str = "") -> FiguresRow:
    total = FiguresRow(language, None)
    for item in rows:
        total.add(item)
    return total


def chart_series(rows: list[FiguresRow]) -> dict[str, int]:
    """The results chart's figures of a counted edition (digest.delivery.results_chart): readers sent to, and readers
    who opened or clicked. A delivery has one language x bilingual, so the rows' distinct readers add up."""
    total = total_of(rows)
    return {"recipients": total.sent, "opened": total.events["opened"], "clicked": total.events["clicked"]}


@dataclass
class PaperClicks:
    paper: Paper | None
    url: str
    clicks: int
    readers: int


@dataclass
class EditionResults:
    """The per-variant table: the counted rows folded by language."""

    edition: Edition
    total: FiguresRow
    by_variant: list[FiguresRow]
    top_papers: list[PaperClicks]


@dataclass
class EditionFigures:
    """The per-language × bilingual table. opens_tracked / clicks_tracked: whether any such event arrived
    for this edition at all. Without one, tracking is off (or its webhook is not set up), and the figure is
    unknown rather than zero."""

    edition: Edition
    rows: list[FiguresRow]
    total: FiguresRow
    opens_tracked: bool
    clicks_tracked: bool
    failure_reasons: list[FailureReason]


@dataclass
class FailureReason:
    status: str
    reason: str
    count: int


Counted = tuple[list[FiguresRow], set[str]]


def edition_results(edition: Edition, *, top: int = 10, counted: Counted | None = None) -> EditionResults:
    """`counted`: count_edition's answer when the page already has it (one count per page, not one per table)."""
    rows, _arrived = counted or count_edition(edition)
    by_language: dict[str, list[FiguresRow]] = {}
    for item in rows:
        by_language.setdefault(item.language, []).append(item)
    variants = [total_of(group, language) for language, group in by_language.items()]
    return EditionResults(edition, total_of(rows), variants, most_clicked_papers(edition, top=top))


def edition_figures(edition: Edition, *, reasons: int = 10, counted: Counted | None = None) -> EditionFigures:
    rows, arrived = counted or count_edition(edition)
    return EditionFigures(
        edition,
        rows,
        total_of(rows),
        opens_tracked="opened" in arrived,
        clicks_tracked="clicked" in arrived,
        failure_reasons=failure_reasons(edition, top=reasons),
    )


def most_clicked_papers(edition: Edition, *, top: int = 10) -> list[PaperClicks]:
    """Clicked links mapped to papers by the arXiv id in the URL (abs, pdf or html links alike)."""
    stored = pruned_figures(edition)
    if stored is not None:
        papers = Paper.objects.in_bulk(
            [c["arxiv_id"] for c in stored.get("clicks", []) if c["arxiv_id"]], field_name="arxiv_id"
        )
        return [
            PaperClicks(papers.get(c["arxiv_id"]), c["url"], c["clicks"], c["readers"])
            for c in stored.get("clicks", [])
        ][:top]
    clicks: Counter[str] = Counter()
    readers: dict[str, set[int]] = {}
    urls: dict[str, str] = {}
    for url, delivery_id in EmailEvent.objects.filter(edition=edition, event_type="clicked").values_list(
        "url", "delivery_id"
    ):
        key = arxiv_id_in_url(url) or url
        clicks[key] += 1
        readers.setdefault(key, set()).add(delivery_id)
        urls.setdefault(key, url)
    papers = Paper.objects.in_bulk([key for key in clicks], field_name="arxiv_id")
    return [PaperClicks(papers.get(key), urls[key], count, len(readers[key])) for key, count in clicks.most_common(top)]


_ADDRESS = re.compile(r"[^\s<>@\"']+@[^\s<>@\"']+")
_ATTEMPTS = re.compile(r"\b\d+ attempts\b")


def reason_group(error: str) -> str:
    """What two deliveries that failed for the same cause have in common: their error text without the
    address and attempt count that differ per reader (a provider's 550 names the mailbox)."""
    text = _ATTEMPTS.sub("N attempts", _ADDRESS.sub("<address>", error.strip()))
    return text or _("(no reason recorded)")


def failure_reasons(edition: Edition, *, top: int = 10) -> list[FailureReason]:
    """Failed and skipped deliveries of the edition, grouped by reason, most common first."""
    stored = pruned_figures(edition)
    if stored is not None:
        return [FailureReason(**reason) for reason in stored.get("reasons", [])][:top]
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
