"""Deliberately broken model replies, made from a good translation: what validation must refuse.

Each breaker takes (source title, source abstract, good translation) and returns the reply content, or
None when it does not apply to that paper (no LaTeX to drop, say). Used by the validation tests and by
bench/translation_bench.py to report the refusal rate.
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


BREAKERS: dict[str, Breaker] = {
    "prose around the JSON": lambda t, a, g: "好的，以下是翻译：\n" + _reply(g["title"], g["abstract"]),
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
    "dropped LLM": lambda t, a, g: (
        _reply(g["title"].replace("LLM", "大模型"), g["abstract"].replace("LLM", "大模型"))
        if re.search(r"\bLLMs?\b", t + " " + a)
        else None
    ),
}
