"""Storing feeds: one paper per arXiv id across feeds and versions; a bad document stores nothing."""

import pytest

from digest.models import Paper, Source
from digest.papers.ingest import fetch_source, ingest_document
from digest.sources import FeedError
from tests.conftest import bad, sample
from tests.fakes.http import LoopbackServer, Reply

pytestmark = pytest.mark.django_db


def test_same_paper_in_cs_ai_and_cs_cl_is_one_paper(topics):
    ingest_document(sample("arxiv_rss_cs.AI_2025-05-28.xml"), "arxiv_rss")
    result = ingest_document(sample("arxiv_rss_cs.CL_2025-05-28.xml"), "arxiv_rss")
    assert Paper.objects.count() == 60 + 25 - 10
    assert result.created == 15 and result.updated + result.unchanged == 10


def test_cross_list_becomes_new_when_another_feed_announces_it_as_new(topics):
    ingest_document(sample("arxiv_rss_cs.AI_2025-05-28.xml"), "arxiv_rss")
    cross_ids = set(Paper.objects.filter(announce_type="cross").values_list("arxiv_id", flat=True))
    ingest_document(sample("arxiv_rss_cs.CL_2025-05-28.xml"), "arxiv_rss")
    now_new = set(Paper.objects.filter(arxiv_id__in=cross_ids, announce_type="new").values_list("arxiv_id", flat=True))
    assert len(now_new) == 5


def test_replacement_updates_the_paper_in_place(topics):
    ingest_document(sample("arxiv_rss_cs.AI_2025-05-28.xml"), "arxiv_rss")
    first = Paper.objects.get(arxiv_id="2505.14827")
    ingest_document(sample("arxiv_rss_cs.AI_2025-05-29.xml"), "arxiv_rss")
    again = Paper.objects.get(arxiv_id="2505.14827")
    assert Paper.objects.filter(arxiv_id="2505.14827").count() == 1
    assert (first.version, again.version) == (1, 2)
    assert again.announced_on == first.announced_on and again.announce_type == "new"


def test_hf_upvotes_merge_into_the_arxiv_paper(topics):
    ingest_document(sample("arxiv_rss_cs.AI_2025-05-28.xml"), "arxiv_rss")
    ingest_document(sample("hf_daily_papers_2025-05-28.json"), "hf_daily")
    overlapping = Paper.objects.filter(score__gt=0).exclude(categories=[])
    assert overlapping.count() == 8


def test_reingesting_the_same_feed_changes_nothing(topics):
    ingest_document(sample("arxiv_rss_cs.AI_2025-05-28.xml"), "arxiv_rss")
    result = ingest_document(sample("arxiv_rss_cs.AI_2025-05-28.xml"), "arxiv_rss")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 60)


def test_papers_are_classified_into_topics(topics):
    ingest_document(sample("arxiv_rss_cs.AI_2025-05-28.xml"), "arxiv_rss")
    paper = Paper.objects.get(arxiv_id="2505.12514")  # "Reasoning by Superposition: A Theoretical Perspective ..."
    assert "theory" in {t.slug for t in paper.topics.all()}


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("truncated.xml", "arxiv_rss"),
        ("html_error_page.xml", "arxiv_rss"),
        ("billion_laughs.xml", "arxiv_rss"),
        ("hf_bad.json", "hf_daily"),
        ("hf_wrong_shape.json", "hf_daily"),
    ],
)
def test_bad_document_keeps_what_was_stored(topics, name, kind):
    ingest_document(sample("arxiv_rss_cs.AI_2025-05-28.xml"), "arxiv_rss")
    before = list(Paper.objects.order_by("arxiv_id").values_list("arxiv_id", "version", "title"))
    with pytest.raises(FeedError):
        ingest_document(bad(name), kind)
    assert list(Paper.objects.order_by("arxiv_id").values_list("arxiv_id", "version", "title")) == before


def feed_server(body: bytes, etag: str = '"v1"'):
    def handler(request):
        if request.headers.get("If-None-Match") == etag:
            return Reply(304)
        return Reply(200, body, {"ETag": etag, "Content-Type": "application/rss+xml"})

    return LoopbackServer(handler)


def test_fetch_uses_conditional_get_the_second_time(topics):
    with feed_server(sample("arxiv_rss_cs.AI_2025-05-28.xml")) as server:
        source = Source.objects.create(slug="t-ai", name="t", kind="arxiv_rss", url=server.url + "/rss/cs.AI")
        first = fetch_source(source)
        second = fetch_source(source)
    assert first.created == 60
    assert second.not_modified
    assert server.requests[1].headers["If-None-Match"] == '"v1"'
    source.refresh_from_db()
    assert source.last_status == "ok"


def test_fetch_error_is_recorded_on_the_source(topics):
    with LoopbackServer(lambda request: Reply(503, "<html>503 Service Unavailable</html>")) as server:
        source = Source.objects.create(slug="t-down", name="t", kind="arxiv_rss", url=server.url + "/rss")
        with pytest.raises(FeedError) as error:
            fetch_source(source)
    source.refresh_from_db()
    assert "HTTP 503" in str(error.value)
    assert source.last_status == "error" and "503" in source.last_error


def test_fetch_refuses_a_feed_over_the_size_limit(topics, settings):
    settings.FEED_MAX_BYTES = 10_000
    with feed_server(sample("arxiv_rss_cs.AI_2025-05-28.xml")) as server:
        source = Source.objects.create(slug="t-big", name="t", kind="arxiv_rss", url=server.url + "/rss")
        with pytest.raises(FeedError, match="byte limit"):
            fetch_source(source)
    assert Paper.objects.count() == 0


def test_fetch_times_out_with_a_clear_error(topics, settings):
    settings.FEED_TIMEOUT_SECONDS = 0.3
    with LoopbackServer(lambda request: Reply(200, b"<rss/>", delay=2)) as server:
        source = Source.objects.create(slug="t-slow", name="t", kind="arxiv_rss", url=server.url + "/rss")
        with pytest.raises(FeedError, match="timed out"):
            fetch_source(source)


def test_connection_refused_is_a_feed_error(topics):
    source = Source.objects.create(slug="t-none", name="t", kind="arxiv_rss", url="http://127.0.0.1:9/rss")
    with pytest.raises(FeedError, match="could not fetch"):
        fetch_source(source)


def test_a_server_that_drips_is_cut_off_at_the_total_deadline(topics, settings):
    from digest.papers.download import DownloadError, download

    settings.FEED_TIMEOUT_SECONDS, settings.FEED_DEADLINE_SECONDS = 1.0, 1.5
    body = sample("arxiv_rss_cs.AI_2025-05-28.xml")[:40]  # 40 bytes, one every 0.2 s: 8 s in all
    with LoopbackServer(lambda request: Reply(200, body, drip=0.2)) as server:
        with pytest.raises(DownloadError, match="deadline"):
            download(server.url + "/rss")


def test_add_by_arxiv_id_asks_arxiv_over_https():
    from newsletter import settings as project_settings

    assert project_settings.ARXIV_API_URL.startswith("https://")
