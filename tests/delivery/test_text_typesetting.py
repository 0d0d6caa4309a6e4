"""The plain-text part as Chinese typesetting expects: no line starts with closing punctuation (，。、」) or ends with
opening punctuation (「（), —— is never split, and a label before its value takes a full-width colon after Chinese."""

from __future__ import annotations

import itertools
import re

import pytest

from digest.delivery.email.encoding import CLOSING, OPENING, TEXT_WIDTH, wrap_text
from digest.templatetags.typesetting import colon, parenthesized

# From the sample day's shipped translations (digest/sample_data), as the text part carries them.
ABSTRACTS = [
    "基于可验证奖励的强化学习（RLVR）通过直接从基于结果的奖励中学习，在提升大语言模型推理能力方面已展现出良好前景。"
    "近期在零设定（zero setting）下开展的 RLVR 工作避免了对推理过程进行标注监督，但仍依赖人工整理的问答集合进行训练。",
    "我们的核心发现是：一个简单的修改——在缩放点积注意力（SDPA）之后应用逐头（head-specific）的 sigmoid 门控——"
    "能够持续提升性能。值得注意的是，我们发现这种稀疏门控机制能够缓解“注意力汇聚”（attention sink）现象。",
]


def lines_of(text: str) -> list[str]:
    return [line for width in range(20, TEXT_WIDTH + 1, 3) for line in wrap_text(text, width).split("\n")]


@pytest.mark.parametrize("text", ABSTRACTS)
def test_no_line_starts_with_closing_punctuation(text):
    assert [line for line in lines_of(text) if line[0] in CLOSING] == []


@pytest.mark.parametrize("text", ABSTRACTS)
def test_no_line_ends_with_opening_punctuation(text):
    assert [line for line in lines_of(text) if line.rstrip()[-1] in OPENING] == []


def test_a_double_dash_is_never_split_across_lines():
    for width in range(20, TEXT_WIDTH + 1):
        lines = wrap_text(ABSTRACTS[1], width).split("\n")
        assert [(a, b) for a, b in itertools.pairwise(lines) if a.endswith("—") and b.startswith("—")] == []


@pytest.mark.parametrize("text", ABSTRACTS)
def test_wrapping_only_breaks_lines(text):
    assert re.sub(r"\s", "", wrap_text(text, 30)) == re.sub(r"\s", "", text)


@pytest.mark.parametrize(
    ("label", "shown"),
    [("在瀏覽器中檢視", "在瀏覽器中檢視："), ("退订", "退订："), ("View in browser", "View in browser: ")],
)
def test_a_label_takes_a_full_width_colon_after_chinese(label, shown):
    assert colon(label) == shown


def test_a_chinese_remark_takes_full_width_parentheses():
    assert parenthesized("尚未翻譯，以英文顯示。") == "（尚未翻譯，以英文顯示。）"
    assert parenthesized("Not translated yet.") == "(Not translated yet.)"


@pytest.mark.django_db(transaction=True)
def test_a_taiwan_emails_text_part_uses_full_width_colons_and_breaks_lines_as_chinese_expects(topics, outbox_dir):
    import email
    from email import policy

    from digest.delivery.fanout import send_edition
    from digest.editions.build import build_edition
    from tests.factories import PaperFactory, SubscriberFactory, TranslationFactory

    paper = PaperFactory(topics=[topics["llm"]])
    TranslationFactory(paper=paper, title="门控注意力", abstract=ABSTRACTS[1] * 2)
    SubscriberFactory(email="reader@example.com", language="zh-Hant-TW")
    send_edition(build_edition(paper.announced_on))
    (path,) = outbox_dir.glob("*.eml")
    text = email.message_from_bytes(path.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
    assert "在瀏覽器中檢視：" in text and "在 arXiv 閱讀：https://arxiv.org/abs/" in text and "退訂：" in text
    assert "檢視:" not in text
    lines = text.split("\n")
    assert [line for line in lines if line and line.lstrip()[:1] in CLOSING] == []
