"""The two figures the reply checks answer for: how many good-but-different replies are accepted on the first
answer, and how many broken replies are refused. Shared by the corpus test and bench/reply_checks_bench.py.

Good replies: good_replies.json, translations of fixture papers written independently of our prompt, each
deviating from its asks the way real models do (listed under "deviations"). Broken replies: every breaker of
tests/fakes/broken.py applied to the shipped reference translations and to the good replies. Both are measured in
every shape real servers send the object in (tests/fakes/llm_servers.REPLY_SHAPES: a <think> block first, prose,
a fence ...): a good reply must be found in each, and no wrapping may make a broken one acceptable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from digest.translation import TranslationError
from digest.translation.glossary import Term
from digest.translation.validation import check_reply
from tests.fakes.broken import BREAKERS, WHOLE_REPLY
from tests.fakes.llm import REFERENCE, SAMPLE_DIR
from tests.fakes.llm_servers import REPLY_SHAPES, Shape

GOOD_REPLIES: dict[str, dict] = json.loads((Path(__file__).parent / "good_replies.json").read_text(encoding="utf-8"))

#: The seeded glossary (migrations 0007 and 0013), as plain terms.
GLOSSARY = (
    Term("LLM", keep_verbatim=True, case_sensitive=True),
    Term("GPU", keep_verbatim=True, case_sensitive=True),
    Term("CLIP", keep_verbatim=True, case_sensitive=True),
    Term("RLHF", keep_verbatim=True, case_sensitive=True),
    Term("MoE", keep_verbatim=True, case_sensitive=True),
    Term("Transformer", keep_verbatim=True),
    Term("token", keep_verbatim=True, variants=("词元", "令牌")),
    Term("state space model", zh_hans="状态空间模型"),
    Term("large language model", zh_hans="大语言模型", variants=("大型语言模型", "大规模语言模型")),
    Term("reinforcement learning", zh_hans="强化学习", variants=("增强学习",)),
    Term("diffusion model", zh_hans="扩散模型"),
)


def reply(title: str, abstract: str) -> str:
    return json.dumps({"title": title, "abstract": abstract}, ensure_ascii=False)


def _reference_sources() -> dict[str, tuple[str, str]]:
    hf = json.loads((SAMPLE_DIR / "hf_daily_papers_2025-05-28.json").read_text(encoding="utf-8"))
    return {
        e["paper"]["id"]: (" ".join(e["paper"]["title"].split()), e["paper"]["summary"])
        for e in hf
        if e["paper"]["id"] in REFERENCE
    }


def translated_pairs() -> list[tuple[str, str, str, dict[str, str]]]:
    """(arXiv id, source title, source abstract, good translation) for references and good replies alike."""
    pairs = [(k, t, a, REFERENCE[k]) for k, (t, a) in _reference_sources().items()]
    pairs += [(k, v["source_title"], v["source_abstract"], v) for k, v in GOOD_REPLIES.items()]
    return pairs


@dataclass
class Rate:
    passed: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)
    by_shape: dict[str, list[int]] = field(default_factory=dict)  # shape -> [passed, total]

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0

    def count(self, shape: str, passed: bool) -> None:
        tally = self.by_shape.setdefault(shape, [0, 0])
        tally[0] += passed
        tally[1] += 1
        self.passed += passed
        self.total += 1


def good_acceptance(glossary=GLOSSARY, shapes: dict[str, Shape] = REPLY_SHAPES) -> Rate:
    """Good replies accepted as first answers, in each shape (misses: 'arxiv id (shape): reason')."""
    result = Rate()
    for shape_name, shape in shapes.items():
        for arxiv_id, entry in GOOD_REPLIES.items():
            content = shape(reply(entry["title"], entry["abstract"]))
            try:
                check_reply(content, entry["source_title"], entry["source_abstract"], glossary)
            except TranslationError as error:
                result.misses.append(f"{arxiv_id} ({shape_name}): {error.reason}")
                result.count(shape_name, False)
            else:
                result.count(shape_name, True)
    return result


def broken_refusal(glossary=GLOSSARY, shapes: dict[str, Shape] = REPLY_SHAPES) -> Rate:
    """Broken replies refused, in each shape (misses: 'breaker on arxiv id (shape)')."""
    result = Rate()
    pairs = translated_pairs()
    for name, breaker in BREAKERS.items():
        for arxiv_id, title, abstract, good in pairs:
            content = breaker(title, abstract, good)
            if content is None:
                continue
            for shape_name, shape in shapes.items() if name not in WHOLE_REPLY else [("bare", str)]:
                try:
                    check_reply(shape(content), title, abstract, glossary)
                except TranslationError:
                    result.count(shape_name, True)
                else:
                    result.misses.append(f"{name} on {arxiv_id} ({shape_name})")
                    result.count(shape_name, False)
    return result
