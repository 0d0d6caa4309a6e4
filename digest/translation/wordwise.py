"""Conversion word by word: the Simplified text is cut into words, and each word (or each run of whole words that
a table entry names) is converted on its own, so no rule can reach across a word boundary.

For each position in the word sequence, in order:
1. the longest run of whole words that is a table entry (a glossary rendering first, then, between those, a
   phrase of the phrase table; the variant form of either maps to itself) becomes the entry's form: 大模型
   matches in 大模型的能力 (大模型 | 的 | 能力) but not in 在扩大模型规模 (在 | 扩大 | 模型 | 规模), where it would
   start inside 扩大;
2. of the other words, one whose form depends on its role (roles.py: 通过 as 透過 or 通過 in Taiwan) takes it;
3. any other word goes to OpenCC alone. All of a text's words go to OpenCC in one call, joined by a separator
   that does not occur in the text: OpenCC's dictionaries hold no key with such a character, so a match cannot
   cross it, which makes the single call the same as one call per word at a fraction of the cost. The pieces
   are checked to come back one per word; if not, each word is converted alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from digest.translation.roles import role_form

#: Characters that never occur in OpenCC's dictionaries; the first one absent from a text joins its words.
SEPARATORS = ("\n", "\x1f", "\x1e", "\x1d", "\x1c", "\u2063")


class Piece(NamedTuple):
    """One word of the Simplified text (or the words one table entry spans) and what a reader sees for it. A tuple:
    an abstract makes a few hundred of them per variant."""

    source: str
    text: str
    rule: str  # "entry" (glossary or phrase table), "role", "opencc", "verbatim"


@dataclass(frozen=True, eq=False)
class Entries:
    """A variant's table entries: Simplified phrase or variant form -> the form a reader sees, and every prefix of
    an entry (a run of words that is no prefix cannot grow into an entry: matching stops there). Hashed by
    identity: a table is built once per variant and edit (variants._entries) and is its own cache key."""

    forms: Mapping[str, str]
    prefixes: frozenset[str]

    @classmethod
    def of(cls, forms: Mapping[str, str]) -> Entries:
        return cls(forms, frozenset(key[:end] for key in forms for end in range(1, len(key) + 1)))


def match_words(words: list[str], tiers: Sequence[Entries], language: str) -> list[Piece]:
    """`words` as pieces: table entries and role words with their forms, every other word as an "opencc" piece
    whose text is still the Simplified word (convert_words converts them).

    Entries come in tiers: the glossary's are matched first, the phrase table's only between them, so an editor's
    glossary rendering wins even where a longer phrase contains it (视频 in 视频理解)."""
    count = len(words)
    spans: dict[int, tuple[int, str]] = {}  # start word -> (end word, form)
    covered = [False] * count
    for entries in tiers:
        forms, prefixes = entries.forms, entries.prefixes
        index = 0
        while index < count:
            best, run = 0, ""
            for end in range(index, count):
                if covered[end]:
                    break
                run += words[end]
                if run not in prefixes:
                    break
                if run in forms:
                    best = end + 1
            if best:
                spans[index] = (best, forms["".join(words[index:best])])
                covered[index:best] = [True] * (best - index)
                index = best
            else:
                index += 1
    pieces: list[Piece] = []
    index = 0
    while index < count:
        if index in spans:
            end, form = spans[index]
            pieces.append(Piece("".join(words[index:end]), form, "entry"))
            index = end
            continue
        role = role_form(words, index, language)
        if role is not None:
            pieces.append(Piece(words[index], role, "role"))
        else:
            pieces.append(Piece(words[index], words[index], "opencc"))
        index += 1
    return pieces


def convert_words(words: list[str], convert_plain: Callable[[str], str]) -> list[str]:
    """Each word through OpenCC on its own, in one call when a separator absent from the words exists."""
    if not words:
        return []
    text = "".join(words)
    for separator in SEPARATORS:
        if separator not in text:
            converted = convert_plain(separator.join(words)).split(separator)
            if len(converted) == len(words):
                return converted
            break
    return [convert_plain(word) for word in words]
