"""The reply checks against the two corpora: good-but-different replies (tests/translation/corpus/) are accepted
on the first answer, broken ones (tests/fakes/broken.py) refused; and what soft deviations become."""

from __future__ import annotations

import re

import pytest

from digest.translation import TranslationError
from digest.translation.validation import check_reply
from tests.translation.corpus.rates import GLOSSARY, GOOD_REPLIES, broken_refusal, good_acceptance, reply

SOURCE = "We train a 7B model with 60k tokens, 2.5x faster, at $+10\\%$ accuracy and $\\alpha$-scaling. " * 2


def test_the_good_corpus_has_at_least_sixty_papers_each_deviating():
    assert len(GOOD_REPLIES) >= 60
    assert all(entry["deviations"] for entry in GOOD_REPLIES.values())


def test_at_least_97_percent_of_good_but_different_replies_are_accepted_on_first_answer():
    result = good_acceptance()
    assert result.rate >= 0.97, f"{result.passed}/{result.total} accepted; refused: {result.misses}"


def test_every_broken_reply_is_refused():
    result = broken_refusal()
    assert result.total > 1000
    assert result.rate == 1.0, f"accepted broken replies: {result.misses}"


def test_a_known_glossary_variant_is_repaired_and_flagged():
    checked = check_reply(
        reply("大型语言模型的推理", "我们研究大型语言模型如何推理，并给出新的评估方法与大量实验结果。"),
        "Reasoning in large language models",
        "We study how large language models reason and give a new evaluation with many experiments.",
        GLOSSARY,
    )
    assert "大型语言模型" not in checked.title + checked.abstract
    assert checked.title == "大语言模型的推理"
    assert checked.review_reasons == ("glossary: 大型语言模型 → 大语言模型 (large language model)",)


def test_a_glossary_term_rendered_an_unknown_way_is_accepted_and_flagged():
    checked = check_reply(
        reply("扩散式生成模型", "我们提出一种新的扩散式生成模型，在图像生成上取得更好效果。"),
        "Diffusion models",
        "We propose a new diffusion model that generates better images.",
        GLOSSARY,
    )
    assert checked.abstract.startswith("我们提出")
    assert checked.review_reasons == ("glossary: 'diffusion model' not rendered as 扩散模型",)


def test_a_lost_acronym_kept_verbatim_by_the_glossary_is_refused():
    with pytest.raises(TranslationError, match="LLM"):
        check_reply(
            reply("大模型推理", "我们研究大模型如何推理，并给出新的评估方法与大量的实验结果。"),
            "LLM reasoning",
            "We study how LLMs reason and give a new evaluation with many experiments.",
            GLOSSARY,
        )


def test_latex_written_as_unicode_and_units_worded_differently_are_accepted():
    abstract = "我们用 6 万个 token 训练一个 70 亿参数的模型，速度快 2.5 倍，准确率 +10%，并采用 α 缩放。" * 2
    checked = check_reply(reply("标题", abstract), "Title", SOURCE, GLOSSARY)
    assert checked.abstract == abstract
    assert checked.review_reasons == ("abstract: LaTeX $\\alpha$ written as α",)


@pytest.mark.parametrize(
    ("old", "new", "lost"),
    [("6 万", "很多", "60k"), ("70 亿", "数十亿", "7B"), ("2.5 倍", "更", "2.5x"), ("+10%", "更高", "$+10\\%$")],
)
def test_a_number_lost_in_every_form_is_refused(old, new, lost):
    abstract = "我们用 6 万个 token 训练一个 70 亿参数的模型，速度快 2.5 倍，准确率 +10%，并采用 α 缩放。" * 2
    with pytest.raises(TranslationError, match=re.escape(repr(lost))):
        check_reply(reply("标题", abstract.replace(old, new)), "Title", SOURCE, GLOSSARY)


def test_a_private_use_character_is_refused():
    with pytest.raises(TranslationError, match="private-use"):
        check_reply(reply("标题\ue000", "我们研究推理。" * 5), "Title", "We study reasoning. " * 5)


def test_a_reply_that_repeats_a_sentence_is_refused_even_within_the_length_bound():
    abstract = "我们提出一种新的高效推理方法。" * 3  # 45 characters: within the bound for a 70-character source
    with pytest.raises(TranslationError, match="repeats itself"):
        check_reply(
            reply("标题", abstract), "Title", "We propose a new and efficient method for reasoning, and test it. "
        )
