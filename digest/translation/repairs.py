"""Deviations a rule can put right or vouch for: the softer half of the reply checks.

Glossary. A model that writes 大型语言模型 where the glossary asks 大语言模型, or 词元 where it asks to keep "token",
has not hurt the reader; refusing it sent the paper out in English. Each term may list the variants editors accept
(GlossaryTerm.variants); those are replaced by the required form, and the change is noted for review. A term
rendered some other way is left as written and noted too.

An acronym the glossary keeps verbatim and case-sensitive (LLM, GPU, CLIP) is a name a reader searches for. Missing,
it is a lost name, refused like a lost arXiv id, unless the model translated it: "LLMs" written 大型语言模型 is a
faithful translation, accepted and flagged. Its Chinese renderings are the term's own Simplified rendering, those
of the glossary term it abbreviates (the initials of "large language model" spell LLM) with their variants, and a
few well-known ones below. The rendering must stand for the acronym, not only for the spelled-out English the source
also has: "Large Language Models (LLMs)" rendered 大语言模型 alone lost the acronym, so the reply needs more
renderings than the source has spelled-out forms. The only repair made is the safe one: a rendering the glossary
lists as a variant becomes that term's required form (大型语言模型 -> 大语言模型), as it would anywhere else.

TeX words. A model that drops a backslash writes ``8times`` for ``8$\\times$`` or ``ε leq δ`` for
``$\\epsilon \\leq \\delta$``: the operands are there, only the operator is spelled as its TeX name. Where the
source has the macro and the word stands as an operator (next to a number or a variable), it becomes the operator's
Unicode character (pylatexenc's own rendering, so the span checks find it) and the repair is noted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from digest.translation.glossary import Glossary, Term, terms_in
from digest.translation.spans import LATEX_RE, URL_RE, latex_as_unicode


@dataclass
class GlossaryRepair:
    title: str
    abstract: str
    notes: list[str] = field(default_factory=list)  # soft deviations, for the review flag
    lost_names: list[str] = field(default_factory=list)  # hard: verbatim acronyms missing


#: Acronyms glossaries keep verbatim: the English they abbreviate and the Chinese renderings models write for them
#: (the usual Simplified terms, as in the seeded glossary's "large language model" and its variants).
KNOWN_RENDERINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "LLM": ("large language model", ("大语言模型", "大型语言模型", "大规模语言模型")),
    "MLLM": ("multimodal large language model", ("多模态大语言模型", "多模态大型语言模型")),
    "VLM": ("vision-language model", ("视觉语言模型", "视觉-语言模型")),
    "GPU": ("graphics processing unit", ("图形处理器", "图形处理单元")),
    "RLHF": ("reinforcement learning from human feedback", ("基于人类反馈的强化学习", "人类反馈强化学习")),
    "MoE": ("mixture of experts", ("混合专家", "专家混合")),
    "NLP": ("natural language processing", ("自然语言处理",)),
}
_SMALL_WORDS = frozenset({"of", "from", "and", "the", "for", "with", "to", "in", "on", "by"})


def repair_glossary(glossary: Glossary, source: str, title: str, abstract: str) -> GlossaryRepair:
    """Puts each used term's required form in place of its known variants; reports what it changed and what
    it could not."""
    result = GlossaryRepair(title, abstract)
    used = terms_in(glossary, source)
    for term in used:
        replaced = _replace(result, term.target, term.variants) if term.target else []
        if replaced:
            result.notes.append(f"glossary: {'、'.join(replaced)} → {term.target} ({term.term})")
    for term in used:
        if not term.target or term.target.lower() in f"{result.title}\n{result.abstract}".lower():
            continue
        if not (term.keep_verbatim and term.case_sensitive):
            result.notes.append(f"glossary: '{term.term}' not rendered as {term.target}")
        elif not _translated_acronym(result, term, glossary, source):
            result.lost_names.append(term.term)
    return result


def _replace(result: GlossaryRepair, target: str, variants: tuple[str, ...]) -> list[str]:
    """Replaces each variant by `target` in title and abstract; the variants found."""
    replaced = []
    for variant in sorted(variants, key=len, reverse=True):
        if not variant or variant.lower() == target.lower():
            continue
        pattern = re.compile(re.escape(variant), re.IGNORECASE)
        if pattern.search(result.title) or pattern.search(result.abstract):
            result.title = pattern.sub(target, result.title)
            result.abstract = pattern.sub(target, result.abstract)
            replaced.append(variant)
    return replaced


def _translated_acronym(result: GlossaryRepair, term: Term, glossary: Glossary, source: str) -> bool:
    """Whether the reply renders the missing acronym `term` in Chinese (module docstring); notes it if so, and
    puts a glossary variant among the renderings in its required form."""
    renderings, expansions, preferred = _chinese_forms(term, glossary)
    if not renderings:
        return False
    pattern = re.compile("|".join(map(re.escape, sorted(renderings, key=len, reverse=True))))
    found = pattern.findall(f"{result.title}\n{result.abstract}")
    spelled_out = sum(len(_english_form(expansion).findall(source)) for expansion in expansions)
    if len(found) <= spelled_out:
        return False
    written = "、".join(dict.fromkeys(found))
    repaired = {
        target
        for target, variants in preferred.items()
        if _replace(result, target, tuple(v for v in variants if v in found))
    }
    suffix = f" → {'、'.join(sorted(repaired))}" if repaired else ""
    result.notes.append(f"glossary: '{term.term}' written as {written}{suffix} instead of kept verbatim")
    return True


def _chinese_forms(term: Term, glossary: Glossary) -> tuple[set[str], set[str], dict[str, tuple[str, ...]]]:
    """(Chinese renderings of the acronym, English forms it abbreviates, {required form: its variants} of the
    glossary terms it abbreviates)."""
    renderings: set[str] = {term.zh_hans} if term.zh_hans else set()
    expansions: set[str] = set()
    preferred: dict[str, tuple[str, ...]] = {}
    if term.term in KNOWN_RENDERINGS:
        expansion, known = KNOWN_RENDERINGS[term.term]
        expansions.add(expansion)
        renderings.update(known)
    for other in glossary:
        if other.keep_verbatim or not other.zh_hans or term.term.lower() not in _initials(other.term):
            continue
        expansions.add(other.term)
        renderings.update({other.zh_hans, *other.variants})
        preferred[other.zh_hans] = other.variants
    return {r for r in renderings if r}, expansions, preferred


def _initials(english: str) -> set[str]:
    """The acronyms an English phrase may give: every word's initial, and without the small words."""
    words = [word for word in re.split(r"[\s\-]+", english.lower()) if word]
    return {"".join(w[0] for w in words), "".join(w[0] for w in words if w not in _SMALL_WORDS)}


