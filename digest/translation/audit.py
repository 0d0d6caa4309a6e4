"""The conversion audit: where the Taiwan or Hong Kong text of a paper still carries a mainland-only form, and
where the conversion added or dropped a character it had no rule for.

The watch list (phrases/watchlist.tsv) names forms that should not reach a reader of a variant (魯棒, 推匯出,
線上段上, 回撥, 大語言模型 ...) with the preferred form. A form counts where it spans whole converted words: 大模型
is a hit in 大模型的能力 but not in 擴大|模型 (correct text that a character search flagged). An editor runs
`manage.py audit_variants --date D` before sending and fixes what it lists (an editor's translation, a
VariantPhrase, or a glossary rendering). The same audit of plain OpenCC output ("before") against the project's
conversion ("after") shows what the phrase table buys.

Round trips: a conversion changes script and vocabulary, never the number of characters of a word, except where
a table entry says so (大模型 -> 大型模型). So the variant text is converted back to Simplified (OpenCC tw2sp for
Taiwan, which also undoes Taiwan vocabulary such as 記憶體 -> 内存; hk2s for Hong Kong) and compared with the
source character by character: a character added or dropped is a slip unless it lies inside a table entry that
spans whole words of the source (扩大模型 -> 擴大型模型 -> 扩大型模型 adds 型 where 大模型 starts inside 扩大).
Each changed piece is converted back on its own, so that OpenCC's way back cannot read across words either. The
audit reports slips of the conversion that phrases matched by character strings gave ("before",
PhraseTable.apply) and of the word-wise conversion ("after"). What the segmenter itself cuts wrongly is not seen
here; the word-wise conversion is checked against its own words.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from pathlib import Path

import opencc

from digest.translation.glossary import Glossary, active_glossary
from digest.translation.phrases import PhraseTable, active_phrases, convert_quotes, watch_list
from digest.translation.variants import conversion_pieces, conversion_words, convert
from digest.translation.wordwise import convert_words

VARIANTS = ("zh-Hant-TW", "zh-Hant-HK")
#: OpenCC's way back to Simplified per variant (with the variant's vocabulary undone).
BACK_TO_SIMPLIFIED = {"zh-Hant-TW": "tw2sp", "zh-Hant-HK": "hk2s"}
#: A piece longer than this is shown around the slip only.
SHOWN = 12
#: Fields of a summary row (tests/fixtures/zh_corpus) read as one text each.
SUMMARY_FIELDS = ("tldr", "motivation", "method", "result", "conclusion")


@dataclass(frozen=True)
class Hit:
    language: str
    form: str
    preferred: str
    count: int
    context: str  # the first occurrence with a few characters around it


@dataclass(frozen=True)
class Slip:
    """A character the conversion added or dropped outside a table entry."""

    language: str
    kind: str  # "insertion" or "drop"
    source: str  # the Simplified words where it happened
    back: str  # the same place in the variant text converted back to Simplified
    characters: str  # what was added or dropped


@dataclass
class PaperAudit:
    label: str  # arXiv id
    hits: list[Hit] = field(default_factory=list)  # in the project's conversion
    before: int = 0  # watch-list occurrences in plain OpenCC output, both variants
    after: int = 0  # the same in the project's conversion
    slips: list[Slip] = field(default_factory=list)  # round-trip slips of the project's conversion
    slips_before: int = 0  # round-trip slips of phrases matched by character strings, both variants


def watch_hits(text: str, language: str, boundaries: frozenset[int] | None = None) -> list[Hit]:
    """Every watch-listed form of `language` in `text` (longest forms first; a shorter form inside a longer hit,
    such as 回撥 inside 回撥函式, is not counted twice). With `boundaries` (the offsets where the text's words
    begin and end), a form counts only where it starts and ends on them."""
    hits, taken = [], text
    for item in sorted((w for w in watch_list() if w.language == language), key=lambda w: len(w.form), reverse=True):
        starts = _occurrences(taken, item.form)
        if boundaries is not None:
            starts = [at for at in starts if at in boundaries and at + len(item.form) in boundaries]
        if not starts:
            continue
        at = starts[0]
        context = text[max(0, at - 6) : at + len(item.form) + 6]
        hits.append(Hit(language, item.form, item.preferred, len(starts), context))
        for start in starts:
            taken = taken[:start] + "\0" * len(item.form) + taken[start + len(item.form) :]
    return hits


def _occurrences(text: str, form: str) -> list[int]:
    starts, at = [], text.find(form)
    while at != -1:
        starts.append(at)
        at = text.find(form, at + len(form))
    return starts


_local = threading.local()


def _back(language: str) -> opencc.OpenCC:
    cache = _local.__dict__.setdefault("converters", {})
    config = BACK_TO_SIMPLIFIED[language]
    if config not in cache:
        cache[config] = opencc.OpenCC(config)
    return cache[config]


def boundaries_of(words: Iterable[str]) -> frozenset[int]:
    """The offsets where consecutive `words` begin and end."""
    offsets, at = {0}, 0
    for word in words:
        at += len(word)
        offsets.add(at)
    return frozenset(offsets)


def round_trip_slips(
    text: str, pieces: list[tuple[str, str, str]], language: str, words: frozenset[int] | None = None
) -> list[Slip]:
    """The characters a conversion of `text` added or dropped, piece by piece: `pieces` are (Simplified piece,
    converted piece, rule) in order, rule "entry" for a table entry, "verbatim" for text kept as written, anything
    else for OpenCC's or a role's work.

    A piece that keeps its length added and dropped nothing. A piece that changed length is converted back to
    Simplified on its own (tw2sp, hk2s): a vocabulary swap comes back as the source (記憶體 -> 内存), a slip does
    not. A table entry may change length (大模型 -> 大型模型) where it spans whole words of the source; an entry
    matched inside a word (大模型 in 扩大|模型, by character strings) is checked like any other piece. `words` are
    the offsets where the source's words begin and end (the conversion's words); by default the pieces' own ends,
    which is right for the word-wise conversion, whose pieces are words."""
    boundaries = words if words is not None else boundaries_of(source for source, _, _ in pieces)
    changed: list[tuple[int, str, str]] = []
    offset = 0
    for source, converted, rule in pieces:
        start, offset = offset, offset + len(source)
        if rule == "verbatim" or len(converted) == len(source):
            continue
        if rule == "entry" and start in boundaries and offset in boundaries:
            continue
        changed.append((start, source, converted))
    if not changed:
        return []
    backs = convert_words([converted for _, _, converted in changed], _back(language).convert)
    slips = []
    for (start, source, _), back in zip(changed, backs, strict=True):
        if len(back) == len(source):
            continue
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, source, back, autojunk=False).get_opcodes():
            if tag == "equal" or i2 - i1 == j2 - j1:
                continue
            kind = "insertion" if j2 - j1 > i2 - i1 else "drop"
            characters = back[j1:j2] if kind == "insertion" else source[i1:i2]
            left, right = _words_around(boundaries, start + i1, start + i2)
            if len(source) <= SHOWN:
                shown = text[left:start] + back + text[start + len(source) : right]
            else:  # a long run converted in one piece (phrases matched by strings): the place only
                shown = back[max(0, j1 - 4) : j2 + 4]
            slips.append(Slip(language, kind, text[left:right], shown, characters))
    return slips


def _words_around(boundaries: frozenset[int], i1: int, i2: int) -> tuple[int, int]:
    """The span of the words touching text[i1:i2], with one more word on each side."""
    ordered = sorted(boundaries)
    before = [b for b in ordered if b <= i1]
    after = [b for b in ordered if b >= i2]
    return (before[-2] if len(before) > 1 else before[0]), (after[1] if len(after) > 1 else after[-1])


def convert_by_strings(text: str, language: str, phrases: PhraseTable) -> str:
    """The conversion as it was before it respected words: phrases matched in the character string, OpenCC over
    the rest (the "before" of the round-trip figures)."""
    return convert_quotes(phrases.apply(text, language, convert))


def audit_texts(
    papers: Iterable[tuple[str, str, str]], glossary: Glossary | None = None, phrases: PhraseTable | None = None
) -> list[PaperAudit]:
    """(label, Simplified title, Simplified abstract) -> the watch-list hits and round-trip slips per paper,
    before and after. The tables in force unless given."""
    glossary = active_glossary() if glossary is None else glossary
    phrases = active_phrases() if phrases is None else phrases
    results = []
    for label, title, abstract in papers:
        audit = PaperAudit(label)
        for language in VARIANTS:
            for text in (title, abstract):
                if not text:
                    continue
                audit.before += sum(h.count for h in watch_hits(convert(text, language), language))
                pieces = conversion_pieces(text, language, glossary, phrases)
                converted = convert_quotes("".join(piece.text for piece in pieces))
                offsets, at = {0}, 0
                for piece in pieces:
                    at += len(piece.text)
                    offsets.add(at)
                hits = watch_hits(converted, language, frozenset(offsets))
                audit.hits = _merged(audit.hits, hits)
                audit.after += sum(h.count for h in hits)
                words = boundaries_of(conversion_words(text, language, glossary, phrases))
                triples = [(piece.source, piece.text, piece.rule) for piece in pieces]
                audit.slips.extend(round_trip_slips(text, triples, language, words))
                old = [
                    (source, converted, "entry" if phrase else "opencc")
                    for source, converted, phrase in phrases.string_pieces(text, language, convert)
                ]
                audit.slips_before += len(round_trip_slips(text, old, language, words))
        results.append(audit)
    return results


def _merged(hits: list[Hit], more: list[Hit]) -> list[Hit]:
    """Hits of one paper's title and abstract as one list: one hit per variant and form, counts added."""
    merged = {(hit.language, hit.form): hit for hit in hits}
    for hit in more:
        known = merged.get((hit.language, hit.form))
        merged[(hit.language, hit.form)] = replace(known, count=known.count + hit.count) if known else hit
    return list(merged.values())


def load_texts(path: Path) -> list[tuple[str, str, str]]:
    """Simplified texts to audit: a JSON object {arxiv_id: {title, abstract}} (the shipped translations), or JSON
    lines (optionally gzipped) with an id and either title/abstract or a summary's fields (tests/fixtures/zh_corpus:
    the tldr read as the title, the other fields as the abstract)."""
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        return [(key, value["title"], value["abstract"]) for key, value in data.items()]
    opener = gzip.open if path.suffix == ".gz" else open
    papers = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            if "title" in row:
                papers.append((row["id"], row["title"], row.get("abstract", "")))
            else:
                rest = "\n".join(row[f] for f in SUMMARY_FIELDS[1:] if row.get(f))
                papers.append((row["id"], row.get(SUMMARY_FIELDS[0], ""), rest))
    return papers
