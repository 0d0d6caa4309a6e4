"""Reply validation, rule by rule, measured on the 25 shipped reference translations (all must pass) and on
deliberately broken variants of them (all must be refused). The good-but-different corpus is in
test_reply_corpus.py."""

from __future__ import annotations

import json

import pytest

from digest.translation import TranslationError
from digest.translation.validation import parse_reply
from tests.fakes.broken import BREAKERS
from tests.fakes.llm import REFERENCE, SAMPLE_DIR
from tests.translation.corpus.rates import GLOSSARY

HF = json.loads((SAMPLE_DIR / "hf_daily_papers_2025-05-28.json").read_text(encoding="utf-8"))
SOURCES = {e["paper"]["id"]: e["paper"] for e in HF if e["paper"]["id"] in REFERENCE}


def source(arxiv_id: str) -> tuple[str, str]:
    paper = SOURCES[arxiv_id]
    return " ".join(paper["title"].split()), paper["summary"]


def reply(title: str, abstract: str) -> str:
    return json.dumps({"title": title, "abstract": abstract}, ensure_ascii=False)


@pytest.mark.parametrize("arxiv_id", sorted(REFERENCE))
def test_every_reference_translation_passes(arxiv_id):
    title, abstract = source(arxiv_id)
    good = REFERENCE[arxiv_id]
    assert parse_reply(reply(good["title"], good["abstract"]), title, abstract, GLOSSARY) == (
        good["title"].strip(),
        good["abstract"].strip(),
    )


@pytest.mark.parametrize("name", sorted(BREAKERS))
def test_every_broken_variant_of_the_references_is_refused(name):
    breaker, applied = BREAKERS[name], 0
    for arxiv_id, good in REFERENCE.items():
        title, abstract = source(arxiv_id)
        content = breaker(title, abstract, good)
        if content is None:
            continue
        applied += 1
        with pytest.raises(TranslationError):
            parse_reply(content, title, abstract, GLOSSARY)
    assert applied > 0


SOURCE = "We train a 7B model on 2505.01234 data at https://example.org/code and reach 85.3% accuracy " * 2


def good_reply(**changes: str) -> str:
    abstract = "我们在 2505.01234 数据上训练了一个 7B 模型（https://example.org/code），准确率达到 85.3%。" * 2
    for old, new in changes.items():
        abstract = abstract.replace(old, new)
    return reply("标题", abstract)


def test_a_reply_keeping_every_protected_span_passes():
    assert parse_reply(good_reply(), "Title", SOURCE)[1].startswith("我们在")


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("2505.01234", "某论文", "arXiv id"),
        ("7B", "数十亿参数", "number with unit"),
        ("85.3%", "八成五", "number with unit"),
        ("https://example.org/code", "代码仓库", "URL"),
    ],
)
def test_a_dropped_protected_span_is_named_in_the_reason(old, new, reason):
    with pytest.raises(TranslationError, match=reason):
        parse_reply(good_reply(**{old: new}), "Title", SOURCE)


def test_a_json_code_fence_is_tolerated():
    content = "```json\n" + good_reply() + "\n```"
    assert parse_reply(content, "Title", SOURCE)[0] == "标题"


def test_a_title_of_names_needs_only_some_chinese():
    assert parse_reply(reply("Absolute Zero：零数据强化自我对弈推理", "我们" * 40), "Absolute Zero", "We " * 40)


def test_large_numbers_written_the_chinese_way_pass():
    source_text = "A 718 billion parameter model trained on many tokens of text for reasoning. " * 2
    translated = "一个 7180 亿参数的模型，在大量文本 token 上训练用于推理。" * 2
    assert parse_reply(reply("标题", translated), "Title", source_text)
