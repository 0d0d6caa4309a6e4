"""The reader's text of a paper in their variant, made from the one stored translation: cut into words, then
each word converted on its own (glossary, phrase table, role, OpenCC; see wordwise.py), so that no rule fires
across a word boundary (大模型→大型模型 inside 扩大模型, 合并 inside 结合并发挥, 在线 inside 在线性). Where an
editor wrote a paper's Taiwan or Hong Kong text themselves (VariantOverride), that variant's readers get it
instead, as long as it was written against the current translation."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import opencc

from digest.languages import OPENCC_CONFIG, Language
from digest.models import Paper, Translation, VariantOverride
from digest.models.translations import OVERRIDE_LANGUAGES
from digest.papers.latex import latex_to_unicode
from digest.translation.glossary import Glossary, active_glossary, fixed_forms, verbatim_spans
from digest.translation.phrases import PhraseTable, active_phrases, convert_quotes
from digest.translation.segmentation import segmenter
from digest.translation.wordwise import Entries, Piece, convert_words, match_words

_local = threading.local()


def _converter(config: str) -> opencc.OpenCC:
    # OpenCC objects are not documented as thread-safe; one per thread and configuration.
    cache = _local.__dict__.setdefault("converters", {})
    if config not in cache:
        cache[config] = opencc.OpenCC(config)
    return cache[config]


@lru_cache(maxsize=20000)
def convert(text: str, language: str) -> str:
    """Cached: each paper is converted once per variant, however many readers get it."""
    config = OPENCC_CONFIG.get(language)
    return _converter(config).convert(text) if config else text


_NO_PHRASES = PhraseTable()
#: Characters a variant writes otherwise than OpenCC, applied to what OpenCC returns. OpenCC's Hong Kong table
#: writes 户 (the glyph of Hong Kong's standard character list) where Hong Kong text and Chinese Wikipedia's zh-hk
#: conversion write 戶 (用戶, 客戶, 賬戶): to a reader 户 looks Simplified.
GLYPHS = {"zh-Hant-HK": str.maketrans({"户": "戶"})}
#: How many distinct words' cuts a table keeps (a few MB) before starting over.
SPLITS_KEPT = 200_000


@lru_cache(maxsize=20000)
def convert_translation(text: str, language: str, glossary: Glossary = (), phrases: PhraseTable = _NO_PHRASES) -> str:
    """A stored translation in the reader's variant, converted word by word (wordwise.py): glossary renderings and
    the phrase table's phrases where they span whole words, role words (通过) by their role, OpenCC for every other
    word alone, then Taiwan/Hong Kong quotation marks. Cached on (text, variant, glossary, phrases): a paper is
    converted once per variant for a whole send, and an edit of either table makes a new key rather than a stale
    hit."""
    if language not in OPENCC_CONFIG or OPENCC_CONFIG[language] is None:
        return text
    return convert_quotes("".join(piece.text for piece in conversion_pieces(text, language, glossary, phrases)))


def conversion_pieces(
    text: str, language: str, glossary: Glossary = (), phrases: PhraseTable = _NO_PHRASES
) -> list[Piece]:
    """`text` as the pieces of its conversion (before quotation marks): each word or table entry with the text a
    reader sees and the rule that made it. Not cached; convert_translation is."""
    config = OPENCC_CONFIG.get(language)
    if not config:
        return [Piece(text, text, "verbatim")]
    tiers = _entries(language, glossary, phrases)
    pieces: list[Piece] = []
    for span, verbatim in verbatim_spans(text, glossary):
        if verbatim:
            pieces.append(Piece(span, span, "verbatim"))
        else:
            pieces.extend(match_words(_words(span, tiers), tiers, language))
    plain = [index for index, piece in enumerate(pieces) if piece.rule == "opencc"]
    converted = convert_words([pieces[index].source for index in plain], _converter(config).convert)
    glyphs = GLYPHS.get(language)
    for index, text_in_variant in zip(plain, converted, strict=True):
        source = pieces[index].source
        pieces[index] = Piece(source, text_in_variant.translate(glyphs) if glyphs else text_in_variant, "opencc")
    return pieces


def _words(text: str, tiers: tuple[Entries, ...]) -> list[str]:
    """The words of `text`. A word that is no table entry but holds one inside it (文档 in 文档检索, 获取 in the
    dictionary word 获取数据, the glossary's 视频 in the phrase word 视频理解) is cut again, so that the entry
    applies where it is a word of its own inside the compound and nowhere else (see `_split`)."""
    generation = segmenter().generation
    cache = _splits(tiers, generation)
    if len(cache) > SPLITS_KEPT:
        cache.clear()
    words = []
    for word in _cut(text, generation):
        parts = cache.get(word)
        if parts is None:
            parts = cache[word] = _split(word, tiers) if _holds_entry(word, tiers) else (word,)
        words.extend(parts)
    return words


@lru_cache(maxsize=1024)
def _cut(text: str, generation: int) -> tuple[str, ...]:
    """The segmenter's words of `text`, kept for the next variant (one paper is converted to both in a row), per
    generation of the segmenter's dictionary."""
    return tuple(segmenter().cut(text))


@lru_cache(maxsize=64)
def _splits(tiers: tuple[Entries, ...], generation: int) -> dict[str, tuple[str, ...]]:
    """How each word seen so far is cut, per table and generation of the segmenter's dictionary."""
    return {}


#: Characters that attach to a word as a prefix or a suffix (低|分辨率, 力|反馈, 扩展|性, 信息|学): left over
#: beside an entry inside a compound, they let the entry stand as a word. Any other single character is part of a
#: word the entry would cut through (扩|大模型, 社|交互|动 of 社交互动).
PREFIXES = frozenset("低高超多非反可无自双单子总全伪强弱力逆次半跨预")
SUFFIXES = frozenset("性化率学度器者式型类值量法论集流层图库表")


def _split(word: str, tiers: tuple[Entries, ...]) -> tuple[str, ...]:
    """A compound cut into its words: by the dictionary alone (no guessing of unknown words) where that cut is
    whole words, or, where the dictionary knows the compound as one word (获取数据, 扩展性), at an entry whose
    rest is whole dictionary words or an affix (获取 | 数据, 扩展 | 性). No other single character is split off:
    扩大模型 is never cut 扩 | 大模型."""
    plain = segmenter()
    parts = plain.cut(word, hmm=False)
    if len(parts) > 1 and all(_whole(part, at, len(parts)) for at, part in enumerate(parts)):
        return tuple(parts)
    for entries in tiers:
        for length in range(len(word) - 1, 1, -1):
            for start in range(len(word) - length + 1):
                if word[start : start + length] not in entries.forms:
                    continue
                before, after = word[:start], word[start + length :]
                if _stands(before, PREFIXES, plain) and _stands(after, SUFFIXES, plain):
                    return tuple(part for part in (before, word[start : start + length], after) if part)
    return (word,)


def _whole(part: str, at: int, count: int) -> bool:
    """Whether a part of the dictionary's cut of a compound is a word: two characters or more, or an affix at its
    end of the compound (社 | 交互 | 动 of 社交互动 is no cut into words)."""
    return len(part) > 1 or (at == 0 and part in PREFIXES) or (at == count - 1 and part in SUFFIXES)


def _stands(rest: str, affixes: frozenset[str], plain) -> bool:
    return not rest or rest in affixes or (len(rest) > 1 and plain.is_word(rest))


def _holds_entry(word: str, tiers: tuple[Entries, ...]) -> bool:
    """Whether `word` holds an entry inside it that wins over the word itself: an entry of the same tier when the
    word is no entry, or of a higher tier (the glossary's 视频 inside the phrase word 视频理解)."""
    if len(word) < 2:
        return False
    for entries in tiers:
        forms, prefixes = entries.forms, entries.prefixes
        if word in forms:
            return False
        for start in range(len(word)):
            for end in range(start + 1, len(word) + 1):
                part = word[start:end]
                if part not in prefixes:
                    break
                if end - start < len(word) and part in forms:
                    return True
    return False


def conversion_words(
    text: str, language: str, glossary: Glossary = (), phrases: PhraseTable = _NO_PHRASES
) -> list[str]:
    """The words the conversion cuts `text` into (verbatim glossary terms as they stand)."""
    tiers = _entries(language, glossary, phrases)
    return [
        word
        for span, verbatim in verbatim_spans(text, glossary)
        for word in ([span] if verbatim else _words(span, tiers))
    ]


@lru_cache(maxsize=64)
def _entries(language: str, glossary: Glossary, phrases: PhraseTable) -> tuple[Entries, ...]:
    """The variant's table entries in tiers (the glossary's, then the phrase table's), with their words made known
    to the segmenter. Cached per tables: built once per variant and edit, not per text."""
    segmenter().add_words(phrases.words)
    tiers = (Entries.of(phrases.forms(language)),)
    if not glossary:
        return tiers

    def plain(rendering: str, variant: str) -> str:
        return "".join(piece.text for piece in conversion_pieces(rendering, variant, (), phrases))

    glossary_forms = fixed_forms(glossary, language, plain)
    segmenter().add_words(glossary_forms)
    return (Entries.of(glossary_forms), *tiers)


def forget_conversions() -> None:
    """Drops every cached conversion (a phrase or glossary edit in the admin)."""
    convert_translation.cache_clear()
    _entries.cache_clear()
    _splits.cache_clear()
    _cut.cache_clear()


def to_variant(text: str, language: str) -> str:
    """Any Simplified text a reader sees (translation, topic label, editor's note, interface string) in their
    variant, with the same glossary renderings everywhere: one conversion for emails, archive, RSS and
    admin previews."""
    if not text or language not in OPENCC_CONFIG:
        return text
    return convert_translation(text, language, active_glossary(), active_phrases())


@dataclass(frozen=True)
class LocalizedPaper:
    title: str
    abstract: str
    translated: bool
    original_title: str
    original_abstract: str
    #: The model's one-sentence summary in the reader's variant; "" when it gave none (nothing is shown).
    tldr: str = ""


def variant_override(paper: Paper, language: str, translation: Translation | None) -> VariantOverride | None:
    """The editor's text readers of `language` get for `paper` instead of the conversion: an override written
    against `translation` (the current one; a stale override is ignored, see VariantOverride). Reads
    `paper.variant_overrides.all()`, so a caller that prefetched them (the send path and the archive do, with
    digest.editions.selectors) costs no query per paper; no query at all for a variant that has no overrides."""
    if language not in OVERRIDE_LANGUAGES or translation is None:
        return None
    overrides = paper.variant_overrides.all()
    return next((o for o in overrides if o.language == language and o.fits(translation)), None)


def localize(paper: Paper, language: str) -> LocalizedPaper:
    """The paper as a reader sees it, LaTeX shown as Unicode text (the stored text keeps the source): the one
    function behind emails, archive, RSS and the reader's pages. An editor's override of the variant wins over
    the conversion while it fits the current translation; its summary, when left empty, is the conversion's."""
    title, abstract = latex_to_unicode(paper.title), latex_to_unicode(paper.abstract)
    if language == Language.EN:
        return LocalizedPaper(title, abstract, False, title, abstract)
    translation = paper.current_translation()
    if translation is None:
        return LocalizedPaper(title, abstract, False, title, abstract)
    tldr = latex_to_unicode(to_variant(translation.tldr, language)) if translation.tldr else ""
    override = variant_override(paper, language, translation)
    if override is not None:
        return LocalizedPaper(
            latex_to_unicode(override.title),
            latex_to_unicode(override.abstract),
            True,
            title,
            abstract,
            latex_to_unicode(override.tldr) if override.tldr else tldr,
        )
    return LocalizedPaper(
        latex_to_unicode(to_variant(translation.title, language)),
        latex_to_unicode(to_variant(translation.abstract, language)),
        True,
        title,
        abstract,
        tldr,
    )
