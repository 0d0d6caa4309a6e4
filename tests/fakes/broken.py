"""Deliberately broken model replies, made from a good translation: what validation must refuse.

Each breaker takes (source title, source abstract, good translation) and returns the reply content, or
None when it does not apply to that paper (no LaTeX to drop, say). Used by the validation tests and by
bench/translation_bench.py to report the refusal rate; tests/translation/corpus/rates.py also wraps each in the
shapes real servers send (tests/fakes/llm_servers.py), which must not make a broken reply acceptable.

A JSON object inside prose is no longer among them: real servers send it so, and the object is found.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from digest.translation.spans import LATEX_RE as _LATEX_RE
from digest.translation.spans import NUMBER_WITH_UNIT_RE as _NUMBER_WITH_UNIT_RE
from digest.translation.spans import URL_RE as _URL_RE

Breaker = Callable[[str, str, dict[str, str]], str | None]


def _reply(title: str, abstract: str) -> str:
    return json.dumps({"title": title, "abstract": abstract}, ensure_ascii=False)


def _drop_first(pattern: re.Pattern[str], *, digits_gone: bool = False) -> Breaker:
    """Drops the first span of `pattern` that the good translation has verbatim. With `digits_gone`, only a
    span whose digits then occur nowhere else (a number also written as 1500 万 is not lost)."""

    def breaker(title: str, abstract: str, good: dict[str, str]) -> str | None:
        for span in pattern.findall(abstract):
            compact = re.sub(r"\s+", "", span)
            broken = re.sub(r"\s*".join(map(re.escape, compact)), "", good["abstract"])
            # A translation that wrote the span another way ($\\times$ as 倍) has nothing to drop here.
            if broken == good["abstract"]:
                continue
            if digits_gone and any(number in broken for number in re.findall(r"\d+(?:\.\d+)?", span)):
                continue
            return _reply(good["title"], broken)
        return None

    return breaker


#: What a model may write for "LLM" that is not the acronym nor a rendering of it: a vaguer "large model".
_LLM_RENDERINGS_RE = re.compile(r"LLM|大型语言模型|大语言模型|大规模语言模型")


def _llm_dropped(title: str, abstract: str, good: dict[str, str]) -> str | None:
    """LLM and every Chinese rendering of it written as 大模型 ("large model"): the name is gone."""
    if not re.search(r"\bLLMs?\b", title + " " + abstract):
        return None
    return _reply(_LLM_RENDERINGS_RE.sub("大模型", good["title"]), _LLM_RENDERINGS_RE.sub("大模型", good["abstract"]))


def _two_translations(title: str, abstract: str, good: dict[str, str]) -> str:
    """A model offering two versions: which one it meant cannot be known."""
    second = {"title": "另译：" + good["title"], "abstract": good["abstract"]}
    return _reply(good["title"], good["abstract"]) + "\n\n或者：\n" + json.dumps(second, ensure_ascii=False)


#: Breakers that are themselves a whole reply's shape (a reasoning block): not wrapped in the server shapes again.
WHOLE_REPLY = frozenset({"reasoning never closed", "answer only inside the reasoning"})


def _cut(content: str, fraction: float) -> str:
    """The first `fraction` of a reply: a server that stopped sending, or a model stopped at its token limit."""
    return content[: int(len(content) * fraction)]


BREAKERS: dict[str, Breaker] = {
    "not an object": lambda t, a, g: json.dumps([g["title"], g["abstract"]], ensure_ascii=False),
    "missing abstract": lambda t, a, g: json.dumps({"title": g["title"]}, ensure_ascii=False),
    "empty abstract": lambda t, a, g: _reply(g["title"], ""),
    "English echoed": lambda t, a, g: _reply(t, a),
    "English with a Chinese tail": lambda t, a, g: _reply(g["title"], a + "（译文）"),
    "truncated to a tenth": lambda t, a, g: _reply(g["title"], g["abstract"][: len(g["abstract"]) // 10]),
    "repeated four times": lambda t, a, g: _reply(g["title"], g["abstract"] * 4),
    "script tag": lambda t, a, g: _reply(g["title"], g["abstract"] + "<script>alert(1)</script>"),
    "Markdown link": lambda t, a, g: _reply(g["title"], g["abstract"] + "[详情](https://evil.example)"),
    "Markdown bold": lambda t, a, g: _reply(f"**{g['title']}**", g["abstract"]),
    "control character": lambda t, a, g: _reply(g["title"], g["abstract"] + "\u202e"),
    "private-use character": lambda t, a, g: _reply(g["title"], g["abstract"].replace("，", "\ue000", 1)),
    "dropped LaTeX": _drop_first(_LATEX_RE),
    "dropped URL": _drop_first(_URL_RE),
    "dropped number with unit": _drop_first(_NUMBER_WITH_UNIT_RE, digits_gone=True),
    "dropped LLM": _llm_dropped,
    # What real servers send when the answer is not there or not whole.
    "two different translations": _two_translations,
    "cut off mid-string": lambda t, a, g: _cut(_reply(g["title"], g["abstract"]), 0.5),
    "cut off inside a fence": lambda t, a, g: "```json\n" + _reply(g["title"], g["abstract"])[:-3],
    "reasoning never closed": lambda t, a, g: "<think>\n先想想怎么译。\n" + _reply(g["title"], g["abstract"]),
    "answer only inside the reasoning": lambda t, a, g: (
        "<think>\n" + _reply(g["title"], g["abstract"]) + "\n</think>\n\n翻译见上。"
    ),
}
