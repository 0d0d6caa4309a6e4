"""Finding the translation in what a real model server writes back.

The prompt asks for one JSON object; real servers wrap it:

- reasoning models (Qwen3, DeepSeek-R1, QwQ) served by Ollama, LM Studio, llama.cpp or vLLM without a reasoning
  parser put their thinking first, as ``<think> ... </think>``; when the chat template opened the block itself,
  only the closing ``</think>`` is in the reply. The thinking may hold drafts of the JSON, braces and all;
- gpt-oss on a server that does not parse its channels leaks them: ``<|channel|>analysis<|message|>...<|end|>
  <|start|>assistant<|channel|>final<|message|>{...}`` (johnbean393/Sidekick#75, kekzl/imp#768);
- many models say a sentence before or after the object ("以下是翻译：", "Hope this helps"), or fence it in
  ```` ```json ````, anywhere in the reply;
- without JSON mode, a model copies the source's LaTeX into a JSON string unescaped: ``"$\\alpha$"`` is an
  invalid escape, and ``"$\\times$"`` a valid one (a tab, then "imes"). A backslash that starts no JSON escape,
  or that starts a macro the source has (\\times, \\beta, \\nabla), is read as the backslash it stands for.

`reply_object` sets the reasoning aside (a block the reply starts with, up to its ``</think>``, or everything
before a lone ``</think>``; a ``<think>`` never closed means the answer never came), then tries every ``{`` as
the start of a JSON value with ``json.JSONDecoder.raw_decode`` and keeps the objects with a string "title" and
"abstract" that are not nested in another such object. One object (or the same object written twice, say once in
prose and once in a fence) is the reply; none is "not JSON"; two different ones are refused as ambiguous, since we
cannot tell which one the model meant.

Why a scanner rather than json-repair: json-repair turns anything into JSON. Given a reply cut off half-way it
closes the open string and braces and hands back a valid, shorter object, and given two objects it keeps one
without saying so. Broken replies must stay refused whatever such a library guesses; accepting only what the
standard ``json`` parser reads whole keeps "truncated" and "ambiguous" decidable, in a few lines of stdlib.
"""

from __future__ import annotations

import json
import re

from digest.translation.errors import TranslationError

REQUIRED_KEYS = ("title", "abstract")

_THINK_OPEN_RE = re.compile(r"<(think|thinking|reasoning)>", re.IGNORECASE)
_THINK_CLOSE_RE = re.compile(r"</(think|thinking|reasoning)>", re.IGNORECASE)
_HARMONY_FINAL = "<|channel|>final<|message|>"
_HARMONY_ANALYSIS_RE = re.compile(r"\s*(?:<\|start\|>assistant)?<\|channel\|>analysis<\|message\|>")
# A backslash and what it escapes: an escaped backslash, a \uXXXX escape, a word (a LaTeX macro or a valid escape
# letter followed by text), or any other character.
_ESCAPE_RE = re.compile(r"\\(\\|u[0-9a-fA-F]{4}|[A-Za-z]+|.|$)", re.DOTALL)
_UNICODE_ESCAPE_RE = re.compile(r"u[0-9a-fA-F]{4}")
# Where an object with keys may start; a brace of LaTeX (\frac{a}{b}) or an empty object cannot hold a translation.
_OBJECT_START_RE = re.compile(r'\{\s*"')
#: A reply opening more objects than this is no translation (and would cost a scan from each).
MAX_OBJECT_STARTS = 1000
_decoder = json.JSONDecoder()


def answer_start(content: str) -> int:
    """Where the answer begins: after a reasoning block the reply starts with, or after a lone closing tag (the
    template opened the block); 0 when there is none. TranslationError when a block is opened and never closed.

    Only a block at the very start counts: an abstract about reasoning models may well mention <think> itself."""
    if _HARMONY_FINAL in content:
        return content.rindex(_HARMONY_FINAL) + len(_HARMONY_FINAL)
    if _HARMONY_ANALYSIS_RE.match(content):
        raise TranslationError("reply is only reasoning: the analysis channel had no final message")
    first = len(content) - len(content.lstrip())
    opened = _THINK_OPEN_RE.match(content, first)
    closed = _THINK_CLOSE_RE.search(content, opened.end() if opened else first)
    if opened and not closed:
        raise TranslationError("reply is only reasoning: <think> was never closed, no answer followed")
    if closed is None or (not opened and _THINK_OPEN_RE.search(content, first, closed.start())):
        return 0
    return closed.end()


