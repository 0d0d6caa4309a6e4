"""`manage.py audit_variants`: the mainland-only forms left in an edition's Taiwan and Hong Kong text, per paper,
and the watch-list hits of plain OpenCC against the project's conversion."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from digest.models import VariantPhrase
from digest.translation.audit import audit_texts, watch_hits
from tests.factories import EditionEntryFactory, EditionFactory, TranslationFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
FIXTURE_TRANSLATIONS = [
    ROOT / "digest" / "sample_data" / "translations_zh-Hans_hf_daily_2025-05-28.json",
    ROOT / "tests" / "translation" / "corpus" / "good_replies.json",
]
TOTALS_RE = re.compile(r"watch-list hits over (\d+) papers of .*: plain OpenCC (\d+), with our phrase table (\d+)")


def audit(*args: str) -> str:
    out = StringIO()
    call_command("audit_variants", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def edition():
    edition = EditionFactory()
    clean = EditionEntryFactory(edition=edition, position=0)
    TranslationFactory(paper=clean.paper, title="鲁棒优化", abstract="我们由此推导出上界，并在线段上采样。")
    mixed = EditionEntryFactory(edition=edition, position=1)
    # A model that slipped a Traditional mainland form into its Simplified text: no table can know it.
    TranslationFactory(paper=mixed.paper, title="魯棒的智能体", abstract="我们研究魯棒的智能体。")
    return edition, clean.paper, mixed.paper


def test_the_audit_lists_each_remaining_form_per_paper_and_variant(edition):
    edition, clean, mixed = edition
    output = audit("--date", edition.date.isoformat())
    assert clean.arxiv_id not in output
    assert f"{mixed.arxiv_id} zh-Hant-TW: 魯棒 ×2 (use 穩健)" in output
    assert f"{mixed.arxiv_id} zh-Hant-HK: 魯棒 ×2 (use 穩健)" in output
    assert "1 papers still to fix" in output


def test_the_edition_audit_prints_before_and_after(edition):
    edition, _, _ = edition
    papers, before, after = map(int, TOTALS_RE.search(audit("--date", edition.date.isoformat())).groups())
    assert papers == 2
    assert after == 4  # the four 魯棒 of the mixed paper
    assert before > after  # plain OpenCC also leaves 推匯出, 線上段上 and 魯棒 of the clean paper


@pytest.mark.parametrize("path", FIXTURE_TRANSLATIONS, ids=lambda p: p.name)
def test_over_the_fixture_papers_the_phrase_table_removes_the_watch_list_hits(path):
    papers, before, after = map(int, TOTALS_RE.search(audit("--texts", str(path))).groups())
    assert papers >= 25
    assert before >= papers  # plain OpenCC: at least one mainland form per paper on average
    assert after == 0


def test_an_editors_phrase_clears_a_hit_at_the_next_audit(edition):
    edition, _, mixed = edition
    VariantPhrase.objects.create(zh_hans="魯棒", zh_hant_tw="穩健", zh_hant_hk="穩健")
    output = audit("--date", edition.date.isoformat())
    assert mixed.arxiv_id not in output.split("watch-list hits")[0]


def test_a_hit_inside_a_longer_hit_counts_once():
    hits = watch_hits("註冊回撥函式", "zh-Hant-TW")
    assert [(h.form, h.count) for h in hits] == [("回撥函式", 1)]


def test_audit_texts_counts_both_variants():
    (result,) = audit_texts([("x", "鲁棒", "由此推导出")])
    assert result.after == 0 and result.before >= 3  # 魯棒 in both variants, 推匯出 in Taiwan's


def test_no_edition_that_day_is_a_clear_error():
    with pytest.raises(CommandError, match="no daily edition on 1999-01-01"):
        audit("--date", "1999-01-01")


def test_an_unreadable_texts_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot read"):
        audit("--texts", str(bad))


def test_a_watched_form_inside_correct_words_is_not_a_hit():
    """大模型 is watched in Taiwan text, but in 擴大|模型 it only appears across two correct words."""
    assert [h.form for h in watch_hits("在擴大模型規模", "zh-Hant-TW")] == ["大模型"]  # a character search
    (result,) = audit_texts([("x", "在扩大模型规模", "")])
    assert result.after == 0 and result.hits == []


def test_the_audit_lists_a_round_trip_slip_with_its_words(monkeypatch):
    """A conversion that adds a character outside a table entry is listed, with where it happened."""
    from digest.translation import audit as audit_module
    from digest.translation.wordwise import Piece

    def by_strings(text, language, glossary, phrases):
        return [
            Piece(source, converted, "entry" if phrase else "opencc")
            for source, converted, phrase in phrases.string_pieces(text, language, audit_module.convert)
        ]

    monkeypatch.setattr(audit_module, "conversion_pieces", by_strings)
    (result,) = audit_texts([("x", "在扩大模型规模", "")])
    assert [(s.language, s.kind, s.characters) for s in result.slips] == [("zh-Hant-TW", "insertion", "型")]
