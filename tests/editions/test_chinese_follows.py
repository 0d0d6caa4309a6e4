"""Follows and mutes in the reader's own Chinese: a keyword matches the paper's translation as whole words, in
whatever variant the reader typed it (Taiwan, Hong Kong or mainland forms); English keeps matching English; a mute
beats a follow; "why you got this" names the keyword in the reader's variant."""

import pytest

from digest.delivery.email.rendering import why_line
from digest.editions.build import build_edition
from digest.editions.selectors import edition_entries
from digest.personalization.interests import Interests
from digest.personalization.keywords import chinese_match, chinese_text, keyword_in_variant
from digest.personalization.picking import Pick, Pool, Reader, pick_from
from tests.factories import PaperFactory, TranslationFactory

pytestmark = pytest.mark.django_db

DISTILLATION = "我们提出一种知识蒸馏方法，以自蒸馏的方式把大模型的推理能力迁移到小模型。"
CODE = "我们重写公开的 Python 代码片段，并在代码生成任务上评测。"
MERGING = "我们研究视觉与语言如何结合并发挥作用，并扩大模型规模。"


@pytest.mark.parametrize("keyword", ["蒸餾", "蒸馏", "知識蒸餾", "知识蒸馏"])
def test_distillation_typed_in_any_variant_finds_the_simplified_translation(keyword):
    assert chinese_match(keyword, chinese_text(DISTILLATION))


@pytest.mark.parametrize("keyword", ["程式碼", "代碼", "代码"])
def test_code_in_taiwan_hong_kong_and_mainland_words_finds_the_same_paper(keyword):
    assert chinese_match(keyword, chinese_text(CODE))
    assert not chinese_match(keyword, chinese_text(DISTILLATION))


@pytest.mark.parametrize("keyword", ["合并", "合併", "大模型", "在线"])
def test_a_chinese_keyword_matches_whole_words_never_inside_other_words(keyword):
    # 结合|并|发挥 holds 合并 and 扩大|模型 holds 大模型 only as characters across a word boundary.
    assert not chinese_match(keyword, chinese_text(MERGING))


def test_a_keyword_is_no_match_inside_a_word_of_the_project_phrase_table():
    # 大模型 is a phrase of the conversion (a word to its segmenter, in every process): 模型 is not found inside it.
    text = chinese_text("大模型的能力在多模态大模型中尤为明显。")
    assert chinese_match("大模型", text) and not chinese_match("模型", text)


def test_a_hong_kong_form_finds_a_word_inside_a_dictionary_compound():
    # 代码生成 is one word of the dictionary, made of the words 代码 and 生成.
    assert chinese_match("代碼", chinese_text("代码生成任务"))
    assert not chinese_match("碼生", chinese_text("代码生成任务"))


@pytest.fixture
def pool(topics):
    texts = [("Knowledge distillation for reasoning", DISTILLATION), ("Rewriting code data", CODE),
             ("Merging vision and language", MERGING)]  # fmt: skip
    for title, chinese in texts:
        paper = PaperFactory(title=title, abstract=f"{title}: we study it.", topics=[topics["llm"]])
        TranslationFactory(paper=paper, title=title, abstract=chinese)
    return Pool(edition_entries(build_edition(paper.announced_on, max_papers=3)))


def titles(picks):
    return {pick.entry.paper.title: pick.followed for pick in picks}


def test_a_reader_following_a_taiwan_keyword_gets_the_paper_and_why(pool):
    picks = pick_from(pool, Reader(frozenset({"vision"}), 5, follows=Interests(keywords=("蒸餾", "程式碼"))))
    assert titles(picks) == {"Knowledge distillation for reasoning": "蒸餾", "Rewriting code data": "程式碼"}


def test_an_english_keyword_keeps_matching_english(pool):
    picks = pick_from(pool, Reader(frozenset({"vision"}), 5, follows=Interests(keywords=("distillation",))))
    assert titles(picks) == {"Knowledge distillation for reasoning": "distillation"}


def test_a_chinese_mute_beats_a_follow(pool):
    reader = Reader(frozenset({"llm"}), 5, follows=Interests(keywords=("代码",)), mutes=Interests(keywords=("代碼",)))
    assert "Rewriting code data" not in titles(pick_from(pool, reader))
    assert len(pick_from(pool, reader)) == 2


@pytest.mark.parametrize(
    ("keyword", "language", "shown"),
    [
        ("蒸馏", "zh-Hant-TW", "蒸餾"),
        ("蒸馏", "zh-Hant-HK", "蒸餾"),
        ("程式碼", "zh-Hans", "代码"),
        ("代碼", "zh-Hans", "代码"),
        ("代碼", "zh-Hant-TW", "代碼"),
        ("代码", "zh-Hant-TW", "程式碼"),
        ("distillation", "zh-Hant-TW", "distillation"),
    ],
)
def test_the_keyword_reads_in_the_readers_variant(keyword, language, shown):
    assert keyword_in_variant(keyword, language) == shown


def test_why_you_got_this_names_the_keyword_in_the_readers_variant(pool):
    html, text = why_line(Pick(pool.entries[0], "llm", "蒸馏"), "zh-Hant-TW")
    assert "蒸餾" in html and "蒸餾" in text


@pytest.mark.django_db(transaction=True)
def test_readers_in_taipei_hong_kong_and_shanghai_get_what_they_follow_and_not_what_they_mute(topics, outbox_dir):
    import email
    from email import policy

    from digest.delivery.fanout import send_edition
    from tests.factories import SubscriberFactory

    for title, chinese in [("Knowledge distillation for reasoning", DISTILLATION), ("Rewriting code data", CODE),
                           ("Merging vision and language", MERGING)]:  # fmt: skip
        paper = PaperFactory(title=title, abstract=f"{title}: we study it.", topics=[topics["llm"]])
        TranslationFactory(paper=paper, title="论文", abstract=chinese)
    robotics = [topics["robotics"]]  # none of the papers is of this topic: only follows bring them
    SubscriberFactory(email="tw@example.com", language="zh-Hant-TW", topics=robotics,
                      follows={"keywords": ["蒸餾", "程式碼"]}, mutes={"keywords": ["程式碼"]})  # fmt: skip
    SubscriberFactory(email="hk@example.com", language="zh-Hant-HK", topics=robotics, follows={"keywords": ["代碼"]})
    SubscriberFactory(
        email="cn@example.com", language="zh-Hans", topics=robotics, follows={"keywords": ["蒸馏", "合并"]}
    )
    send_edition(build_edition(paper.announced_on))
    mails = {
        str(m["To"]): m.get_body(("plain",)).get_content()
        for m in (email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox_dir.glob("*.eml"))
    }
    assert "Knowledge distillation" in mails["tw@example.com"] and "Rewriting code" not in mails["tw@example.com"]
    assert "「蒸餾」" in mails["tw@example.com"]
    assert "Rewriting code" in mails["hk@example.com"] and "「代碼」" in mails["hk@example.com"]
    assert "Knowledge distillation" in mails["cn@example.com"] and "Merging vision" not in mails["cn@example.com"]


@pytest.mark.parametrize("keyword", ["LoRA 微調", "lora 微调", "LoRA 微调"])
def test_a_keyword_mixing_english_and_chinese_matches_the_translation(keyword):
    assert chinese_match(keyword, chinese_text("我们用 LoRA 微调视觉语言模型。"))
    assert not chinese_match(keyword, chinese_text("我们用 QLoRA 微调视觉语言模型。"))
