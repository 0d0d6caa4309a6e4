"""How an edition did: deliveries and provider events counted per language variant, clicks per paper.

Rates count readers (distinct deliveries), not raw events: one reader opening five times is one open.
Event names are anymail's normalized ones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

from digest.languages import LANGUAGE_NAMES, LANGUAGE_ORDER
from digest.models import Delivery, Edition, EmailEvent, Paper
from digest.sources.records import split_arxiv_id

EVENT_TYPES = ("delivered", "bounced", "complained", "opened", "clicked", "unsubscribed")


@dataclass
class VariantResults:
    language: str
    label: str
    recipients: int = 0
    failed: int = 0
    skipped: int = 0
    events: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EVENT_TYPES, 0))

    def rate(self, event_type: str) -> float:
        return self.events[event_type] / self.recipients if self.recipients else 0.0

    @property
    def open_rate(self) -> float:
        return self.rate("opened")

    @property
    def click_rate(self) -> float:
        return self.rate("clicked")


@dataclass
class PaperClicks:
    paper: Paper | None
    url: str
    clicks: int
    readers: int


@dataclass
class EditionResults:
    edition: Edition
    total: VariantResults
    by_variant: list[VariantResults]
    top_papers: list[PaperClicks]


def edition_results(edition: Edition, *, top: int = 10) -> EditionResults:
    by_language: dict[str, VariantResults] = {}

    def row(language: str) -> VariantResults:
        if language not in by_language:
            by_language[language] = VariantResults(language, LANGUAGE_NAMES.get(language, language or "unknown"))
        return by_language[language]

    deliveries = Delivery.objects.filter(edition=edition)
    for item in deliveries.values("language", "status").annotate(n=Count("pk")):
        target = row(item["language"])
        if item["status"] == Delivery.Status.SENT:
            target.recipients += item["n"]
        elif item["status"] == Delivery.Status.FAILED:
            target.failed += item["n"]
        elif item["status"] == Delivery.Status.SKIPPED:
            target.skipped += item["n"]
    events = EmailEvent.objects.filter(delivery__edition=edition, event_type__in=EVENT_TYPES)
    for item in events.values("delivery__language", "event_type").annotate(n=Count("delivery", distinct=True)):
        row(item["delivery__language"]).events[item["event_type"]] += item["n"]
    variants = sorted(by_language.values(), key=lambda v: LANGUAGE_ORDER.get(v.language, 99))
    total = VariantResults("", "All readers")
    for variant in variants:
        total.recipients += variant.recipients
        total.failed += variant.failed
        total.skipped += variant.skipped
        for name in EVENT_TYPES:
            total.events[name] += variant.events[name]
    return EditionResults(edition, total, variants, most_clicked_papers(edition, top=top))


def most_clicked_papers(edition: Edition, *, top: int = 10) -> list[PaperClicks]:
    """Clicked links mapped to papers by the arXiv id in the URL (abs, pdf or html links alike)."""
    clicks: Counter[str] = Counter()
    readers: dict[str, set[int]] = {}
    urls: dict[str, str] = {}
    for url, delivery_id in EmailEvent.objects.filter(delivery__edition=edition, event_type="clicked").values_list(
        "url", "delivery_id"
    ):
        ids = split_arxiv_id(url) if "arxiv.org" in url else None
        key = ids[0] if ids else url
        clicks[key] += 1
        readers.setdefault(key, set()).add(delivery_id)
        urls.setdefault(key, url)
    papers = Paper.objects.in_bulk([key for key in clicks], field_name="arxiv_id")
    return [PaperClicks(papers.get(key), urls[key], count, len(readers[key])) for key, count in clicks.most_common(top)]


@dataclass
class ChartBar:
    x: float
    width: float
    height: float
    y: float
    value: int
    series: str


@dataclass
class Chart:
    """A server-rendered SVG bar chart: recipients, opens and clicks per edition (no script, no CDN)."""

    width: int
    height: int
    plot_top: int
    plot_bottom: int
    maximum: int
    bars: list[ChartBar]
    labels: list[tuple[float, str]]
    editions: int


SERIES = ("recipients", "opened", "clicked")


def recent_editions_chart(limit: int = 30, *, width: int = 760, height: int = 240) -> Chart:
    editions = list(Edition.objects.order_by("-date")[:limit])[::-1]
    stats = {
        item["pk"]: item
        for item in Edition.objects.filter(pk__in=[e.pk for e in editions])
        .annotate(
            recipients=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT), distinct=True),
            opened=Count("deliveries", filter=Q(deliveries__events__event_type="opened"), distinct=True),
            clicked=Count("deliveries", filter=Q(deliveries__events__event_type="clicked"), distinct=True),
        )
        .values("pk", "recipients", "opened", "clicked")
    }
    plot_top, plot_bottom, left = 16, height - 28, 48
    maximum = max([stats[e.pk]["recipients"] for e in editions] + [1])
    slot = (width - left - 8) / max(len(editions), 1)
    bar_width = max(slot / (len(SERIES) + 1), 1.0)
    bars, labels = [], []
    for index, edition in enumerate(editions):
        x0 = left + index * slot
        for offset, series in enumerate(SERIES):
            value = stats[edition.pk][series]
            bar_height = (plot_bottom - plot_top) * value / maximum
            bars.append(
                ChartBar(
                    x=round(x0 + bar_width * (offset + 0.5), 1),
                    width=round(bar_width, 1),
                    height=round(bar_height, 1),
                    y=round(plot_bottom - bar_height, 1),
                    value=value,
                    series=series,
                )
            )
        step = max(1, len(editions) // 6)
        if index % step == 0 or index == len(editions) - 1:
            labels.append((round(x0 + slot / 2, 1), f"{edition.date:%m-%d}"))
    return Chart(width, height, plot_top, plot_bottom, maximum, bars, labels, len(editions))