def latex_escaped(content: str, macros: frozenset[str] = frozenset()) -> str:
    """`content` with each backslash that starts no JSON escape, or starts one of the source's LaTeX `macros`
    (names without the backslash), doubled: the JSON then reads the backslash the model meant."""

    def escape(match: re.Match[str]) -> str:
        unit = match.group(1)
        if unit == "\\" or _UNICODE_ESCAPE_RE.fullmatch(unit):
            return match.group(0)
        if unit[:1].isalpha():
            if unit in macros or unit[0] not in "bfnrt":
                return "\\\\" + unit
            return match.group(0)
        return match.group(0) if unit in ('"', "/", "") else "\\\\" + unit

    return _ESCAPE_RE.sub(escape, content) if "\\" in content else content


def content_text(content: object) -> str:
    """The text of a reply's `message.content`: a string (null: empty), or Mistral's reasoning models' (Magistral)
    list of chunks, the thinking as {"type": "thinking", ...} and the answer as {"type": "text", "text": ...}
    (spring-ai#5020): the text chunks joined. Anything else (a number, true, an object, a list with no text chunk)
    is a refused reply (TranslationError, asked again with the reason), like any reply that holds no translation."""
    if content is None or isinstance(content, str):
        return content or ""
    if isinstance(content, list):
        texts = [
            part["text"]
            for part in content
            if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str)
        ]
        if texts or not content:
            return "".join(texts)
        raise TranslationError("reply content is not text: a list with no text chunk")
    raise TranslationError(f"reply content is not text: {_json_kind(content)}")


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def reply_object(content: str | None, macros: frozenset[str] = frozenset()) -> dict:
    """The one JSON object of the reply that has the required keys (see the module docstring); `macros` are the
    names of the source's LaTeX macros, whose backslash a model may have left unescaped."""
    if content is not None and not isinstance(content, str):
        content_text(content)  # raises for anything that is not text, naming what it is
    if not content or not content.strip():
        raise TranslationError("reply is not JSON: the content is empty")
    content = latex_escaped(content, macros)
    start = answer_start(content)
    found: list[tuple[int, int, dict]] = []  # (start, end, object) of each object with the required keys
    for tried, match in enumerate(_OBJECT_START_RE.finditer(content)):
        if tried == MAX_OBJECT_STARTS:
            raise TranslationError(f"reply is not JSON: over {MAX_OBJECT_STARTS} objects, not one translation")
        position = match.start()
        try:
            value, end = _decoder.raw_decode(content, position)
        except (ValueError, RecursionError):
            continue
        # An object that ends inside the reasoning is a draft; one that runs past a lone closing tag holds the
        # tag in a string (the answer quoting an abstract about <think> tokens).
        if end > start and isinstance(value, dict) and _has_required_keys(value):
            found.append((position, end, value))
    outermost = [item for item in found if not any(o[0] < item[0] and item[1] <= o[1] for o in found)]
    distinct: list[dict] = []
    for _, _, value in outermost:
        if value not in distinct:
            distinct.append(value)
    if len(distinct) > 1:
        raise TranslationError(f"reply is ambiguous: {len(distinct)} different objects with a title and abstract")
    if distinct:
        return distinct[0]
    return _why_not(content[start:])


def _has_required_keys(value: dict) -> bool:
    return all(isinstance(value.get(key), str) for key in REQUIRED_KEYS)


def _why_not(text: str) -> dict:
    """The most useful refusal for a reply without a usable object (what the model is told on the retry)."""
    stripped = text.strip()
    try:
        whole = json.loads(_unfenced(stripped))
    except RecursionError:
        raise TranslationError("reply is not JSON: nested too deep") from None
    except ValueError as error:
        raise TranslationError(f"reply is not JSON: {error}") from None
    if not isinstance(whole, dict):
        raise TranslationError("reply is not a JSON object")
    raise TranslationError("reply lacks a string 'title' and 'abstract'")


def _unfenced(text: str) -> str:
    if text.startswith("```"):
        text = re.sub(r"^```[a-zA-Z]*\s*|\s*```$", "", text)
    return text
