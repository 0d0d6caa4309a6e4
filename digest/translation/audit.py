"""The conversion audit: where the Taiwan or Hong Kong text of a paper still carries a mainland-only form.

The watch list (phrases/watchlist.tsv) names forms that should not reach a reader of a variant (魯棒, 推匯出,
線上段上, 回撥, 大語言模型 ...) with the preferred form. An editor runs `manage.py audit_variants --date D` before
sending and fixes what it lists (an editor's translation, a VariantPhrase, or a glossary rendering). The same
audit of plain OpenCC output ("before") against the project's conversion ("after") shows what the phrase table
buys.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from digest.translation.phrases import watch_list
from digest.translation.variants import convert, to_variant

VARIANTS = ("zh-Hant-TW", "zh-Hant-HK")


@dataclass(frozen=True)
class Hit:
    language: str
    form: str
    preferred: str
    count: int
    context: str  # the first occurrence with a few characters around it


@dataclass
class PaperAudit:
    label: str  # arXiv id
    hits: list[Hit] = field(default_factory=list)  # in the project's conversion
    before: int = 0  # watch-list occurrences in plain OpenCC output, both variants
    after: int = 0  # the same in the project's conversion


def watch_hits(text: str, language: str) -> list[Hit]:
    """Every watch-listed form of `language` in `text` (longest forms first; a shorter form inside a longer hit,
    such as 回撥 inside 回撥函式, is not counted twice)."""
    hits, taken = [], text
    for item in sorted((w for w in watch_list() if w.language == language), key=lambda w: len(w.form), reverse=True):
        count = taken.count(item.form)
        if not count:
            continue
        at = taken.index(item.form)
        context = text[max(0, at - 6) : at + len(item.form) + 6]
        hits.append(Hit(language, item.form, item.preferred, count, context))
        taken = taken.replace(item.form, "\0" * len(item.form))
    return hits


def audit_texts(papers: Iterable[tuple[str, str, str]]) -> list[PaperAudit]:
    """(label, Simplified title, Simplified abstract) -> the watch-list hits per paper, before and after."""
    results = []
    for label, title, abstract in papers:
        simplified = f"{title}\n{abstract}"
        audit = PaperAudit(label)
        for language in VARIANTS:
            audit.before += sum(h.count for h in watch_hits(convert(simplified, language), language))
            hits = watch_hits(to_variant(title, language) + "\n" + to_variant(abstract, language), language)
            audit.hits.extend(hits)
            audit.after += sum(h.count for h in hits)
        results.append(audit)
    return results
