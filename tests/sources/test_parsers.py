"""Each feed kind's parser on the real-paper samples and on every broken document in fixtures/bad."""

import datetime

import pytest

from digest.sources import FeedError, parser_for
from tests.conftest import bad, sample

rss = parser_for("arxiv_rss")
api = parser_for("arxiv_api")
hf = parser_for("hf_daily")


def by_id(result):
    return {record.arxiv_id: record for record in result.records}


def test_rss_day_one_has_sixty_papers_with_their_announce_types():
    result = rss(sample("arxiv_rss_cs.AI_2025-05-28.xml"))
    types = [record.announce_type for record in result.records]
    assert len(result.records) == 60
    assert (types.count("new"), types.count("cross"), types.count("replace"), types.count("replace-cross")) == (
        40,
        10,
        5,
        5,
    )
    assert result.skipped == []
    assert result.skip_days == ["Sunday", "Saturday"]


def test_rss_record_fields_come_from_the_item():
    record = by_id(rss(sample("arxiv_rss_cs.AI_2025-05-28.xml")))["2505.12514"]
    assert record.version == 1
    assert record.title == "Reasoning by Superposition: A Theoretical Perspective on Chain of Continuous Thought"
    assert record.authors[:2] == ["Hanlin Zhu", "Shibo Hao"] and len(record.authors) == 6
    assert record.categories == ["cs.AI", "cs.CL", "cs.LG"]
    assert record.primary_category == "cs.AI"
    assert record.announced_on == datetime.date(2025, 5, 28)
    assert record.abstract.startswith("Large Language Models (LLMs) have demonstrated")
    assert "Announce Type" not in record.abstract
    assert "$O(n^2)$" in record.abstract and "($D<n$)" in record.abstract
    assert record.abs_url == "https://arxiv.org/abs/2505.12514"


def test_rss_keeps_ampersand_titles_and_accented_authors():
    records = by_id(rss(sample("arxiv_rss_cs.AI_2025-05-28.xml")))
    assert "&" in records["2504.04736"].title and "&amp;" not in records["2504.04736"].title
    authors = [name for record in records.values() for name in record.authors]
    assert any("Csordás" in name for name in authors)


def test_rss_replacement_carries_its_version():
    records = by_id(rss(sample("arxiv_rss_cs.AI_2025-05-29.xml")))
    assert len(records) == 30
    assert records["2505.14827"].announce_type == "replace"
    assert records["2505.14827"].version == 2
    assert records["2504.20879"].announce_type == "replace-cross"


def test_api_feed_has_twenty_entries_with_primary_category_first():
    result = api(sample("arxiv_api_query.xml"))
    record = by_id(result)["2505.14970"]
    assert len(result.records) == 20
    assert record.title == "Self-Evolving Curriculum for LLM Reasoning"
    assert record.categories[0] == record.primary_category == "cs.CL"
    assert "\n" not in record.abstract and record.abstract.startswith("Reinforcement learning (RL) has proven")
    assert "Yoshua Bengio" in record.authors


def test_hf_daily_has_twenty_five_papers_with_upvotes():
    result = hf(sample("hf_daily_papers_2025-05-28.json"))
    record = by_id(result)["2505.03335"]
    assert len(result.records) == 25
    assert record.title == "Absolute Zero: Reinforced Self-play Reasoning with Zero Data"
    assert record.announced_on == datetime.date(2025, 5, 28)
    assert record.score > 0
    assert record.authors.count("Yang Yue") == 1  # HF lists one author twice


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        ("truncated.xml", "arxiv_rss", "not well-formed"),
        ("html_error_page.xml", "arxiv_rss", "not an RSS or Atom feed"),
        ("billion_laughs.xml", "arxiv_rss", "undefined entity"),
        ("hf_bad.json", "hf_daily", "not valid JSON"),
        ("hf_wrong_shape.json", "hf_daily", "Invalid date format"),
    ],
)
def test_broken_documents_raise_a_clear_feed_error(name, kind, message):
    with pytest.raises(FeedError) as error:
        parser_for(kind)(bad(name))
    assert message in str(error.value)


def test_empty_weekend_channel_is_not_an_error():
    result = rss(bad("empty_channel.xml"))
    assert result.records == [] and "Saturday" in result.skip_days


def test_latin1_feed_keeps_accented_names():
    result = rss(bad("latin1_declared_utf8.xml"))
    authors = [name for record in result.records for name in record.authors]
    assert len(result.records) == 2
    assert "Róbert Csordás" in authors and any("Piché" in name for name in authors)


def test_item_without_title_is_skipped_and_the_rest_kept():
    result = rss(bad("missing_fields.xml"))
    assert [number for number, _ in result.skipped] == [4]
    assert "no title" in result.skipped[0][1]
    assert len(result.records) == 4


def test_duplicate_items_in_one_feed_become_one_record_at_the_highest_version():
    records = by_id(rss(bad("duplicate_items.xml")))
    assert list(records).count("2505.12514") == 1
    assert records["2505.13898"].version == 2


def test_hostile_feed_text_is_reduced_to_plain_text_and_links_rebuilt_from_the_id():
    result = rss(bad("xss_title.xml"))
    assert len(result.records) == 5
    for record in result.records:
        assert record.abs_url.startswith("https://arxiv.org/abs/")
        assert "<img" not in record.abstract and "<iframe" not in record.abstract
        assert len(record.abstract) <= 6000
    authors = [name for record in result.records for name in record.authors]
    assert "Zhang Wei (张伟)" in authors


HIDDEN = "\x00\x08\x1b\x7f\x85\ue000\ue001\uffff\U000f0000"


def test_control_and_private_use_characters_are_dropped_from_feed_text():
    document = (
        b'[{"paper": {"id": "2505.00001", "title": "Bad\\u0008 Title \\ue000x\\ue001", '
        b'"summary": "An \\u001b[31m abstract\\u0000 with \\uffff noise", "authors": [{"name": "A\\u0007 B"}], '
        b'"submittedOnDailyAt": "2025-05-28T00:00:00Z"}}]'
    )
    (record,) = hf(document).records
    assert (record.title, record.abstract, record.authors) == ("Bad Title x", "An [31m abstract with noise", ["A B"])


def test_plain_text_drops_every_hidden_character_but_keeps_chinese_and_math():
    from digest.sources.records import plain_text

    assert plain_text(f"状态空间模型{HIDDEN} $\\alpha$ 𝔼") == "状态空间模型 $\\alpha$ 𝔼"


def test_hf_daily_code_link_copied_out_of_tex_keeps_only_the_url():
    # The sample day's githubRepo is "https://github.com/qiuzh20/gated_attention}{codes}$", as Hugging Face gave it.
    record = by_id(hf(sample("hf_daily_papers_2025-05-28.json")))["2505.06708"]
    assert record.code_url == "https://github.com/qiuzh20/gated_attention"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("https://github.com/a/b}{codes}$", "https://github.com/a/b"),
        ("https://github.com/a/b.", "https://github.com/a/b"),
        ("https://github.com/a/b)", "https://github.com/a/b"),
        ("https://en.wikipedia.org/wiki/A_(b)", "https://en.wikipedia.org/wiki/A_(b)"),
        ("https://}{x}", ""),
        ("javascript:alert(1)", ""),
    ],
)
def test_url_cleaning_cuts_tex_residue_and_keeps_the_url(raw, clean):
    from digest.sources.records import clean_url

    assert clean_url(raw) == clean
