"""Glossary deviations a rule can put right: the softer half of the reply checks.

A model that writes 大型语言模型 where the glossary asks 大语言模型, or 词元 where it asks to keep "token", has not
hurt the reader; refusing it sent the paper out in English. Each term may list the variants editors accept
(GlossaryTerm.variants); those are replaced by the required form, and the change is noted for review. A term
rendered some other way is left as written and noted too. Only an acronym the glossary keeps verbatim and
case-sensitive (LLM, GPU, CLIP) is a lost name, which the caller refuses like a lost arXiv id: a reader searches
for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from digest.translation.glossary import Glossary, terms_in


@dataclass
class GlossaryRepair:
    title: str
    abstract: str
    notes: list[str] = field(default_factory=list)  # soft deviations, for the review flag
    lost_names: list[str] = field(default_factory=list)  # hard: verbatim acronyms missing


def repair_glossary(glossary: Glossary, source: str, title: str, abstract: str) -> GlossaryRepair:
    """Puts each used term's required form in place of its known variants; reports what it changed and what
    it could not."""
    result = GlossaryRepair(title, abstract)
    for term in terms_in(glossary, source):
        target = term.target
        if not target:
            continue
        replaced = []
        for variant in sorted(term.variants, key=len, reverse=True):
            if not variant or variant.lower() == target.lower():
                continue
            pattern = re.compile(re.escape(variant), re.IGNORECASE)
            if pattern.search(result.title) or pattern.search(result.abstract):
                result.title = pattern.sub(target, result.title)
                result.abstract = pattern.sub(target, result.abstract)
                replaced.append(variant)
        if replaced:
            result.notes.append(f"glossary: {'、'.join(replaced)} → {target} ({term.term})")
        if target.lower() in f"{result.title}\n{result.abstract}".lower():
            continue
        if term.keep_verbatim and term.case_sensitive:
            result.lost_names.append(term.term)
        else:
            result.notes.append(f"glossary: '{term.term}' not rendered as {target}")
    return result
