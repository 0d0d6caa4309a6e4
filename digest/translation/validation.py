"""Checks every model reply before it is stored: hard failures are refused, soft deviations accepted.

Refused (a TranslationError, retried with the reason in the prompt; the paper stays English if every attempt
fails) is only what hurts a reader:

- the content holds no JSON object with string "title" and "abstract", or two different ones (reply_json.py:
  a reasoning block, prose and a ```json fence around the object are what real servers send, and ignored);
- either is empty, or the English source echoed back;
- an HTML tag, Markdown link, heading or bold, a control, bidi or private-use character, unless the source had it;
- not mostly Chinese: the title has some CJK, the abstract at least one CJK character per two Latin letters;
- length outside bounds of the source: Chinese runs at 0.26-0.44 of the English character count on the
  reference translations, so an abstract must be 0.15-1.0 times the source (+50), a title at most
  1.5 times (+20); and a whole sentence said three times: a reply that loops, pads or stops half-way is refused;
- a URL, arXiv id, number with a unit or LaTeX span of the source found in no accepted form (spans.py);
- an acronym the glossary keeps verbatim and case-sensitive (LLM, CLIP) missing: a lost name.

Accepted, repaired where a rule can do it safely, and flagged for an editor (`CheckedReply.review_reasons`):
a glossary term in a known variant (replaced by the required form) or in another rendering, an acronym kept
verbatim by the glossary but translated by its Chinese term (repairs.py), a LaTeX span written as the Unicode it
stands for, and a TeX operator that lost its backslash next to a number (8times for 8$\\times$, made 8×).
A number whose unit is worded differently (60k as 6 万) is verified equal arithmetically and not flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from digest.translation.errors import TranslationError
from digest.translation.glossary import Glossary
from digest.translation.repairs import repair_glossary, repair_tex_words
from digest.translation.reply_json import reply_object
from digest.translation.spans import compact, missing_spans, unicode_latex

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_LETTER_RE = re.compile(r"[A-Za-z]")
_MARKUP_RE = re.compile(
    r"<\s*/?\s*[a-zA-Z!][^>]*>|\]\([a-z]+:|^\s*#{1,6}\s|\*\*|__\w|javascript:", re.MULTILINE | re.IGNORECASE
)
# Controls (tab and newlines allowed), bidi overrides and isolates, and private-use code points (which would
# also collide with the placeholders the variant conversion uses).
_CONTROL_RE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ue000-\uf8ff\U000f0000-\U0010ffff]"
)

_MACRO_RE = re.compile(r"\\([A-Za-z]+)")
_SENTENCE_END_RE = re.compile(r"[。！？；!?;\n]|\.\s")

#: Bounds on len(translation) / len(source); see the module docstring for where they come from.
ABSTRACT_MAX_RATIO, ABSTRACT_MIN_RATIO, TITLE_MAX_RATIO = 1.0, 0.15, 1.5


@dataclass(frozen=True)
class CheckedReply:
    title: str
    abstract: str
    review_reasons: tuple[str, ...] = ()  # soft deviations accepted (and repaired where a rule could)


def check_reply(content: str, source_title: str, source_abstract: str, glossary: Glossary = ()) -> CheckedReply:
    """The accepted (possibly repaired) title and abstract with the reasons to review them, or TranslationError
    naming the first hard failure."""
    data = reply_object(content, frozenset(_MACRO_RE.findall(f"{source_title}\n{source_abstract}")))
    reasons: list[str] = []
    title, title_notes = repair_tex_words(source_title, data["title"].strip(), "title")
    abstract, abstract_notes = repair_tex_words(source_abstract, data["abstract"].strip(), "abstract")
    reasons += title_notes + abstract_notes
    check_text(title, source_title, field="title", reasons=reasons)
    if source_abstract:
        check_text(abstract, source_abstract, field="abstract", reasons=reasons)
    repair = repair_glossary(glossary, f"{source_title}\n{source_abstract}", title, abstract)
    if repair.lost_names:
        raise TranslationError(f"lost the names kept verbatim by the glossary: {', '.join(repair.lost_names)}")
    return CheckedReply(repair.title, repair.abstract, tuple(dict.fromkeys([*reasons, *repair.notes])))


#: A TL;DR is one sentence: longer than this it is a second abstract, not a line to scan.
TLDR_MAX_CHARS = 120
MAX_MODEL_TOPICS = 3


def checked_tldr(value: object, title: str = "") -> str:
    """A TL;DR as readers may see it (space folded), or "" for one that is not a short, mostly Chinese sentence
    (as an abstract must be) without markup, or that only repeats the title: a model's, or one shipped with the
    reference translations."""
    tldr = " ".join(value.split()) if isinstance(value, str) else ""
    cjk = len(_CJK_RE.findall(tldr))
    if tldr and (
        len(tldr) > TLDR_MAX_CHARS
        or cjk == 0
        or cjk < len(_LATIN_LETTER_RE.findall(tldr)) / 2
        or _MARKUP_RE.search(tldr)
        or _CONTROL_RE.search(tldr)
        or compact(tldr).rstrip("。.") == compact(title).rstrip("。.")
    ):
        return ""
    return tldr


def reply_extras(content: str, topic_slugs: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    """The optional "tldr" and "topics" of a reply parse_reply accepted, as (tldr, topic slugs).

    Both are optional (protocol v3) and neither is worth refusing a good translation for: a TL;DR that is not a
    short Chinese sentence without markup is dropped (no TL;DR is shown), and topics keep only the site's slugs,
    at most MAX_MODEL_TOPICS (rules then decide alone)."""
    data = reply_object(content)
    title = data.get("title")
    tldr = checked_tldr(data.get("tldr"), title if isinstance(title, str) else "")
    known = set(topic_slugs)
    raw_topics = data.get("topics")
    topics: list[str] = []
    if isinstance(raw_topics, list):
        for slug in raw_topics:
            if isinstance(slug, str) and slug.strip() in known and slug.strip() not in topics:
                topics.append(slug.strip())
    return tldr, tuple(topics[:MAX_MODEL_TOPICS])


def parse_reply(content: str, source_title: str, source_abstract: str, glossary: Glossary = ()) -> tuple[str, str]:
    """(title, abstract) of an accepted reply; see check_reply."""
    checked = check_reply(content, source_title, source_abstract, glossary)
    return checked.title, checked.abstract


def check_text(translated: str, source: str, *, field: str, reasons: list[str] | None = None) -> None:
    """Raises TranslationError on a hard failure; appends soft deviations to `reasons`."""
    if not translated:
        raise TranslationError(f"{field} is empty")
    if compact(translated).lower() == compact(source).lower():
        raise TranslationError(f"{field} is the English source echoed back")
    if _MARKUP_RE.search(translated) and not _MARKUP_RE.search(source):
        raise TranslationError(f"{field} contains HTML or Markdown")
    if _CONTROL_RE.search(translated):
        raise TranslationError(f"{field} contains control or private-use characters")
    cjk = len(_CJK_RE.findall(translated))
    latin = len(_LATIN_LETTER_RE.findall(translated))
    # Titles may be mostly names ("Absolute Zero：..."), so they need only some Chinese.
    if cjk == 0 or (field == "abstract" and cjk < latin / 2):
        raise TranslationError(f"{field} is not mostly Chinese ({cjk} CJK characters, {latin} Latin letters)")
    max_length = ABSTRACT_MAX_RATIO * len(source) + 50 if field == "abstract" else TITLE_MAX_RATIO * len(source) + 20
    if len(translated) > max_length:
        raise TranslationError(f"{field} is too long ({len(translated)} characters for {len(source)})")
    if field == "abstract" and len(translated) < ABSTRACT_MIN_RATIO * len(source):
        raise TranslationError(f"{field} is too short ({len(translated)} characters for {len(source)})")
    repeated = _repeated_sentence(translated, times=3)
    if repeated and not _repeated_sentence(source, times=2):
        raise TranslationError(f"{field} repeats itself ({repeated[:30]!r}...)")
    lost = missing_spans(source, translated)
    if lost:
        kind, span = lost[0]
        raise TranslationError(f"{field} dropped the {kind} {span!r}")
    if reasons is not None:
        reasons.extend(f"{field}: LaTeX {span} written as {text}" for span, text in unicode_latex(source, translated))


def _repeated_sentence(text: str, *, times: int) -> str:
    """A sentence (12 characters or more) said `times` times or more. A translation saying one sentence three
    times is a model that loops, even within the length bound, unless the source itself repeats."""
    counts: dict[str, int] = {}
    for sentence in _SENTENCE_END_RE.split(text):
        sentence = sentence.strip()
        if len(sentence) >= 12:
            counts[sentence] = counts.get(sentence, 0) + 1
            if counts[sentence] >= times:
                return sentence
    return ""
