"""Faithful translations that were refused: an acronym the glossary keeps verbatim written as its Chinese term,
and a TeX operator that lost its backslash (8times for 8$\\times$). Both are accepted, repaired where a rule can,
and flagged for review; a name or number really lost is still refused."""

from __future__ import annotations

import json

import pytest

from digest.models import Translation
from digest.translation import TranslationError, get_translator
from digest.translation.glossary import Term
from digest.translation.repairs import repair_tex_words
from digest.translation.service import translate_papers
from digest.translation.validation import check_reply
from tests.factories import PaperFactory
from tests.translation.conftest import content_reply
from tests.translation.corpus.rates import GLOSSARY

ONLY_LLM = (Term("LLM", keep_verbatim=True, case_sensitive=True),)


def reply(title: str, abstract: str) -> str:
    return json.dumps({"title": title, "abstract": abstract}, ensure_ascii=False)


LLM_SOURCE = ("Class imbalance in LLM-based screening", "This study analyses LLMs in imbalanced classification tasks.")


def test_llms_written_as_the_glossary_variant_are_accepted_repaired_and_flagged():
    checked = check_reply(
        reply("基于大型语言模型的筛选中的类别不平衡", "本研究分析大型语言模型在不平衡分类任务中的表现。"),
        *LLM_SOURCE,
        GLOSSARY,
    )
    assert checked.title == "基于大语言模型的筛选中的类别不平衡"  # the glossary's own form of the variant
    assert checked.review_reasons == ("glossary: 'LLM' written as 大型语言模型 → 大语言模型 instead of kept verbatim",)


def test_llms_written_as_a_known_chinese_term_are_accepted_without_a_glossary_entry_for_it():
    checked = check_reply(
        reply("基于大型语言模型的筛选", "本研究分析大型语言模型在不平衡分类任务中的表现。"), *LLM_SOURCE, ONLY_LLM
    )
    assert checked.abstract == "本研究分析大型语言模型在不平衡分类任务中的表现。"  # left as written
    assert checked.review_reasons == ("glossary: 'LLM' written as 大型语言模型 instead of kept verbatim",)


def test_an_editors_simplified_rendering_of_a_verbatim_term_counts_as_its_chinese_term():
    glossary = (Term("CLIP", zh_hans="对比语言-图像预训练", keep_verbatim=True, case_sensitive=True),)
    checked = check_reply(
        reply("对比语言-图像预训练的鲁棒性", "我们研究对比语言-图像预训练模型在分布偏移下的鲁棒性与失效模式。"),
        "Robustness of CLIP",
        "We study how CLIP models behave under distribution shift and when they fail.",
        glossary,
    )
    assert checked.review_reasons == ("glossary: 'CLIP' written as 对比语言-图像预训练 instead of kept verbatim",)


def test_an_acronym_dropped_with_no_rendering_is_still_refused():
    with pytest.raises(TranslationError, match="LLM"):
        check_reply(reply("筛选中的类别不平衡", "本研究分析大模型在不平衡分类任务中的表现。"), *LLM_SOURCE, GLOSSARY)


def test_a_rendering_of_only_the_spelled_out_form_does_not_stand_for_the_acronym():
    # "Large Language Models (LLMs)": one rendering, for the spelled-out words; the acronym itself is gone.
    source = ("Screening with LLMs", "Large Language Models (LLMs) screen studies; the LLM policy is tuned.")
    with pytest.raises(TranslationError, match="LLM"):
        check_reply(reply("大模型筛选", "大语言模型可用于筛选研究，并对其中的大模型策略进行调优。"), *source, GLOSSARY)
    accepted = check_reply(
        reply("大语言模型筛选", "大语言模型可用于筛选研究，并对大语言模型的策略进行调优。"), *source, GLOSSARY
    )
    assert "glossary: 'LLM' written as 大语言模型 instead of kept verbatim" in accepted.review_reasons


TIMES_TRANSLATION = "GRIP 将诊断指标降低约 30times，并在五个基准上将幻觉减少 73%。"
TIMES_SOURCE = (
    "GRIP: Grounded Reasoning",
    "GRIP cuts the diagnostic by roughly 30$\\times$ and reduces hallucination by 73\\% across five benchmarks.",
)


