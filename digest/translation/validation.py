"""Checks every model reply before it is stored: a reply that fails is a TranslationError, never an email."""

from __future__ import annotations

import json
import re

from .errors import TranslationError

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_LETTER_RE = re.compile(r"[A-Za-z]")
_LATEX_RE = re.compile(r"\$[^$]+\$|\\\(.+?\\\)")
_URL_RE = re.compile(r"https?://[^\s)\]}>,;\"']+")
_MARKUP_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|\]\(https?://|^\s*#{1,6}\s|\*\*", re.MULTILINE)


def parse_reply(content: str, source_title: str, source_abstract: str) -> tuple[str, str]:
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
    return title, abstract


def check_text(translated: str, source: str, *, field: str) -> None:
    if not translated:
        raise TranslationError(f"{field} is empty")
    if translated == source.strip():
        raise TranslationError(f"{field} is the English source echoed back")
    if _MARKUP_RE.search(translated) and not _MARKUP_RE.search(source):
        raise TranslationError(f"{field} contains HTML or Markdown")
    cjk = len(_CJK_RE.findall(translated))
    latin = len(_LATIN_LETTER_RE.findall(translated))
    # Titles may be mostly names ("Absolute Zero：..."), so they need only some Chinese.
    if cjk == 0 or (field == "abstract" and cjk < latin / 2):
        raise TranslationError(f"{field} is not mostly Chinese ({cjk} CJK characters, {latin} Latin letters)")
    if len(translated) > 2.0 * len(source) + 50:
        raise TranslationError(f"{field} is too long ({len(translated)} characters for {len(source)})")
    if field == "abstract" and len(translated) < 0.15 * len(source):
        raise TranslationError(f"{field} is too short ({len(translated)} characters for {len(source)})")
    for pattern, what in ((_LATEX_RE, "LaTeX span"), (_URL_RE, "URL")):
        for span in pattern.findall(source):
            if _normalize(span) not in _normalize(translated):
                raise TranslationError(f"{field} dropped the {what} {span!r}")


def _normalize(text: str) -> str:
    return re.sub(r"\s+", "", text).rstrip(".")


def _strip_code_fence(content: str) -> str:
    text = (content or "").strip()
    if text.startswith("```"):
        text = re.sub(r"^```[a-zA-Z]*\s*|\s*```$", "", text)
    return text
