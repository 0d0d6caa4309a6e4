"""The round-trip detector: a conversion changes a word's script and vocabulary, never adds or drops a character
outside a table entry. Checked on real text: the five real days of papers (tests/fixtures/real_days) through the
Chinese summaries of tests/fixtures/zh_corpus, and the shipped reference translations."""

from __future__ import annotations

import gzip
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from digest.translation.audit import audit_texts, boundaries_of, load_texts, round_trip_slips
from digest.translation.phrases import PhraseTable, shipped_phrases
from digest.translation.variants import conversion_pieces, conversion_words, convert

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "zh_corpus" / "real_days_summaries.jsonl.gz"
REAL_DAYS = ROOT / "tests" / "fixtures" / "real_days" / "papers.jsonl.gz"
SHIPPED = ROOT / "digest" / "sample_data" / "translations_zh-Hans_hf_daily_2025-05-28.json"
TABLE = PhraseTable(shipped_phrases())
TW = "zh-Hant-TW"
ROUND_TRIP_RE = re.compile(
    r"round-trip slips .* over (\d+) papers: phrases matched by character strings (\d+), word by word (\d+)"
)


def by_strings(text: str, language: str = TW) -> list[tuple[str, str, str]]:
    """The pieces of the conversion that matched phrases in the character string."""
    return [(s, c, "entry" if phrase else "opencc") for s, c, phrase in TABLE.string_pieces(text, language, convert)]


def by_words(text: str, language: str = TW) -> list[tuple[str, str, str]]:
    return [(p.source, p.text, p.rule) for p in conversion_pieces(text, language, (), TABLE)]


def words_of(text: str, language: str = TW) -> frozenset[int]:
    return boundaries_of(conversion_words(text, language, (), TABLE))


def test_an_entry_that_fired_inside_a_word_is_an_insertion():
    text = "在扩大模型规模"
    (slip,) = round_trip_slips(text, by_strings(text), TW, words_of(text))
    assert (slip.kind, slip.characters) == ("insertion", "型")
    assert "扩大模型" in slip.source and "扩大型模型" in slip.back


def test_the_word_by_word_conversion_of_the_same_text_has_none():
    assert round_trip_slips("在扩大模型规模", by_words("在扩大模型规模"), TW) == []


def test_an_entry_that_spans_whole_words_may_change_length():
    text = "大模型的能力"
    assert by_words(text)[0] == ("大模型", "大型模型", "entry")
    assert round_trip_slips(text, by_words(text), TW) == []


def test_a_vocabulary_swap_that_converts_back_is_not_a_slip():
    assert round_trip_slips("内存", [("内存", "記憶體", "opencc")], TW) == []


def test_a_word_that_does_not_convert_back_to_its_length_is_a_slip():
    (slip,) = round_trip_slips("源码", [("源码", "原始碼", "opencc")], TW)
    assert slip.kind == "insertion"


def test_a_dropped_character_is_a_drop():
    (slip,) = round_trip_slips("模型性能", [("模型", "模", "opencc"), ("性能", "效能", "opencc")], TW)
    assert (slip.kind, slip.characters) == ("drop", "型")


def test_the_corpus_is_about_the_five_real_days():
    real = {}
    with gzip.open(REAL_DAYS, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            real[(row["id"], row["day"])] = row
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    assert len(rows) >= 1500
    assert all((row["id"], row["day"]) in real for row in rows)
    assert {row["day"] for row in rows} == {f"2026-08-{day}" for day in range(17, 22)}


@pytest.fixture(scope="module")
def real_text() -> list[tuple[str, str, str]]:
    return load_texts(CORPUS) + load_texts(SHIPPED)


@pytest.mark.slow
@pytest.mark.django_db
def test_the_real_days_convert_word_by_word_without_adding_or_dropping_a_character(real_text):
    """Every paper of the corpus and the shipped translations, both variants, with the tables in force."""
    audits = audit_texts(real_text)
    slips = [(audit.label, slip) for audit in audits for slip in audit.slips]
    assert slips == []
    # The same detector on phrases matched by character strings finds what that conversion did.
    assert sum(audit.slips_before for audit in audits) >= 5


@pytest.mark.django_db
def test_the_command_prints_round_trip_slips_before_and_after(tmp_path):
    texts = tmp_path / "texts.jsonl"
    rows = [
        {"id": "x1", "title": "在扩大模型规模", "abstract": "最大模型与较大模型。"},
        {"id": "x2", "title": "大模型"},
    ]
    texts.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    out = StringIO()
    call_command("audit_variants", "--texts", str(texts), stdout=out)
    papers, before, after = map(int, ROUND_TRIP_RE.search(out.getvalue()).groups())
    assert (papers, before, after) == (2, 3, 0)
