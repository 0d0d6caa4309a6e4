"""An OpenAI-compatible chat-completions server on loopback: answers like a model that translates well
(the shipped reference translations where it has them, a plausible Chinese text otherwise)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .http import Reply, Request

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "digest" / "sample_data"
REFERENCE = json.loads((SAMPLE_DIR / "translations_zh-Hans_hf_daily_2025-05-28.json").read_text(encoding="utf-8"))
REFERENCE_BY_TITLE: dict[str, dict[str, str]] = {}


def source_of(request: Request) -> dict[str, str]:
    """The English title and abstract the client put in the user message."""
    messages = request.json()["messages"]
    return json.loads(next(m["content"] for m in messages if m["role"] == "user"))


_KEEP_RE = re.compile(
    r"(?:(?<![\w.])\d+(?:\.\d+)?\s?)?\$[^$]+\$|\\\(.+?\\\)|https?://[^\s)\]}>,;\"']+|(?<![\d.])\d{4}\.\d{4,5}(?:v\d+)?"
    r"|(?<![\w.])\d+(?:\.\d+)?\s?(?:%|×|x\b|[KMBT]\b|k\b|[KMGT]B\b|ms\b|GHz\b|MHz\b|FLOPs\b|fps\b|dB\b)"
)
_GLOSSARY_LINE_RE = re.compile(r"^- .+ → (?:keep as )?(.+)$", re.MULTILINE)


def glossary_renderings(request: Request) -> list[str]:
    """The renderings the prompt's glossary asks for (a good model uses them)."""
    system = request.json()["messages"][0]["content"]
    return _GLOSSARY_LINE_RE.findall(system.partition("Glossary")[2])


def plausible_translation(title: str, abstract: str, renderings: list[str] = ()) -> dict[str, str]:
    """Chinese text of about the right length that keeps every LaTeX span, URL, arXiv id, number with unit
    and glossary rendering, as a good model does."""
    kept = " ".join([*_KEEP_RE.findall(abstract), *renderings])
    # Distinct sentences: a reply that says one sentence over and over is refused as a loop.
    filler = "".join(
        f"本文第{i + 1}部分提出一种新方法并在多个基准上验证其效果。" for i in range(max(1, len(abstract) // 60))
    )
    return {"title": f"译：{title}的研究", "abstract": f"{filler}{kept}"}


def translation_for(title: str, abstract: str, renderings: list[str] = ()) -> dict[str, str]:
    if not REFERENCE_BY_TITLE:
        hf = json.loads((SAMPLE_DIR / "hf_daily_papers_2025-05-28.json").read_text(encoding="utf-8"))
        for element in hf:
            paper = element["paper"]
            if paper["id"] in REFERENCE:
                REFERENCE_BY_TITLE[" ".join(paper["title"].split())] = REFERENCE[paper["id"]]
    return REFERENCE_BY_TITLE.get(" ".join(title.split())) or plausible_translation(title, abstract, renderings)


def completion(content: str, *, prompt_tokens: int = 900, completion_tokens: int = 700) -> dict:
    return {
        "id": "chatcmpl-loopback",
        "object": "chat.completion",
        "model": "loopback-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def good_model(request: Request) -> Reply:
    if not request.path.endswith("/chat/completions") or request.method != "POST":
        return Reply(404, {"error": {"message": "not found"}})
    source = source_of(request)
    translation = translation_for(source["title"], source["abstract"], glossary_renderings(request))
    body = json.dumps(translation, ensure_ascii=False)
    return Reply(200, completion(body))
