"""Checks every model reply before it is stored: a reply that fails is a TranslationError, never an email.

The rules (each failure names itself in the error, which goes back into the prompt on the retry and into the
admin when the paper stays English):

- the content is one JSON object with string "title" and "abstract" (a ```json fence is tolerated);
- neither is empty, nor the English source echoed back;
- no HTML tag, Markdown link, heading or bold, nor a control character, unless the source had them;
- mostly Chinese: the title has some CJK, the abstract at least one CJK character per two Latin letters;
- length within bounds of the source: Chinese runs at 0.26-0.44 of the English character count on the
  reference translations, so an abstract must be 0.15-1.0 times the source (+50), a title at most
  1.5 times (+20): a reply that loops or pads is refused;
- every LaTeX span ($...$, \\(...\\)), URL, arXiv id and number with a unit (7B, 32k, 85.3%, 2.5x, 10 ms)
  of the source appears in the translation (whitespace ignored);
- every glossary term that occurs in the source appears in its required form (verbatim or the fixed
  Simplified rendering) in the translated title or abstract.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from digest.translation.errors import TranslationError
from digest.translation.glossary import Glossary, missing_terms

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_LETTER_RE = re.compile(r"[A-Za-z]")
_LATEX_RE = re.compile(r"\$[^$]+\$|\\\(.+?\\\)")
# A URL, without the sentence's full stop after it.
_URL_RE = re.compile(r"https?://[^\s)\]}>,;\"'，。；）]*[^\s)\]}>,;\"'，。；）.]")
_ARXIV_ID_RE = re.compile(r"(?<![\d.])\d{4}\.\d{4,5}(?:v\d+)?(?![\d])")
# A number followed by a unit symbol or abbreviation. Words such as "billion" are left out on purpose:
# the prompt asks for 7180 亿 for "718 billion".
_NUMBER_WITH_UNIT_RE = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?\s?(?:%|×|x\b|[KMBT]\b|k\b|[KMGT]B\b|ms\b|GHz\b|MHz\b|FLOPs\b|fps\b|dB\b)"
)
_MARKUP_RE = re.compile(
    r"<\s*/?\s*[a-zA-Z!][^>]*>|\]\([a-z]+:|^\s*#{1,6}\s|\*\*|__\w|javascript:", re.MULTILINE | re.IGNORECASE
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")

#: Bounds on len(translation) / len(source); see the module docstring for where they come from.
ABSTRACT_MAX_RATIO, ABSTRACT_MIN_RATIO, TITLE_MAX_RATIO = 1.0, 0.15, 1.5


def parse_reply(content: str, source_title: str, source_abstract: str, glossary: Glossary = ()) -> tuple[str, str]:
    """Returns (title, abstract) from a chat-completions message content, or raises TranslationError."""
    try:
        data = json.loads(_strip_code_fence(content))
    except (TypeError, json.JSONDecodeError) as error:
        raise TranslationError(f"reply is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise TranslationError("reply is not a JSON object")
    title, abstract = data.get("title"), data.get("abstract")
    if not isinstance(title, str) or not isinstance(abstract, str):
        raise TranslationError("reply lacks a string 'title' and 'abstract'")
    title, abstract = title.strip(), abstract.strip()
    check_text(title, source_title, field="title")
    if source_abstract:
        check_text(abstract, source_abstract, field="abstract")
    missing = missing_terms(glossary, f"{source_title}\n{source_abstract}", f"{title}\n{abstract}")
    if missing:
        raise TranslationError(f"glossary terms not rendered as required: {', '.join(missing)}")
    return title, abstract


#: A TL;DR is one sentence: longer than this it is a second abstract, not a line to scan.
TLDR_MAX_CHARS = 120
MAX_MODEL_TOPICS = 3


def reply_extras(content: str, topic_slugs: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    """The optional "tldr" and "topics" of a reply parse_reply accepted, as (tldr, topic slugs).

    Both are optional (protocol v3) and neither is worth refusing a good translation for: a TL;DR that is not a
    short Chinese sentence without markup is dropped (no TL;DR is shown), and topics keep only the site's slugs,
    at most MAX_MODEL_TOPICS (rules then decide alone)."""
    data = json.loads(_strip_code_fence(content))
    tldr = data.get("tldr")
    tldr = " ".join(tldr.split()) if isinstance(tldr, str) else ""
    if tldr and (
        len(tldr) > TLDR_MAX_CHARS or not _CJK_RE.search(tldr) or _MARKUP_RE.search(tldr) or _CONTROL_RE.search(tldr)
    ):
        tldr = ""
    known = set(topic_slugs)
    raw_topics = data.get("topics")
    topics: list[str] = []
    if isinstance(raw_topics, list):
        for slug in raw_topics:
            if isinstance(slug, str) and slug.strip() in known and slug.strip() not in topics:
                topics.append(slug.strip())
    return tldr, tuple(topics[:MAX_MODEL_TOPICS])


def check_text(translated: str, source: str, *, field: str) -> None:
    if not translated:
        raise TranslationError(f"{field} is empty")
    if _normalize(translated).lower() == _normalize(source).lower():
        raise TranslationError(f"{field} is the English source echoed back")
    if _MARKUP_RE.search(translated) and not _MARKUP_RE.search(source):
        raise TranslationError(f"{field} contains HTML or Markdown")
    if _CONTROL_RE.search(translated):
        raise TranslationError(f"{field} contains control characters")
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
    kept = _normalize(translated)
    for pattern, what in (
        (_LATEX_RE, "LaTeX span"),
        (_URL_RE, "URL"),
        (_ARXIV_ID_RE, "arXiv id"),
        (_NUMBER_WITH_UNIT_RE, "number with unit"),
    ):
        for span in pattern.findall(source):
            if _normalize(span) not in kept:
                raise TranslationError(f"{field} dropped the {what} {span!r}")


def _normalize(text: str) -> str:
    return re.sub(r"\s+", "", text).rstrip(".")


def _strip_code_fence(content: str) -> str:
    text = (content or "").strip()
    if text.startswith("```"):
        text = re.sub(r"^```[a-zA-Z]*\s*|\s*```$", "", text)
    return text
