"""The reader's text of a paper in their variant, made by OpenCC from the one stored translation."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import opencc

from digest.languages import OPENCC_CONFIG, Language
from digest.models import Paper
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


def to_variant(text: str, language: str) -> str:
    """Any Simplified text a reader sees (translation, topic label, editor's note, interface string) in their
    variant, with the same glossary renderings everywhere: one conversion for emails, archive, RSS and
    admin previews."""
    if not text or language not in OPENCC_CONFIG:
        return text
    return convert_translation(text, language, active_glossary())


@dataclass(frozen=True)
class LocalizedPaper:
    title: str
    abstract: str
    translated: bool
    original_title: str
    original_abstract: str


def localize(paper: Paper, language: str) -> LocalizedPaper:
    if language == Language.EN:
        return LocalizedPaper(paper.title, paper.abstract, False, paper.title, paper.abstract)
    translation = current_translation(paper)
    if translation is None:
        return LocalizedPaper(paper.title, paper.abstract, False, paper.title, paper.abstract)
    glossary = active_glossary()
    return LocalizedPaper(
        convert_translation(translation.title, language, glossary),
        convert_translation(translation.abstract, language, glossary),
        True,
        paper.title,
        paper.abstract,
    )
