"""One bad upstream item is skipped and reported; the rest of the document and the day go on."""

import json

import pytest

from digest.daily import fetch_enabled_sources
from digest.models import Paper, Source
from digest.papers.ingest import fetch_source, ingest_document
from digest.sources import FeedError, parser_for
from tests.fakes.http import LoopbackServer, Reply

pytestmark = pytest.mark.django_db


def hf_item(arxiv_id: str, **paper) -> dict:
    base = {"id": arxiv_id, "title": f"Paper {arxiv_id}", "summary": "An abstract.", "upvotes": 3,
            "authors": [{"name": "Ada Lovelace"}], "submittedOnDailyAt": "2025-05-28T00:00:00Z"}  # fmt: skip
    return {"paper": base | paper}


def hf_document(*items: dict) -> bytes:
    return json.dumps(list(items)).encode()


def test_authors_null_keeps_the_paper_without_authors():
    (record,) = parser_for("hf_daily")(hf_document(hf_item("2505.00001", authors=None))).records
    assert record.authors == []


@pytest.mark.parametrize(
    "bad",
    [
        {"authors": "Ada"},
        {"authors": [{"name": {"first": "Ada"}}]},
        {"title": ["a", "list"]},
        {"upvotes": "many"},
        {"submittedOnDailyAt": 20250528},
    ],
)
def test_an_item_of_unexpected_shape_does_not_stop_the_others(topics, bad):
    result = ingest_document(hf_document(hf_item("2505.00001", **bad), hf_item("2505.00002")), "hf_daily")
    assert Paper.objects.filter(arxiv_id="2505.00002").exists()
    assert result.total + len(result.skipped) == 2


def test_deeply_nested_json_is_a_feed_error_not_a_crash():
    document = b'[{"paper": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]"
    with pytest.raises(FeedError, match="nested"):
        parser_for("hf_daily")(document)


def test_huge_upvotes_are_clamped_to_the_column(topics):
    ingest_document(hf_document(hf_item("2505.00001", upvotes=2**40), hf_item("2505.00002")), "hf_daily")
    assert Paper.objects.get(arxiv_id="2505.00001").score == 2**31 - 1
    assert Paper.objects.count() == 2


def test_overlong_repo_url_is_dropped_and_the_paper_kept(topics):
    long_url = "https://github.com/" + "a" * 400
    ingest_document(hf_document(hf_item("2505.00001", githubRepo=long_url), hf_item("2505.00002")), "hf_daily")
    assert Paper.objects.get(arxiv_id="2505.00001").code_url == ""
    assert Paper.objects.count() == 2


def test_overlong_arxiv_id_is_skipped_and_reported(topics):
    document = hf_document(hf_item("hep-" + "x" * 60 + "/0112017"), hf_item("2505.00002"))
    result = ingest_document(document, "hf_daily")
    assert list(Paper.objects.values_list("arxiv_id", flat=True)) == ["2505.00002"]
    assert len(result.skipped) == 1 and "arXiv id" in result.skipped[0][1]


def test_overlong_category_is_truncated_to_the_column(topics):
    long_category = "cs." + "A" * 60
    rss = f"""<?xml version="1.0"?><rss version="2.0" xmlns:arxiv="http://arxiv.org/schemas/atom"
        xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>cs.AI updates</title>
        <item><title>A long category</title><link>https://arxiv.org/abs/2505.00001</link>
        <description>arXiv:2505.00001v1 Announce Type: new Abstract: Something.</description>
        <guid isPermaLink="false">oai:arXiv.org:2505.00001v1</guid><category>{long_category}</category>
        <pubDate>Wed, 28 May 2025 00:00:00 -0400</pubDate><arxiv:announce_type>new</arxiv:announce_type>
        <dc:creator>Ada Lovelace</dc:creator></item></channel></rss>""".encode()
    ingest_document(rss, "arxiv_rss")
    paper = Paper.objects.get()
    assert len(paper.primary_category) <= 32 and paper.primary_category.startswith("cs.AAA")


def test_a_source_whose_document_crashes_is_recorded_as_failed_and_the_day_goes_on(topics):
    nested = b'[{"paper": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]"
    good = hf_document(hf_item("2505.00002"))
    pages = {"/nested": nested, "/good": good}
    with LoopbackServer(lambda r: Reply(200, pages[r.path])) as server:
        Source.objects.all().delete()
        Source.objects.create(slug="nested", name="n", kind="hf_daily", url=server.url + "/nested")
        Source.objects.create(slug="good", name="g", kind="hf_daily", url=server.url + "/good")
        report = fetch_enabled_sources()
    assert report.new_papers == 1 and len(report.errors) == 1
    failed = Source.objects.get(slug="nested")
    assert failed.last_status == "error" and "nested" in failed.last_error


def test_skipped_items_are_recorded_on_the_source(topics):
    document = hf_document(hf_item("2505.00001", title=""), hf_item("2505.00002"))
    with LoopbackServer(lambda r: Reply(200, document)) as server:
        source = Source.objects.create(slug="hf-t", name="t", kind="hf_daily", url=server.url + "/d")
        fetch_source(source)
    source.refresh_from_db()
    assert source.last_status == "ok" and "1 items skipped" in source.last_result
    assert "item 1" in source.last_error and "no title" in source.last_error


def test_the_parsers_limits_are_the_paper_columns():
    from digest.sources import records

    field = Paper._meta.get_field
    assert records.MAX_ARXIV_ID_CHARS == field("arxiv_id").max_length
    assert records.MAX_CATEGORY_CHARS == field("primary_category").max_length
    assert records.MAX_URL_CHARS == field("code_url").max_length == field("abs_url").max_length


def test_a_row_the_database_refuses_skips_that_item_only(topics, monkeypatch):
    from digest.papers import ingest

    real = ingest.upsert_paper

    def refuse_one(record):
        if record.arxiv_id == "2505.00001":
            Paper.objects.create(
                arxiv_id=record.arxiv_id, title="x", abs_url="u", announced_on="2025-05-28", score=2**40
            )
        return real(record)

    monkeypatch.setattr(ingest, "upsert_paper", refuse_one)
    result = ingest_document(hf_document(hf_item("2505.00001"), hf_item("2505.00002")), "hf_daily")
    assert list(Paper.objects.values_list("arxiv_id", flat=True)) == ["2505.00002"]
    assert result.skipped == [(1, result.skipped[0][1])] and "2505.00001: not stored" in result.skipped[0][1]
