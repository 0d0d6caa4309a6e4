"""The whole day through a real Celery worker on the real Redis and PostgreSQL: feeds served on loopback,
the LLM faked on loopback, emails written to the outbox."""

import email
from email import policy

import pytest
from django.utils.html import escape

from digest.models import Delivery, Edition, Source, Translation
from digest.translation.variants import to_variant
from tests.conftest import sample
from tests.factories import SubscriberFactory
from tests.fakes.http import LoopbackServer, Reply
from tests.workers import TEST_REDIS_URL, Worker, broker_client, database_url_for_workers, flush_redis, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FEEDS = {
    "/rss/cs.AI": ("arxiv_rss_cs.AI_2025-05-28.xml", "arxiv_rss"),
    "/rss/cs.CL": ("arxiv_rss_cs.CL_2025-05-28.xml", "arxiv_rss"),
    "/api/daily_papers": ("hf_daily_papers_2025-05-28.json", "hf_daily"),
}


@pytest.fixture
def feed_server():
    def handler(request):
        name = FEEDS.get(request.path)
        return Reply(200, sample(name[0])) if name else Reply(404, "not found")

    with LoopbackServer(handler) as server:
        yield server


def test_run_daily_on_a_real_worker_mails_every_subscriber_once_in_their_language(
    topics, feed_server, llm_server, outbox_dir, tmp_path
):
    for path, (_, kind) in FEEDS.items():
        Source.objects.create(slug=path.strip("/").replace("/", "-"), name=path, kind=kind, url=feed_server.url + path)
    readers = {
        "tw@example.com": SubscriberFactory(email="tw@example.com", language="zh-Hant-TW", topics=[topics["llm"]]),
        "hk@example.com": SubscriberFactory(email="hk@example.com", language="zh-Hant-HK"),
        "cn@example.com": SubscriberFactory(email="cn@example.com", language="zh-Hans", bilingual=True),
        "en@example.com": SubscriberFactory(email="en@example.com", language="en", topics=[topics["vision"]]),
    }
    flush_redis()
    worker = Worker(
        {
            "DATABASE_URL": database_url_for_workers(),
            "CELERY_BROKER_URL": TEST_REDIS_URL,
            "EMAIL_OUTBOX_DIR": str(outbox_dir),
            "TRANSLATOR_BASE_URL": llm_server.url + "/v1",
            "TRANSLATOR_MODEL": "loopback-model",
            "TRANSLATOR_API_KEY": "test-key",
            "SITE_URL": "https://papers.example.org",
        },
        tmp_path / "worker.log",
    ).start()
    try:
        broker_client().send_task("digest.tasks.run_daily")
        wait_until(
            lambda: Edition.objects.filter(status=Edition.Status.SENT).exists(),
            timeout=120,
            message=f"the edition to be sent; worker log: {tmp_path / 'worker.log'}",
        )
    finally:
        worker.stop()

    messages = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox_dir.glob("*.eml")]
    recipients = sorted(m["To"] for m in messages)
    assert recipients == sorted(readers), "every subscriber exactly one email"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert Translation.objects.filter(model="loopback-model").count() > 25
    by_address = {m["To"]: m.get_body(("html",)).get_content() for m in messages}
    # The Taiwan reader follows one topic: whichever papers it brought, their titles are in Taiwan's wording.
    tw_titles = [to_variant(t.title, "zh-Hant-TW") for t in Translation.objects.filter(model="loopback-model")]
    shown = [title for title in tw_titles if escape(title) in by_address["tw@example.com"]]
    assert shown, "the Taiwan email carries translated titles in Taiwan's wording"
    assert (
        "零数据" in by_address["cn@example.com"]
        and "Reinforcement learning with verifiable" in by_address["cn@example.com"]
    )
    assert "零數據" in by_address["hk@example.com"]
    assert "零" not in by_address["en@example.com"].split("<body")[1]
    edition = Edition.objects.get()
    assert str(edition.date) == "2025-05-28"
