"""The results page's chart: recipients, opens and clicks of the last editions, as server-rendered SVG."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from digest.models import Delivery, Edition


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
