"""Readers are settled "no papers" only when the edition's own papers explain it; a worker's wrong view of an
edition (an empty pool, a pool left over from another database whose edition had the same id) is retried, and a
batch skipped far beyond what the edition explains stops the send and alerts."""

import logging

import pytest

from digest.delivery import sending, skip_guard
from digest.delivery.sending import forget_cached_work, send_deliveries
from digest.models import Delivery, Edition, EditionEntry, SiteSettings
from digest.personalization import inputs
from digest.personalization.picking import Reader
from tests.factories import EditionEntryFactory, EditionFactory, PaperFactory, SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_process_caches():
    forget_cached_work()
    yield
    forget_cached_work()


def edition_with(topics, *slugs) -> Edition:
    edition = EditionFactory()
    for slug in slugs:
        EditionEntryFactory(edition=edition, paper=PaperFactory(topics=[topics[slug]]))
    return edition


def queue(edition, subscribers) -> list[int]:
    return [Delivery.objects.create(edition=edition, subscriber=s).pk for s in subscribers]


def test_a_new_edition_with_a_reused_id_is_not_picked_from_the_old_editions_pool(topics):
    """A worker outliving its database (a bench's database dropped and created again): same edition id, new row."""
    old = edition_with(topics, "vision")
    assert [e.paper.topics.get().slug for e in inputs.edition_pool(old, Reader()).entries] == ["vision"]
    pk = old.pk
    EditionEntry.objects.all().delete()
    Edition.objects.all().delete()
    new = Edition.objects.create(pk=pk, date=old.date)
    EditionEntryFactory(edition=new, paper=PaperFactory(topics=[topics["llm"]]))
    assert [e.paper.topics.get().slug for e in inputs.edition_pool(new, Reader()).entries] == ["llm"]


def test_an_edition_read_as_empty_is_not_kept_as_its_pool(topics):
    edition = edition_with(topics, "llm")
    EditionEntry.objects.update(excluded=True)
    assert inputs.edition_pool(edition, Reader()).entries == []
    EditionEntry.objects.update(excluded=False)
    assert len(inputs.edition_pool(edition, Reader()).entries) == 1


def test_a_reused_id_does_not_settle_its_readers_as_skipped(topics, outbox_dir):
    old = edition_with(topics, "vision")
    reader = SubscriberFactory(topics=[topics["llm"]])
    send_deliveries(queue(old, [reader]))
    assert Delivery.objects.get().status == "skipped"  # rightly: the old edition had no llm paper
    pk = old.pk
    Delivery.objects.all().delete()
    EditionEntry.objects.all().delete()
    Edition.objects.all().delete()
    new = Edition.objects.create(pk=pk, date=old.date)
    EditionEntryFactory(edition=new, paper=PaperFactory(topics=[topics["llm"]]))
    send_deliveries(queue(new, [SubscriberFactory(topics=[topics["llm"]])]))
    assert Delivery.objects.get().status == "sent"


def test_an_edition_whose_pool_comes_up_empty_for_a_worker_is_retried_not_skipped(topics, monkeypatch):
    edition = edition_with(topics, "llm", "vision")
    monkeypatch.setattr(inputs, "edition_entries", lambda edition: [])  # this worker reads no papers
    outcome = send_deliveries(queue(edition, [SubscriberFactory(topics=[topics["llm"]]), SubscriberFactory()]))
    rows = list(Delivery.objects.values_list("status", "last_error"))
    assert len(outcome.retry) == 2
    assert {status for status, _ in rows} == {"queued"}
    assert all("retried, not skipped" in error for _, error in rows)


def test_readers_whose_topics_the_edition_lacks_are_still_skipped(topics, outbox_dir):
    edition = edition_with(topics, "llm")
    readers = SubscriberFactory.create_batch(10, topics=[topics["vision"]])
    send_deliveries(queue(edition, [*readers, SubscriberFactory(topics=[topics["llm"]])]))
    statuses = list(Delivery.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["skipped"] * 10 + ["sent"]
    assert not SiteSettings.current().sending_paused


def test_a_batch_skipped_far_above_what_the_edition_explains_stops_the_send_and_alerts(
    topics, monkeypatch, caplog, outbox_dir, settings
):
    settings.ADMINS = [("ops", "ops@example.org")]
    edition = edition_with(topics, "llm", "vision")
    monkeypatch.setattr(sending, "pick_many", lambda pool, readers: [[] for _ in readers])
    monkeypatch.setattr(sending, "pick_from", lambda pool, reader: [])  # a worker picking from a wrong view
    ids = queue(
        edition, [*SubscriberFactory.create_batch(8, topics=[topics["llm"]]), *SubscriberFactory.create_batch(2)]
    )
    with caplog.at_level(logging.ERROR, logger="digest.delivery.skip_guard"):
        send_deliveries(ids)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}
    assert "sending paused" in Delivery.objects.first().last_error
    assert SiteSettings.current().sending_paused
    assert "send stopped" in caplog.text
    alert = [p.read_text(errors="replace") for p in outbox_dir.glob("*.eml")]
    assert len(alert) == 1 and "ops@example.org" in alert[0] and "stopped" in alert[0]


def test_one_odd_reader_without_papers_does_not_stop_a_send(topics, monkeypatch, outbox_dir):
    edition = edition_with(topics, "llm")
    odd = SubscriberFactory(topics=[topics["llm"]], max_papers=3)
    real = sending.pick_many
    monkeypatch.setattr(sending, "pick_many", lambda pool, readers: [[] if r.max_papers == 3 else p for r, p in
                                                                     zip(readers, real(pool, readers))])  # fmt: skip
    monkeypatch.setattr(
        sending, "pick_from", lambda pool, reader: [] if reader.max_papers == 3 else real(pool, [reader])[0]
    )
    send_deliveries(queue(edition, [odd, *SubscriberFactory.create_batch(9, topics=[topics["llm"]])]))
    assert Delivery.objects.get(subscriber=odd).status == "skipped"
    assert Delivery.objects.filter(status="sent").count() == 9
    assert not SiteSettings.current().sending_paused


def test_the_guard_explains_a_skip_by_topics_mutes_or_size(topics):
    assert skip_guard.explained(Reader(topic_slugs=frozenset({"vision"})), frozenset({"llm"}))
    assert not skip_guard.explained(Reader(topic_slugs=frozenset({"llm"})), frozenset({"llm"}))
    assert not skip_guard.explained(Reader(), frozenset({"llm"}))  # no topics chosen: every paper
    assert not skip_guard.explained(Reader(topic_slugs=frozenset({"vision"})), None)  # an edition with no papers
