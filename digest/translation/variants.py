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
from digest.translation.service import current_translation

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


@lru_cache(maxsize=20000)
def convert_translation(text: str, language: str, glossary: Glossary = ()) -> str:
    """A stored translation in the reader's variant, glossary renderings shielded from OpenCC and shown in the
    variant's fixed form. Cached on (text, variant, glossary): a paper is converted once per variant for a
    whole send, and a glossary edit makes a new key rather than a stale hit."""
    if language not in OPENCC_CONFIG:
        return text
    relevant = tuple(term for term in glossary if term.target and term.target.lower() in text.lower())
    if not relevant:
        return convert(text, language)
    return convert_protected(text, relevant, language, convert)


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
    glossary = active_glossary()
    return LocalizedPaper(
        latex_to_unicode(convert_translation(translation.title, language, glossary)),
        latex_to_unicode(convert_translation(translation.abstract, language, glossary)),
        True,
        title,
        abstract,
        latex_to_unicode(convert_translation(translation.tldr, language, glossary)) if translation.tldr else "",
    )
