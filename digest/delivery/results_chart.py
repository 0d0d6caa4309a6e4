"""The results page's chart: recipients, opens and clicks of the last editions, as server-rendered SVG."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Func, IntegerField, OuterRef, Subquery
from django.db.models.expressions import Star
from django.utils import timezone

from digest.models import Delivery, Edition, EditionTotals, EmailEvent


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


def chart_figures(editions: list[Edition], known: dict[int, dict[str, int]] | None = None) -> dict[int, dict[str, int]]:
    """Recipients, opened and clicked (readers, not events) per edition: stored totals where the edition has them;
    counted for the others, and stored for those sent EDITION_TOTALS_FINAL_AFTER_DAYS ago or more, so the chart
    counts only the last days' editions however many came before. `known`: figures the caller has just counted
    (the results page's own edition), used instead of counting that edition a second time."""
    stats = {
        row["edition_id"]: row
        for row in EditionTotals.objects.filter(edition__in=editions).values(
            "edition_id", "recipients", "opened", "clicked"
        )
    }
    missing = [edition for edition in editions if edition.pk not in stats]
    known = {pk: figures for pk, figures in (known or {}).items() if pk not in stats}
    counted = {**count_figures([edition.pk for edition in missing if edition.pk not in known]), **known}
    final_before = timezone.now() - datetime.timedelta(days=settings.EDITION_TOTALS_FINAL_AFTER_DAYS)
    EditionTotals.objects.bulk_create(
        [
            EditionTotals(edition=edition, **counted[edition.pk])
            for edition in missing
            if edition.sent_at is not None and edition.sent_at < final_before
        ],
        ignore_conflicts=True,
    )
    return {**stats, **counted}


def count_figures(edition_ids: list[int]) -> dict[int, dict[str, int]]:
    """The editions' figures counted from their rows: sent deliveries by edition, then readers who opened or clicked
    (distinct deliveries per event type), each a grouped query over these editions' rows only."""
    figures = {pk: dict.fromkeys(SERIES, 0) for pk in edition_ids}
    if not edition_ids:
        return figures
    # One count per edition (a correlated subquery through the (edition, status) index): a single grouped count over
    # the list of editions was planned, once the table held a year, as a scan of every delivery ever made.
    sent = Delivery.objects.filter(edition=OuterRef("pk"), status=Delivery.Status.SENT).order_by()
    count = Func(Star(), function="COUNT", output_field=IntegerField())
    editions = Edition.objects.filter(pk__in=edition_ids).annotate(n=Subquery(sent.annotate(n=count).values("n")))
    for pk, n in editions.values_list("pk", "n"):
        figures[pk]["recipients"] = n or 0
    # By the edition each event carries (an index on edition, event type): no join with the deliveries.
    events = EmailEvent.objects.filter(edition_id__in=edition_ids, event_type__in=("opened", "clicked"))
    for row in events.values("edition_id", "event_type").annotate(n=Count("delivery_id", distinct=True)).order_by():
        figures[row["edition_id"]][row["event_type"]] = row["n"]
    return figures


def recent_editions_chart(
    limit: int = 30, *, width: int = 760, height: int = 240, known: dict[int, dict[str, int]] | None = None
) -> Chart:
    """The last `limit` editions readers received (a draft or an approved edition not yet sending has no results
    to chart). `known`: as in chart_figures."""
    editions = list(Edition.objects.filter(status__in=Edition.PUBLISHED).order_by("-date")[:limit])[::-1]
    stats = chart_figures(editions, known)
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