@lru_cache(maxsize=256)
def _english_form(phrase: str) -> re.Pattern[str]:
    words = r"[\s\-]+".join(re.escape(word) for word in re.split(r"[\s\-]+", phrase) if word)
    return re.compile(rf"(?<![A-Za-z0-9]){words}(?:s|es)?(?![A-Za-z0-9])", re.IGNORECASE)


#: TeX operators a model writes by name without the backslash; only these are repaired.
TEX_WORDS = ("times", "leq", "geq", "le", "ge", "neq", "approx", "simeq", "sim", "pm", "cdot", "div", "propto")
# A LaTeX span or URL of the reply is left as written: "$\\leq 5$" is the verbatim span, not a slip.
_LEAVE_RE = re.compile(f"{LATEX_RE.pattern}|{URL_RE.pattern}")
_GREEK = "α-ωΑ-Ωϵϑϕϱς"
_NUMBER_RE = re.compile(r"[-+−]?\.?\d[\d.,]*")


@lru_cache(maxsize=32)
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z\\])\\?{word}(?![A-Za-z])")


def _operand_before(text: str) -> bool:
    """Whether `text` ends (one space allowed) with what an operator follows: a number, a Greek or lone Latin
    letter (a variable), a closing bracket."""
    text = text.removesuffix(" ")
    if not text:
        return False
    last = text[-1]
    if last.isdigit() or last in ")]}|′'" or re.match(f"[{_GREEK}]", last):
        return True
    return _latin(last) and not (len(text) > 1 and _latin(text[-2]))


def _operand_after(text: str) -> bool:
    """Whether `text` starts (one space allowed) with an operand; a number followed by letters (sim2real) is a
    name, not an operand."""
    text = text.removeprefix(" ")
    number = _NUMBER_RE.match(text)
    if number:
        return not _latin(text[number.end() : number.end() + 1])
    if not text:
        return False
    if re.match(f"[{_GREEK}(]", text[0]):
        return True
    return _latin(text[0]) and not (len(text) > 1 and _latin(text[1]))


def _latin(char: str) -> bool:
    return len(char) == 1 and char.isascii() and char.isalpha()


def repair_tex_words(source: str, text: str, field: str) -> tuple[str, list[str]]:
    """`text` with each TeX word of the source's operators written without its backslash (or glued to a number)
    where it stands as an operator, next to a number or variable (8times, ε leq δ, approx 0.9, \\leq5), written
    as the operator's character; and a note per word repaired. Words that only look like one (sim-to-real,
    sim2real) and the reply's own LaTeX spans and URLs are left alone."""
    words = [w for w in TEX_WORDS if re.search(rf"\\{w}(?![A-Za-z])", source) and w in text]
    if not words:
        return text, []
    notes: list[str] = []
    pieces, last = [], 0
    for kept in _LEAVE_RE.finditer(text):
        pieces.append((text[last : kept.start()], True))
        pieces.append((kept.group(0), False))
        last = kept.end()
    pieces.append((text[last:], True))
    for word in words:
        symbol = latex_as_unicode(f"$\\{word}$")
        slips: list[str] = []

        def operator(match: re.Match[str], symbol: str = symbol, slips: list[str] = slips) -> str:
            piece = match.string
            if _operand_before(piece[: match.start()]) or _operand_after(piece[match.end() :]):
                slips.append(match.group(0))
                return symbol
            return match.group(0)

        if not symbol:
            continue
        pattern = _word_pattern(word)
        pieces = [(pattern.sub(operator, piece) if open_ else piece, open_) for piece, open_ in pieces]
        if slips:
            notes.append(f"{field}: TeX \\{word} written as {slips[0]!r}, repaired to {symbol}")
    return "".join(piece for piece, _ in pieces), notes
