"""Variant conversion respects words: the Simplified text is cut into words first, and OpenCC, the phrase table
and the glossary apply per word (or per run of whole words), so no rule fires across a word boundary."""

from __future__ import annotations

import pytest

from digest.translation.glossary import Term
from digest.translation.phrases import PhraseTable, shipped_phrases
from digest.translation.segmentation import segmenter
from digest.translation.variants import conversion_pieces, convert, convert_translation
from digest.translation.wordwise import SEPARATORS, convert_words

TABLE = PhraseTable(shipped_phrases())
TW, HK = "zh-Hant-TW", "zh-Hant-HK"


def taiwan(text: str, glossary=()) -> str:
    return convert_translation(text, TW, glossary, TABLE)


def hong_kong(text: str, glossary=()) -> str:
    return convert_translation(text, HK, glossary, TABLE)


def test_a_phrase_does_not_fire_inside_another_word():
    """大模型 -> 大型模型 is a Taiwan phrase; in 扩大|模型 it would start inside 扩大."""
    assert TABLE.apply("在扩大模型规模", TW, convert) == "在擴大型模型規模"  # phrases matched by strings
    assert taiwan("在扩大模型规模") == "在擴大模型規模"


def test_the_same_phrase_applies_where_it_is_a_word():
    assert taiwan("大模型的能力") == "大型模型的能力"


@pytest.mark.parametrize(
    ("simplified", "opencc_alone", "ours"),
    [
        ("结合并发挥作用", "結合併發揮作用", "結合並發揮作用"),
        ("并为此设计", "併為此設計", "並為此設計"),
        ("在线性时间内", "線上性時間內", "在線性時間內"),
        ("存在线索", "存線上索", "存在線索"),
    ],
)
def test_opencc_traps_outside_the_table_are_gone_for_taiwan(simplified, opencc_alone, ours):
    assert convert(simplified, TW) == opencc_alone
    assert convert_translation(simplified, TW) == ours  # no phrase table at all: the words alone do it


def test_hong_kong_gets_and_not_merge_where_and_is_meant():
    assert convert("结合并发挥作用", HK) == "結合併發揮作用"
    assert convert_translation("结合并发挥作用", HK) == "結合並發揮作用"


def test_hong_kong_writes_the_door_character_as_hong_kong_text_does():
    """OpenCC's Hong Kong glyph 户 reads as Simplified; Hong Kong text (and Chinese Wikipedia's zh-hk) write 戶."""
    assert convert("用户与客户的账户", HK) == "用户與客户的賬户"
    assert hong_kong("用户与客户的账户") == "用戶與客戶的賬戶"


def test_latin_letters_are_not_taken_into_a_chinese_word():
    """jieba's dictionary has B超 (ultrasound): "9B超过" is "9B surpasses", not 超音波 in Taiwan."""
    assert "超音波" in convert("BaT-9B超过Claude", TW)
    assert taiwan("BaT-9B超过Claude") == "BaT-9B超過Claude"


def test_an_entry_inside_a_dictionary_compound_still_applies():
    """获取数据 is one word to jieba; 获取 -> 取得 applies to the part that is a word of its own."""
    assert segmenter().cut("获取数据") == ["获取数据"]
    assert taiwan("获取数据") == "取得資料"
    assert hong_kong("多模态文档检索") == "多模態文件檢索"


@pytest.mark.parametrize(
    ("simplified", "taiwan_form"),
    [("扩展性", "擴展性"), ("力反馈", "力回饋"), ("低分辨率", "低解析度"), ("交互性", "互動性")],
)
def test_an_entry_applies_beside_an_affix_inside_a_compound(simplified, taiwan_form):
    """扩展性 is one dictionary word; OpenCC alone reads its 扩展 as the software sense (擴充套件)."""
    assert segmenter().cut(simplified) == [simplified]
    assert taiwan(simplified) == taiwan_form


def test_a_single_character_is_not_split_off_a_compound_to_make_an_entry_fit():
    assert taiwan("较大模型") == "較大模型"
    assert taiwan("最大模型") == "最大模型"


def test_a_glossary_rendering_wins_inside_a_longer_phrase_word():
    video = Term(term="video", zh_hans="视频", zh_hant_tw="影片", zh_hant_hk="影片")
    assert hong_kong("我们研究视频理解。") == "我們研究視頻理解。"  # the phrase table's 视频理解
    assert hong_kong("我们研究视频理解。", (video,)) == "我們研究影片理解。"


def test_a_glossary_rendering_does_not_fire_inside_another_word():
    big = Term(term="large model", zh_hans="大模型", zh_hant_tw="大型模型", zh_hant_hk="大型模型")
    assert taiwan("在扩大模型规模", (big,)) == "在擴大模型規模"
    assert hong_kong("大模型很强", (big,)) == "大型模型很強"


def test_every_piece_says_which_rule_made_it():
    pieces = conversion_pieces("我们通过扩大模型规模提升鲁棒性", TW, (), TABLE)
    assert "".join(p.source for p in pieces) == "我们通过扩大模型规模提升鲁棒性"
    rules = {p.source: p.rule for p in pieces}
    assert rules["鲁棒性"] == "entry"
    assert rules["通过"] == "role"
    assert rules["扩大"] == "opencc"


def test_words_go_to_opencc_in_one_call_joined_by_a_separator_absent_from_the_text():
    calls = []

    def opencc(text: str) -> str:
        calls.append(text)
        return convert(text, TW)

    assert convert_words(["在", "线性", "时间"], opencc) == ["在", "線性", "時間"]
    assert calls == ["在\n线性\n时间"]


def test_text_holding_every_separator_is_converted_word_by_word():
    calls = []

    def opencc(text: str) -> str:
        calls.append(text)
        return convert(text, TW)

    words = ["在", "线性", "".join(SEPARATORS)]
    assert convert_words(words, opencc) == ["在", "線性", "".join(SEPARATORS)]
    assert calls == words


def test_the_words_of_a_text_join_back_to_the_text():
    text = "我们在 GSM8K 上（+5.9%）\n提升了\ue000鲁棒性😀，B超与X光"
    assert "".join(segmenter().cut(text)) == text
    assert "".join(p.source for p in conversion_pieces(text, TW, (), TABLE)) == text


def test_the_segmenter_loads_its_dictionary_once_and_only_when_first_used(monkeypatch):
    import rjieba

    from digest.translation.segmentation import Segmenter

    made, real = [], rjieba.Jieba
    monkeypatch.setattr(rjieba, "Jieba", lambda: made.append(1) or real())
    fresh = Segmenter()
    assert made == []
    fresh.add_words(["大模型"])
    assert fresh.cut("大模型的能力") == ["大模型", "的", "能力"]
    fresh.cut("在扩大模型规模")
    assert made == [1]
    assert segmenter() is segmenter()
