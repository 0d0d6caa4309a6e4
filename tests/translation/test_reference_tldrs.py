"""The sample day's shipped reference translations carry a TL;DR each (so the demo shows them), stored and shown
like a model's; the prompt asks the model for one in every reply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digest.translation.prompt import SYSTEM_PROMPT
from digest.translation.stored import load_reference_translations
from digest.translation.validation import checked_tldr
from digest.translation.variants import localize
from tests.factories import PaperFactory

REFERENCE = Path(__file__).parents[2] / "digest" / "sample_data" / "translations_zh-Hans_hf_daily_2025-05-28.json"


def test_every_reference_translation_of_the_sample_day_has_a_valid_tldr():
    mapping = json.loads(REFERENCE.read_text())
    assert len(mapping) == 25
    for arxiv_id, entry in mapping.items():
        assert checked_tldr(entry.get("tldr")) == entry["tldr"], arxiv_id
        assert len(entry["tldr"]) <= 60 and entry["tldr"] != entry["title"], arxiv_id


@pytest.mark.django_db
def test_a_loaded_reference_tldr_is_shown_in_every_variant():
    paper = PaperFactory(arxiv_id="2505.06708")
    entry = {"title": "门控注意力", "abstract": "我们研究门控。", "tldr": "门控让训练更稳定的软件方法。"}
    mapping = {"2505.06708": entry}
    assert load_reference_translations(mapping) == 1
    assert localize(paper, "zh-Hans").tldr == "门控让训练更稳定的软件方法。"
    assert localize(paper, "zh-Hant-TW").tldr == "門控讓訓練更穩定的軟體方法。"
    assert localize(paper, "zh-Hant-HK").tldr == "門控讓訓練更穩定的軟件方法。"


def test_the_prompt_asks_for_a_tldr_in_every_reply():
    assert '"tldr": always give one' in SYSTEM_PROMPT
    assert "at most 60 characters" in SYSTEM_PROMPT
