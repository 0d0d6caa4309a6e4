"""The project's AI-domain phrase table per variant, applied around OpenCC.

OpenCC's Taiwan tables are built for everyday IT text; on AI abstracts they rewrite exactly the vocabulary
readers notice: 推导出 -> 推匯出 (segmented as 推 + 导出 "export"), 在线段上 -> 線上段上 ("online"), 回调 -> 回撥,
这些文件 -> 這些檔案, and they leave mainland terms such as 鲁棒 as they are. ai_terms.tsv (shipped, reviewed
against Taiwan's academic usage) and the editors' VariantPhrase rows (admin; they win over the file) give the
Taiwan and Hong Kong form of each Simplified phrase. Conversion works like the glossary's: the Simplified text is
cut at every phrase (longest first, leftmost first), the pieces between are converted by OpenCC and each phrase
becomes the variant's form. So a phrase both fixes a term and stops OpenCC from segmenting across it.

Taiwan and Hong Kong also write 「」 and 『』 where Simplified text has “” and ‘’; `convert_quotes` does that after
OpenCC, which leaves quotation marks alone.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from digest.languages import Language
from digest.translation.reloaded import ReloadedTable

SHIPPED_TABLE = Path(__file__).with_name("ai_terms.tsv")
WATCH_LIST = Path(__file__).with_name("watchlist.tsv")
#: How long a process keeps the table before reading the editors' rows again (a save clears it at once in the
#: process that saved; others see the change within this many seconds).
CACHE_SECONDS = 60.0

_CJK = "\u3400-\u9fff\uf900-\ufaff"


@dataclass(frozen=True)
class Phrase:
    zh_hans: str
    zh_hant_tw: str
    zh_hant_hk: str
    kind: str = "term"  # "term" or "trap" (a segmentation or sense trap of OpenCC)

    def form(self, language: str) -> str:
        return {Language.ZH_HANT_TW.value: self.zh_hant_tw, Language.ZH_HANT_HK.value: self.zh_hant_hk}.get(
            language, ""
        )


@dataclass(frozen=True, eq=False)
class PhraseTable:
    """Hashable (usable in an lru_cache key): an edit makes a new table, never a stale cache hit. The hash is
    computed once: conversions are looked up per paper and variant, and hashing 400 phrases each time would
    cost more than the lookup saves."""

    phrases: tuple[Phrase, ...] = ()

    @cached_property
    def _hash(self) -> int:
        return hash(self.phrases)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return isinstance(other, PhraseTable) and self._hash == other._hash and self.phrases == other.phrases

    @cached_property
    def _by_variant(self) -> dict[str, tuple[re.Pattern[str] | None, dict[str, str]]]:
        compiled = {}
        for language in (Language.ZH_HANT_TW.value, Language.ZH_HANT_HK.value):
            forms = {p.zh_hans: p.form(language) for p in self.phrases if p.zh_hans and p.form(language)}
            # The variant forms themselves are shielded too: a text already in that form (an editor's note
            # written in Traditional, a glossary rendering) must not be converted again; OpenCC is not
            # idempotent (s2twp turns 演算法 into 演演算法, 函數 into 函式).
            for phrase in self.phrases:
                form = phrase.form(language)
                if form:
                    forms.setdefault(form, form)
            keys = sorted(forms, key=len, reverse=True)  # the regex takes the first alternative: longest first
            pattern = re.compile("|".join(map(re.escape, keys))) if keys else None
            compiled[language] = (pattern, forms)
        return compiled

    def apply(self, text: str, language: str, convert_plain) -> str:
        """`convert_plain(text, language)` (OpenCC) with every phrase of the table shown in its variant form.

        No in-band markers, as in the glossary's shield: the text is cut at each phrase (longest first, leftmost
        first), the pieces between are converted one by one and the phrases' forms put in between, so nothing a
        text contains can be taken for our own bookkeeping."""
        pattern, forms = self._by_variant.get(language, (None, {}))
        if pattern is None:
            return convert_plain(text, language)
        pieces: list[str] = []
        last = 0
        for match in pattern.finditer(text):
            if match.start() > last:
                pieces.append(convert_plain(text[last : match.start()], language))
            pieces.append(forms[match.group(0)])
            last = match.end()
        if last < len(text):
            pieces.append(convert_plain(text[last:], language))
        return "".join(pieces)


def convert_quotes(text: str) -> str:
    """“” -> 「」 and ‘’ -> 『』 (Taiwan and Hong Kong punctuation); "straight" quotes around Chinese too. A ’
    inside an English word (Bayes’ rule, don’t) is an apostrophe and stays."""
    text = text.replace("“", "「").replace("”", "」")
    text = re.sub(f"‘([^‘’]*[{_CJK}][^‘’]*)’", r"『\1』", text)
    return re.sub(f'"([^"\\n]*[{_CJK}][^"\\n]*)"', r"「\1」", text)


@lru_cache(maxsize=1)
def shipped_phrases() -> tuple[Phrase, ...]:
    """The rows of ai_terms.tsv (header zh_hans, zh_tw, zh_hk, kind, note)."""
    with SHIPPED_TABLE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Phrase(row["zh_hans"].strip(), row["zh_tw"].strip(), row["zh_hk"].strip(), row["kind"].strip())
            for row in csv.DictReader(handle, delimiter="\t")
            if row["zh_hans"].strip()
        )


@dataclass(frozen=True)
class WatchedForm:
    form: str  # as it appears in the converted (Traditional) text
    language: str
    preferred: str
    note: str = ""


@lru_cache(maxsize=1)
def watch_list() -> tuple[WatchedForm, ...]:
    """Mainland-only forms per variant that should not reach a Taiwan or Hong Kong reader (audit_variants)."""
    with WATCH_LIST.open(encoding="utf-8", newline="") as handle:
        return tuple(
            WatchedForm(row["form"].strip(), row["variant"].strip(), row["preferred"].strip(), row["note"].strip())
            for row in csv.DictReader(handle, delimiter="\t")
            if row["form"].strip()
        )


def _load_phrases() -> PhraseTable:
    """The shipped table with the editors' enabled rows on top (an editor's row replaces the shipped row for
    the same Simplified phrase; an empty variant form keeps the shipped one)."""
    from digest.models import VariantPhrase

    merged = {phrase.zh_hans: phrase for phrase in shipped_phrases()}
    for row in VariantPhrase.objects.filter(enabled=True):
        key = row.zh_hans.strip()
        if not key:
            continue
        shipped = merged.get(key)
        merged[key] = Phrase(
            key,
            row.zh_hant_tw.strip() or (shipped.zh_hant_tw if shipped else ""),
            row.zh_hant_hk.strip() or (shipped.zh_hant_hk if shipped else ""),
            "editor",
        )
    return PhraseTable(tuple(merged.values()))


_phrases = ReloadedTable(_load_phrases, "digest.VariantPhrase", CACHE_SECONDS)
#: The phrase table in force (read at most once per CACHE_SECONDS per process; an editor's save clears it).
active_phrases = _phrases.get
forget_phrases = _phrases.forget
