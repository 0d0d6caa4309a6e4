"""The project's AI-domain phrase table per variant, applied around OpenCC.

OpenCC's Taiwan tables are built for everyday IT text; on AI abstracts they rewrite exactly the vocabulary
readers notice: 推导出 -> 推匯出 (segmented as 推 + 导出 "export"), 在线段上 -> 線上段上 ("online"), 回调 -> 回撥,
这些文件 -> 這些檔案, and they leave mainland terms such as 鲁棒 as they are. ai_terms.tsv (shipped, reviewed
against Taiwan's academic usage) and the editors' VariantPhrase rows (admin; they win over the file) give the
Taiwan and Hong Kong form of each Simplified phrase. The conversion (variants.py, wordwise.py) cuts the Simplified
text into words first and takes a phrase where it spans whole words (大模型 in 大模型的能力, not inside 扩大模型);
every other word goes to OpenCC alone. A "term" row is a word, and is added to the segmenter's dictionary; a
"trap" row is a run of words that OpenCC alone would get wrong (结合并, 我们支持这一观点) and only has to line up
with word boundaries.

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
from digest.translation.editor_tables import ReloadedTable

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

    def forms(self, language: str) -> dict[str, str]:
        """Simplified phrase -> the variant's form, and each form -> itself (empty for zh-Hans and English)."""
        return self._by_variant.get(language, (None, {}))[1]

    @cached_property
    def words(self) -> frozenset[str]:
        """What the segmenter must know as words: each term's Simplified phrase and every variant form (a trap's
        Simplified side is several words and stays several words; its Traditional form keeps an editor's text in
        Traditional in one piece)."""
        words = {p.zh_hans for p in self.phrases if p.kind != "trap"}
        words.update(form for p in self.phrases for form in (p.zh_hant_tw, p.zh_hant_hk) if form)
        return frozenset(words)

    def apply(self, text: str, language: str, convert_plain) -> str:
        """The conversion as it was before word boundaries were respected: phrases matched anywhere in the
        character string (longest first, leftmost first), OpenCC over the pieces between. Kept for the audit,
        which reports how many round-trip slips this gave against the word-wise conversion.

        No in-band markers: the text is cut at each phrase, the pieces between are converted one by one and the
        phrases' forms put in between, so nothing a text contains can be taken for our own bookkeeping."""
        return "".join(converted for _, converted, _ in self.string_pieces(text, language, convert_plain))

    def string_pieces(self, text: str, language: str, convert_plain) -> list[tuple[str, str, bool]]:
        """`apply` as (Simplified piece, converted piece, is a phrase) triples."""
        pattern, forms = self._by_variant.get(language, (None, {}))
        if pattern is None:
            return [(text, convert_plain(text, language), False)] if text else []
        pieces: list[tuple[str, str, bool]] = []
        last = 0
        for match in pattern.finditer(text):
            if match.start() > last:
                gap = text[last : match.start()]
                pieces.append((gap, convert_plain(gap, language), False))
            pieces.append((match.group(0), forms[match.group(0)], True))
            last = match.end()
        if last < len(text):
            pieces.append((text[last:], convert_plain(text[last:], language), False))
        return pieces


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
