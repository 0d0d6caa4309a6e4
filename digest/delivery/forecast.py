"""What an approval will send, before it does: readers per variant, papers per reader, the papers still in
English, and when it goes out. The approval page shows it and asks to confirm, so an approval never surprises
(an editor once approved an edition whose send time had passed, and 19 of its 20 papers went out in English).

Papers per reader are counted the way a reader without follows or a learned model gets them (their topics and
size): follows and models only reorder and add from the day's reserve, so the count is what most readers get,
and it costs one pick per distinct (topics, size) instead of one per reader.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from digest.delivery.fanout import recipients
from digest.editions.approval import send_is_due
from digest.editions.selectors import edition_entries
from digest.languages import LANGUAGE_NAMES, LANGUAGE_ORDER, Language
from digest.models import Edition
from digest.personalization.picking import pick_papers
from subscribers.models import Subscriber

#: Above this share of papers still in English, the confirmation warns before anything else: Chinese readers
#: would get mostly English, which is what approval exists to prevent.
UNTRANSLATED_WARNING_SHARE = 0.2
#: How long the curate page's "readers get N papers" is kept (a new reader or a changed size shows within it).
READERS_GET_SECONDS = 60


@dataclass(frozen=True)
class VariantForecast:
    language: str
    bilingual: bool
    readers: int
    fewest_papers: int
    most_papers: int

    @property
    def label(self) -> str:
        """The variant's own name (繁體中文（台灣）...), as readers choose it."""
        return LANGUAGE_NAMES.get(self.language, self.language)


@dataclass(frozen=True)
class SendForecast:
    papers: int
    untranslated: int
    readers: int
    send_due: bool
    send_at: datetime
    variants: list[VariantForecast] = field(default_factory=list)

    @property
    def untranslated_share(self) -> float:
        return self.untranslated / self.papers if self.papers else 0.0

    @property
    def chinese_readers(self) -> int:
        return sum(v.readers for v in self.variants if v.language != Language.EN)

    @property
    def warn_untranslated(self) -> bool:
        return bool(self.chinese_readers) and self.untranslated_share > UNTRANSLATED_WARNING_SHARE

    @property
    def fewest_papers(self) -> int:
        return min((v.fewest_papers for v in self.variants), default=0)

    @property
    def most_papers(self) -> int:
        return max((v.most_papers for v in self.variants), default=0)


def forecast_send(edition: Edition, now: datetime | None = None) -> SendForecast:
    entries = edition_entries(edition)
    untranslated = sum(1 for entry in entries if entry.paper.current_translation() is None)
    audience = recipients(edition)
    readers = list(audience.values_list("pk", "language", "bilingual", "max_papers"))
    topics: dict[int, set[str]] = defaultdict(set)
    # A subquery, not a list of every reader's id in the SQL.
    through = Subscriber.topics.through.objects.filter(subscriber__in=audience)
    for subscriber_id, slug in through.values_list("subscriber_id", "topic__slug").iterator(chunk_size=5000):
        topics[subscriber_id].add(slug)
    papers_for: dict[tuple[frozenset[str], int], int] = {}
    counts: dict[tuple[str, bool], Counter[int]] = defaultdict(Counter)
    for pk, language, bilingual, max_papers in readers:
        key = (frozenset(topics.get(pk, ())), max_papers)
        if key not in papers_for:
            papers_for[key] = len(pick_papers(entries, key[0], max_papers))
        counts[(language, bilingual)][papers_for[key]] += 1
    variants = [
        VariantForecast(language, bilingual, sum(by_size.values()), min(by_size), max(by_size))
        for (language, bilingual), by_size in sorted(
            counts.items(), key=lambda item: (LANGUAGE_ORDER.get(item[0][0], 9), item[0][1])
        )
    ]
    return SendForecast(
        papers=len(entries),
        untranslated=untranslated,
        readers=len(readers),
        send_due=send_is_due(edition, now),
        send_at=_send_time(edition),
        variants=variants,
    )


@dataclass(frozen=True)
class ReaderRange:
    readers: int
    fewest_papers: int
    most_papers: int


def readers_get(edition: Edition) -> ReaderRange:
    """How many papers readers get of this edition (the range across readers), for the curate page: kept for
    READERS_GET_SECONDS, since a page an editor reloads after every change must not count every reader again."""
    key = f"forecast:readers-get:{edition.pk}:{edition.entries.filter(excluded=False).count()}"
    cached = cache.get(key)
    if cached is None:
        forecast = forecast_send(edition)
        cached = ReaderRange(forecast.readers, forecast.fewest_papers, forecast.most_papers)
        cache.set(key, cached, READERS_GET_SECONDS)
    return cached


def _send_time(edition: Edition) -> datetime:
    """The daily run's time on the edition's date, in the site's time zone."""
    run_at = time(settings.DAILY_RUN_HOUR, settings.DAILY_RUN_MINUTE)
    return timezone.make_aware(datetime.combine(edition.date, run_at))
