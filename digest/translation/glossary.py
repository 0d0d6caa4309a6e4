"""The editors' glossary: which terms the model keeps verbatim or renders one fixed way, and how OpenCC is kept
from rewriting them afterwards.

A term is matched in the English source as a whole word (plural -s/-es allowed), so "CLIP" does not match
"CLIPScore". Only terms that occur in a paper are put into its prompt: a short prompt costs less and keeps
the model's attention on what matters.

After conversion, a Simplified rendering in the stored text (状态空间模型) would be rewritten by OpenCC like any
other text; the conversion (variants.py) takes each rendering, where it stands as a whole word, as the variant's
fixed form, and keeps verbatim terms as written (no placeholder characters: feed text may contain any character).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from digest.translation.editor_tables import ReloadedTable

log = logging.getLogger(__name__)

#: How long a process keeps the glossary before reading it again (saves in the admin clear it at once
#: in the process that saved; other processes see the change within this many seconds).
CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class Term:
    """A glossary entry as plain, hashable values (usable as an lru_cache key)."""

    term: str
    zh_hans: str = ""
    zh_hant_tw: str = ""
    zh_hant_hk: str = ""
    keep_verbatim: bool = False
    case_sensitive: bool = False
    variants: tuple[str, ...] = ()  # other renderings a model writes, repaired to `target` (see repairs.py)

    @property
    def target(self) -> str:
        """What the Simplified translation must contain."""
        return self.term if self.keep_verbatim else self.zh_hans

    def rendering(self, language: str, convert_plain) -> str:
        """The text a reader of `language` sees for this term."""
        if self.keep_verbatim:
            return self.term
        fixed = {"zh-Hant-TW": self.zh_hant_tw, "zh-Hant-HK": self.zh_hant_hk}.get(language, "")
        return fixed or convert_plain(self.zh_hans, language)

    def prompt_line(self) -> str:
        if self.keep_verbatim:
            return f"- {self.term} → keep as {self.term}"
        return f"- {self.term} → {self.zh_hans}"


Glossary = tuple[Term, ...]


@lru_cache(maxsize=1024)
def _english_pattern(term: str, case_sensitive: bool) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in term.split())
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![A-Za-z0-9]){words}(?:s|es)?(?![A-Za-z0-9])", flags)


def terms_in(glossary: Glossary, *texts: str) -> Glossary:
    """The terms whose English form occurs in any of `texts`."""
    return tuple(
        term for term in glossary if any(_english_pattern(term.term, term.case_sensitive).search(t) for t in texts)
    )


def prompt_glossary(glossary: Glossary, title: str, abstract: str) -> str:
    """The glossary lines for one paper's prompt (empty when no term occurs)."""
    return "\n".join(term.prompt_line() for term in terms_in(glossary, title, abstract))


def missing_terms(glossary: Glossary, source: str, translated: str) -> list[str]:
    """Terms that occur in the English source but whose required form is absent from the translation."""
    lowered = translated.lower()
    return [term.term for term in terms_in(glossary, source) if term.target and term.target.lower() not in lowered]


def verbatim_spans(text: str, glossary: Glossary) -> list[tuple[str, bool]]:
    """`text` cut at every term kept verbatim: (piece, True) for a verbatim term as written in the text (its
    casing kept: Transformers, LLMs), (piece, False) for the text between, which is converted.

    No in-band markers: the pieces are kept apart, so nothing a feed or an editor writes can be mistaken for our
    own bookkeeping. A verbatim term is matched anywhere (LLM in LLMs): it is Latin text that no conversion
    changes, so where it ends does not matter. A Chinese rendering is matched as a whole word instead (see
    `fixed_forms` and wordwise.py)."""
    spans: list[tuple[str, bool]] = [(text, False)]
    for term in sorted(glossary, key=lambda t: len(t.term), reverse=True):
        if not term.keep_verbatim or not term.term or term.term.lower() not in text.lower():
            continue
        pattern = re.compile(re.escape(term.term), 0 if term.case_sensitive else re.IGNORECASE)
        spans = [piece for span in spans for piece in _cut(span, pattern)]
    return spans


def fixed_forms(glossary: Glossary, language: str, convert_plain) -> dict[str, str]:
    """Each Chinese rendering of the glossary (and its variant form, which maps to itself, so a text already in
    that form is not converted twice) -> what a reader of `language` sees. The conversion applies these to whole
    words: 大模型 is rendered in 大模型的能力, not inside 扩大模型."""
    forms: dict[str, str] = {}
    for term in glossary:
        if term.keep_verbatim or not term.zh_hans:
            continue
        form = term.rendering(language, convert_plain)
        forms[term.zh_hans] = form
        forms.setdefault(form, form)
    return forms


def _cut(span: tuple[str, bool], pattern: re.Pattern[str]) -> list[tuple[str, bool]]:
    """One plain span split at each match of `pattern`; a match becomes a verbatim span as written."""
    text, verbatim = span
    if verbatim:
        return [span]
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in pattern.finditer(text):
        if match.start() > last:
            pieces.append((text[last : match.start()], False))
        pieces.append((match.group(0), True))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


def _load_glossary() -> Glossary:
    from digest.models import GlossaryTerm

    return tuple(
        Term(
            term=row.term.strip(),
            zh_hans=row.zh_hans.strip(),
            zh_hant_tw=row.zh_hant_tw.strip(),
            zh_hant_hk=row.zh_hant_hk.strip(),
            keep_verbatim=row.keep_verbatim,
            case_sensitive=row.case_sensitive,
            variants=row.variant_list(),
        )
        for row in GlossaryTerm.objects.filter(enabled=True)
        if row.term.strip() and (row.keep_verbatim or row.zh_hans.strip())
    )


_glossary = ReloadedTable(_load_glossary, "digest.GlossaryTerm", CACHE_SECONDS)
#: The enabled glossary terms (read at most once per CACHE_SECONDS per process; a save clears it).
active_glossary = _glossary.get
forget_glossary = _glossary.forget
