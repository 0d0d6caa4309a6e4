"""What the send path needs to know about a batch of readers to pick their papers, in three queries per batch:
topics, follows and mutes, and the learned model (retrained nightly; never trained here); and the edition's
papers prepared for picking, once per edition and process."""

from __future__ import annotations

from digest.caching import TimedCache, edition_stamp
from digest.editions.selectors import edition_entries, reserve_entries
from digest.models import Edition
from digest.personalization.interests import Interests
from digest.personalization.picking import Pool, Reader
from digest.personalization.relevance import LearnedWeights, paper_text, vectorize
from subscribers.interests import InvalidInterest, check_stored
from subscribers.models import ReaderModel, Subscriber

_pools = TimedCache(size=8)
CACHES = (_pools,)


def readers_for(subscribers: list[Subscriber], *, unreadable: dict[int, str] | None = None) -> dict[int, Reader]:
    """Each subscriber as the picking reads them. A subscriber whose stored preferences or model cannot be read is
    left out and its reason put in `unreadable` when that is given (the send path fails that one delivery and sends
    the others); without it the first such reader raises."""
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
        try:
            readers[subscriber.pk] = _reader(subscriber, topics[subscriber.pk], models.get(subscriber.pk))
        except Exception as error:  # one reader's bad row must not stop the batch's other readers
            if unreadable is None:
                raise
            unreadable[subscriber.pk] = unreadable_reason(error)
    return readers


def unreadable_reason(error: Exception) -> str:
    """Why a reader's email could not be prepared, as a delivery's last error."""
    if isinstance(error, InvalidInterest):
        return f"stored follows or mutes do not fit their schema: {error}"
    return f"could not prepare this reader's email: {error.__class__.__name__}: {str(error)[:200]}"


def _reader(subscriber: Subscriber, topics: set[str], model: dict | None) -> Reader:
    try:
        follows, mutes = Interests.from_json(subscriber.follows), Interests.from_json(subscriber.mutes)
    except InvalidInterest as error:
        side = "follows" if not _fits(subscriber.follows) else "mutes"
        raise InvalidInterest(f"{side}: %(reason)s", {"reason": str(error)}) from None
    learned = LearnedWeights.from_bytes(model["weights"], model["intercept"]) if model else None
    return Reader(
        topic_slugs=frozenset(topics),
        max_papers=subscriber.max_papers,
        follows=follows,
        mutes=mutes,
        learned=learned,
        learned_key=f"{subscriber.pk}@{model['trained_at'].timestamp()}" if learned is not None else "",
    )


def _fits(value: object) -> bool:
    try:
        check_stored(value)
    except InvalidInterest:
        return False
    return True


def edition_pool(edition: Edition, reader: Reader) -> Pool:
    """The edition's entries for a cold-start reader; the entries, the reserve and their vectors for a reader with
    a signal of their own (a follow or a model)."""
    stamp = edition_stamp(edition)
    entries = _pools.get((*stamp, "entries"))
    if entries is None:
        entries = edition_entries(edition)
        if not entries:  # never kept: an edition read as empty once would stay empty for every batch after
            return Pool([])
        _pools.put((*stamp, "entries"), entries)
    if not reader.personal:
        return _pools.get_or_make((*stamp, "edition"), lambda: Pool(entries))

    def personal_pool() -> Pool:
        reserve = reserve_entries(edition)
        texts = [paper_text(entry.paper.title, entry.paper.abstract) for entry in [*entries, *reserve]]
        return Pool(entries, reserve, vectorize(texts))

    return _pools.get_or_make((*stamp, "personal"), personal_pool)