def test_8times_for_8_latex_times_is_repaired_to_the_operator_and_flagged():
    checked = check_reply(
        reply("GRIP：有据推理", "GRIP 将诊断指标降低约 30times，并在五个基准上将幻觉减少 73%。"), *TIMES_SOURCE
    )
    assert checked.abstract == "GRIP 将诊断指标降低约 30×，并在五个基准上将幻觉减少 73%。"
    assert checked.review_reasons == ("abstract: TeX \\times written as 'times', repaired to ×",)


@pytest.mark.parametrize(
    ("source", "written", "repaired"),
    [
        ("a correlation of $\\rho \\approx 0.9$ on", "相关系数 ρ approx 0.9。", "相关系数 ρ ≈ 0.9。"),
        ("an error of $\\epsilon \\leq 0.5$ on", "误差 ε leq0.5。", "误差 ε ≤0.5。"),
        ("an error of $\\epsilon \\leq 0.5$ on", "误差 ε \\leq 0.5。", "误差 ε ≤ 0.5。"),
        ("a gap of $\\sim 3$ points on", "约 sim3 个点的差距。", "约 ∼3 个点的差距。"),
        ("a speed-up of 2.5$\\times$ on", "加速 2.5 times。", "加速 2.5 ×。"),
        ("a bound $\\epsilon \\leq \\delta$ on", "界 ε leq δ。", "界 ε ≤ δ。"),
        ("noise $x \\sim \\mathcal{N}$ on", "噪声 x sim N。", "噪声 x ∼ N。"),
    ],
)
def test_tex_words_that_lost_their_backslash_next_to_a_number_are_repaired(source, written, repaired):
    abstract = f"We report {source} several reasoning benchmarks and tasks."
    checked = check_reply(reply("标题", f"我们在多个推理基准与任务上报告了结果：{written}"), "Title", abstract)
    assert checked.abstract.endswith(repaired)
    assert any("TeX" in reason for reason in checked.review_reasons)


@pytest.mark.parametrize(
    "text",
    [
        "我们采用 sim2real 迁移，在 3 个机器人上验证。",  # a name, not an operator
        "我们采用 sim-to-real 迁移，在 3 个机器人上验证。",
        "公式 $x \\sim 3$ 原样保留，在 3 个机器人上验证。",  # the verbatim LaTeX span
        "代码见 https://example.org/sim3 ，在 3 个机器人上验证。",  # part of a URL
    ],
)
def test_words_that_only_look_like_a_slip_are_left_alone(text):
    source = "We use sim2real transfer with $x \\sim 3$, code at https://example.org/sim3 , on 3 robots."
    assert repair_tex_words(source, text, "abstract") == (text, [])


def test_a_tex_word_is_not_repaired_when_the_source_has_no_such_macro():
    abstract = "We report results of about 30 times on several reasoning benchmarks and many tasks."
    checked = check_reply(reply("标题", "我们在多个推理基准与任务上报告了约 30 倍的结果。"), "Title", abstract)
    assert checked.review_reasons == ()


def test_an_operator_spelled_without_its_number_is_still_refused():
    with pytest.raises(TranslationError, match="30"):
        check_reply(
            reply("GRIP：有据推理", "GRIP 将诊断指标大幅降低 times，并在五个基准上将幻觉减少 73%。"), *TIMES_SOURCE
        )


@pytest.mark.django_db
def test_a_reply_with_both_slips_is_stored_repaired_with_its_reasons(serve):
    serve(
        lambda request: content_reply(
            {
                "title": "大型语言模型的高效推理",
                "abstract": "我们让大型语言模型的推理速度提升约 8times，并在多个基准上验证。",
            }
        )
    )
    paper = PaperFactory(
        title="Efficient reasoning for LLMs", abstract="We make LLMs reason 8$\\times$ faster, on several benchmarks."
    )
    run = translate_papers([paper], translator=get_translator())
    assert run.done == 1
    stored = Translation.objects.get(paper=paper)
    assert stored.abstract == "我们让大语言模型的推理速度提升约 8×，并在多个基准上验证。"
    assert stored.review_reasons == [
        "abstract: TeX \\times written as 'times', repaired to ×",
        "glossary: 'LLM' written as 大型语言模型 → 大语言模型 instead of kept verbatim",
    ]
