"""The reader's text of a paper in their variant, made by OpenCC from the one stored translation."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import opencc

from digest.languages import OPENCC_CONFIG, Language
from digest.models import Paper
from digest.papers.latex import latex_to_unicode
from digest.translation.glossary import Glossary, active_glossary, convert_protected
from digest.translation.phrases import PhraseTable, active_phrases, convert_quotes
from digest.translation.stored import current_translation

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


@lru_cache(maxsize=20000)
def convert_translation(text: str, language: str, glossary: Glossary = (), phrases: PhraseTable = _NO_PHRASES) -> str:
    """A stored translation in the reader's variant: glossary renderings shielded from OpenCC and shown in the
    variant's fixed form, then the phrase table's forms, then OpenCC for the rest, then Taiwan/Hong Kong
    quotation marks. Cached on (text, variant, glossary, phrases): a paper is converted once per variant for
    a whole send, and an edit of either table makes a new key rather than a stale hit."""
    if language not in OPENCC_CONFIG or OPENCC_CONFIG[language] is None:
        return text

    def plain(segment: str, variant: str) -> str:
        return phrases.apply(segment, variant, convert)

    relevant = tuple(term for term in glossary if term.target and term.target.lower() in text.lower())
    converted = convert_protected(text, relevant, language, plain) if relevant else plain(text, language)
    return convert_quotes(converted)


def forget_conversions() -> None:
    """Drops every cached conversion (a phrase or glossary edit in the admin)."""
    convert_translation.cache_clear()


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


def localize(paper: Paper, language: str) -> LocalizedPaper:
    """The paper as a reader sees it, LaTeX shown as Unicode text (the stored text keeps the source)."""
    title, abstract = latex_to_unicode(paper.title), latex_to_unicode(paper.abstract)
    if language == Language.EN:
        return LocalizedPaper(title, abstract, False, title, abstract)
    translation = current_translation(paper)
    if translation is None:
        return LocalizedPaper(title, abstract, False, title, abstract)
    return LocalizedPaper(
        latex_to_unicode(to_variant(translation.title, language)),
        latex_to_unicode(to_variant(translation.abstract, language)),
        True,
        title,
        abstract,
        latex_to_unicode(to_variant(translation.tldr, language)) if translation.tldr else "",
    )
