"""A keyword a reader follows or mutes, matched the way they typed it: in English against the paper's English, in
Chinese against its translation, whatever variant of Chinese they wrote it in.

Chinese is matched in one script: the stored translation is Simplified, and a keyword is tried in the forms it may
stand for there, made by OpenCC (hk2s for Hong Kong and other Traditional characters, tw2sp for Taiwan words and
characters): 蒸餾 and 蒸馏 are 蒸馏, 程式碼, 代碼 and 代码 are 代码. The keyword as typed is tried too, so a word
that tw2sp reads as a Taiwan word (程序 -> 进程) still finds itself (and, the price of one script, 进程 too).

Chinese is matched as whole words, never as a substring: a form matches where it starts and ends on a boundary of
the words the conversion's segmenter cuts the text into (digest.translation.segmentation, rjieba), so 合并 is not
found in 结合|并|发挥 nor 大模型 in 扩大|模型. A dictionary compound that splits into two words of its own, or a
word and an affix (代码生成: 代码 | 生成, 模型化: 模型 | 化; the affixes of digest.translation.variants), has that
boundary too; one that would leave a stray character (大模型) has not.

A paper's Chinese is prepared once per pool (ChineseText: normalized, lower-cased, its boundaries), and only when
some reader's keyword is Chinese, so the send path pays for it once per edition and process, never per reader.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import NamedTuple

import opencc

from digest.languages import TRANSLATION_LANGUAGE, is_chinese
from digest.translation.glossary import active_glossary
from digest.translation.phrases import active_phrases
from digest.translation.segmentation import segmenter
from digest.translation.variants import PREFIXES, SUFFIXES, conversion_words

_CJK_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_local = threading.local()


def _convert(config: str, text: str) -> str:
    # OpenCC objects are not documented as thread-safe; one per thread and configuration.
    cache = _local.__dict__.setdefault("converters", {})
    if config not in cache:
        cache[config] = opencc.OpenCC(config)
    return cache[config].convert(text)


def has_chinese(text: str) -> bool:
    return bool(_CJK_RE.search(text))


class ChineseText(NamedTuple):
    """A paper's Chinese in the one script keywords are matched in, and where its words start and end."""

    text: str
    bounds: frozenset[int]


EMPTY = ChineseText("", frozenset())


def chinese_text(text: str) -> ChineseText:
    """`text` (a stored translation: Simplified) normalized as keywords are, with its word boundaries: the words
    the conversion cuts it into (digest.translation.variants.conversion_words, with the project's phrase and
    glossary words in the segmenter's dictionary, so the cut is the same in every process), and the inner
    boundaries of dictionary compounds. Cached per generation of the segmenter's words, so the next pool of the
    same edition (a new batch after the pool's time limit) does not cut it again."""
    if not text or not has_chinese(text):
        return EMPTY
    return _chinese_text(text, segmenter().generation)


@lru_cache(maxsize=4096)
def _chinese_text(text: str, generation: int) -> ChineseText:
    normalized = _convert("hk2s", text).lower()
    words = conversion_words(normalized, TRANSLATION_LANGUAGE, active_glossary(), active_phrases())
    if "".join(words) != normalized:  # a glossary term kept verbatim reads otherwise: cut the text as it is
        words = segmenter().cut(normalized)
    bounds, at = {0}, 0
    for word in words:
        if len(word) > 2 and has_chinese(word):
            bounds.update(at + inner for inner in _inner_bounds(word))
        at += len(word)
        bounds.add(at)
    return ChineseText(normalized, frozenset(bounds))


@lru_cache(maxsize=50000)
def _inner_bounds(word: str) -> tuple[int, ...]:
    """Where a compound splits in two words of the dictionary, or a word and an affix (代码生成: 代码 | 生成,
    模型化: 模型 | 化); none where a part would be a stray character (大模型 is no 大 | 模型)."""
    plain = segmenter()
    return tuple(
        at for at in range(1, len(word)) if _stands(word[:at], PREFIXES, plain) and _stands(word[at:], SUFFIXES, plain)
    )


def _stands(part: str, affixes: frozenset[str], plain) -> bool:
    return part in affixes if len(part) == 1 else plain.is_word(part)


@lru_cache(maxsize=10000)
def keyword_forms(keyword: str) -> tuple[str, ...]:
    """The Simplified forms a Chinese keyword may take in a translation, lower-cased, the typed one first."""
    typed = " ".join(keyword.split()).lower()
    taiwan = _convert("tw2sp", typed)
    forms = (typed, _convert("hk2s", typed), taiwan, _convert("hk2s", taiwan))
    return tuple(dict.fromkeys(form for form in forms if form))


def chinese_match(keyword: str, text: ChineseText) -> bool:
    """Whether one of the keyword's forms stands in `text` as whole words."""
    if not text.text:
        return False
    for form in keyword_forms(keyword):
        start = text.text.find(form)
        while start >= 0:
            if start in text.bounds and start + len(form) in text.bounds:
                return True
            start = text.text.find(form, start + 1)
    return False


@lru_cache(maxsize=10000)
def keyword_in_variant(keyword: str, language: str) -> str:
    """A keyword as a reader of `language` reads it in "why you got this": a Chinese one in their variant
    (蒸馏 for a Taiwan reader is 蒸餾, 程式碼 for a mainland reader is 代码); Traditional text typed by a reader of a
    Traditional variant, and English, as typed."""
    if not is_chinese(language) or not has_chinese(keyword):
        return keyword
    traditional = _convert("hk2s", keyword) != keyword
    if language == "zh-Hans":
        return _convert("hk2s", _convert("tw2sp", keyword)) if traditional else keyword
    if traditional:
        return keyword
    from digest.translation.variants import to_variant

    return to_variant(keyword, language)
