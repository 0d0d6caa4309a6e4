"""An arXiv id is read whole or not at all: a longer number is never cut down to a real paper's id."""

import json

import pytest

from digest.models import Paper
from digest.papers.ingest import ingest_document
from digest.sources import parser_for
from digest.sources.records import arxiv_id_in_url, split_arxiv_id

# Values that look like ids but are not whole ones (each one merged into a real id before).
NOT_WHOLE_IDS = [
    "2505.05427777",
    "2505.0111…1",
    "2505.05427v1x",
    "2505.054271",
    "2505.05427v",
    "12505.05427",
    "２５０５.０５４２７",  # full-width digits: no id, though Python's \d reads them as digits
    "٢٥٠٥.٠٥٤٢٧",
]


def rss_item(guid: str, description_id: str, link: str) -> str:
    return (
        f"<item><title>Paper {description_id}</title><link>{link}</link>"
        f"<description>arXiv:{description_id} Announce Type: new \nAbstract: An abstract.</description>"
        f'<guid isPermaLink="false">{guid}</guid><category>cs.AI</category>'
        "<pubDate>Wed, 28 May 2025 00:00:00 -0400</pubDate></item>"
    )


def rss_document(*items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>cs.AI</title>'
        f"<pubDate>Wed, 28 May 2025 00:00:00 -0400</pubDate>{''.join(items)}</channel></rss>"
    ).encode()


def rss_of(arxiv_id: str) -> str:
    return rss_item(f"oai:arXiv.org:{arxiv_id}v1", f"{arxiv_id}v1", f"https://arxiv.org/abs/{arxiv_id}")


def api_document(*ids: str) -> bytes:
    entries = "".join(
        f"<entry><id>http://arxiv.org/abs/{arxiv_id}</id><published>2025-05-17T19:10:57Z</published>"
        f"<title>Paper {arxiv_id}</title><summary>An abstract.</summary><author><name>Ada</name></author></entry>"
        for arxiv_id in ids
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>'.encode()


def hf_document(*ids: str) -> bytes:
    return json.dumps(
        [
            {
                "paper": {
                    "id": arxiv_id,
                    "title": f"Paper {arxiv_id}",
                    "summary": "An abstract.",
                    "submittedOnDailyAt": "2025-05-28T00:00:00Z",
                }
            }
            for arxiv_id in ids
        ]
    ).encode()


@pytest.mark.parametrize("value", NOT_WHOLE_IDS)
def test_an_id_with_anything_after_it_is_no_id(value):
    assert split_arxiv_id(value) is None
    assert split_arxiv_id(f"oai:arXiv.org:{value}") is None
    assert split_arxiv_id(f"http://arxiv.org/abs/{value}") is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("oai:arXiv.org:2505.12514v2", ("2505.12514", 2)),
        ("http://arxiv.org/abs/2505.12514v2", ("2505.12514", 2)),
        ("https://arxiv.org/pdf/2505.12514.pdf", ("2505.12514", 1)),
        (" arXiv:2505.1251 ", ("2505.1251", 1)),
        ("http://arxiv.org/abs/hep-th/9901001v3", ("hep-th/9901001", 3)),
        ("math.AG/0601001", ("math.AG/0601001", 1)),
    ],
)
def test_whole_ids_in_every_written_form_are_read(value, expected):
    assert split_arxiv_id(value) == expected


@pytest.mark.parametrize("value", NOT_WHOLE_IDS)
def test_rss_item_with_a_malformed_id_is_skipped_with_its_reason(value):
    bad = rss_item(f"oai:arXiv.org:{value}", value, f"https://arxiv.org/abs/{value}")
    result = parser_for("arxiv_rss")(rss_document(rss_of("2505.05427"), bad))
    assert [record.arxiv_id for record in result.records] == ["2505.05427"]
    assert result.skipped == [(2, f"malformed arXiv id 'oai:arXiv.org:{value}'")]


def test_rss_item_whose_description_names_a_longer_id_than_its_guid_is_skipped():
    bad = rss_item("oai:arXiv.org:2505.05427v1", "2505.05427777v1", "https://arxiv.org/abs/2505.05427")
    result = parser_for("arxiv_rss")(rss_document(bad))
    assert result.records == []
    assert "malformed arXiv id '2505.05427777v1'" in result.skipped[0][1]


def test_rss_item_whose_fields_name_two_papers_is_skipped():
    bad = rss_item("oai:arXiv.org:2505.05427v1", "2505.05428v1", "https://arxiv.org/abs/2505.05427")
    result = parser_for("arxiv_rss")(rss_document(bad))
    assert result.records == []
    assert result.skipped == [(1, "the item names two arXiv ids: 2505.05427 and 2505.05428")]


@pytest.mark.parametrize("value", NOT_WHOLE_IDS)
def test_api_entry_with_a_malformed_id_is_skipped_with_its_reason(value):
    result = parser_for("arxiv_api")(api_document("2505.05427v1", value))
    assert [record.arxiv_id for record in result.records] == ["2505.05427"]
    assert result.skipped == [(2, f"malformed arXiv id 'http://arxiv.org/abs/{value}'")]


@pytest.mark.parametrize("value", NOT_WHOLE_IDS)
def test_hf_daily_paper_with_a_malformed_id_is_skipped_with_its_reason(value):
    result = parser_for("hf_daily")(hf_document("2505.05427", value))
    assert [record.arxiv_id for record in result.records] == ["2505.05427"]
    assert result.skipped == [(2, f"malformed arXiv id {value!r}")]


@pytest.mark.django_db
def test_a_longer_id_is_skipped_not_merged_into_the_real_paper(topics):
    ingest_document(hf_document("2505.05427"), "hf_daily")
    result = ingest_document(hf_document("2505.05427777", "2505.0111…1"), "hf_daily")
    assert (result.total, len(result.skipped)) == (0, 2)
    assert list(Paper.objects.values_list("arxiv_id", "title")) == [("2505.05427", "Paper 2505.05427")]


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://arxiv.org/abs/2505.05427", "2505.05427"),
        ("https://arxiv.org/pdf/2505.05427v2?utm=x", "2505.05427"),
        ("https://arxiv.org/abs/2505.05427777", None),
        ("https://arxiv.org/abs/2505.054271/", None),
    ],
)
def test_a_clicked_link_counts_for_the_paper_it_names_whole(url, expected):
    assert arxiv_id_in_url(url) == expected


@pytest.mark.parametrize("value", [2505.0543, 2505.05427, ["2505.05427"]])
def test_hf_daily_id_that_is_not_a_text_is_skipped(value):
    document = json.dumps(
        [{"paper": {"id": value, "title": "T", "summary": "A.", "submittedOnDailyAt": "2025-05-28T00:00:00Z"}}]
    ).encode()
    result = parser_for("hf_daily")(document)
    assert result.records == [] and result.skipped[0][1].startswith("arXiv id is not a text")
