"""What the send path needs to know about a batch of readers to pick their papers, in three queries per batch:
topics, follows and mutes, and the learned model (retrained nightly; never trained here); and the edition's
papers prepared for picking, once per edition and process."""

from __future__ import annotations

from digest.caching import TimedCache
from digest.editions.selectors import edition_entries, reserve_entries
from digest.models import Edition
from digest.personalization.interests import Interests
from digest.personalization.picking import Pool, Reader
from digest.personalization.relevance import LearnedWeights, paper_text, vectorize
from subscribers.models import ReaderModel, Subscriber

_pools = TimedCache(size=8)
CACHES = (_pools,)


def readers_for(subscribers: list[Subscriber]) -> dict[int, Reader]:
    ids = [s.pk for s in subscribers]
    topics: dict[int, set[str]] = {pk: set() for pk in ids}
    through = Subscriber.topics.through.objects.filter(subscriber_id__in=ids)
    for subscriber_id, slug in through.values_list("subscriber_id", "topic__slug"):
        topics[subscriber_id].add(slug)
    models = {
        row["subscriber_id"]: row
        for row in ReaderModel.objects.filter(subscriber_id__in=ids, trained_at__isnull=False).values(
            "subscriber_id", "weights", "intercept", "trained_at"
        )
    }
    readers = {}
    for subscriber in subscribers:
        row = models.get(subscriber.pk)
        learned = LearnedWeights.from_bytes(row["weights"], row["intercept"]) if row else None
        readers[subscriber.pk] = Reader(
            topic_slugs=frozenset(topics[subscriber.pk]),
            max_papers=subscriber.max_papers,
            follows=Interests.from_json(subscriber.follows),
            mutes=Interests.from_json(subscriber.mutes),
            learned=learned,
            learned_key=f"{subscriber.pk}@{row['trained_at'].timestamp()}" if learned is not None else "",
        )
    return readers


def edition_pool(edition: Edition, reader: Reader) -> Pool:
    """The edition's entries for a cold-start reader; the entries, the reserve and their vectors for a reader with
    a signal of their own (a follow or a model)."""
    entries = _pools.get_or_make((edition.pk, "entries"), lambda: edition_entries(edition))
    if not reader.personal:
        return _pools.get_or_make((edition.pk, "edition"), lambda: Pool(entries))

    def personal_pool() -> Pool:
        reserve = reserve_entries(edition)
        texts = [paper_text(entry.paper.title, entry.paper.abstract) for entry in [*entries, *reserve]]
        return Pool(entries, reserve, vectorize(texts))

    return _pools.get_or_make((edition.pk, "personal"), personal_pool)
