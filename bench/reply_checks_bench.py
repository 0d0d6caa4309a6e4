"""Reply checks benchmark (prints figures; not a test).

    .venv/bin/python bench/reply_checks_bench.py

The two rates the reply checks answer for: good-but-different replies accepted on the first answer
(tests/translation/corpus/good_replies.json, target >= 97 %) and broken replies refused (every breaker of
tests/fakes/broken.py over the reference translations and the good replies, target 100 %), each in every shape
real servers send a reply in (tests/fakes/llm_servers.REPLY_SHAPES), with the figures per shape; then how many
accepted replies were flagged for review, by kind of deviation, and the time one check takes.
"""

from __future__ import annotations

import collections
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsletter.settings")


def main() -> None:
    import django

    django.setup()
    from digest.translation.validation import check_reply
    from tests.translation.corpus.rates import GLOSSARY, GOOD_REPLIES, broken_refusal, good_acceptance, reply

    good, broken = good_acceptance(), broken_refusal()
    print(f"reply checks: good replies accepted on first answer {good.passed}/{good.total} ({good.rate:.1%})")
    print(f"reply checks: broken replies refused {broken.passed}/{broken.total} ({broken.rate:.1%})")
    for shape, (passed, total) in good.by_shape.items():
        refused = broken.by_shape.get(shape, [0, 0])
        print(f"  {shape:42} good accepted {passed}/{total}, broken refused {refused[0]}/{refused[1]}")
    for miss in good.misses:
        print(f"  refused good reply: {miss}")
    for miss in broken.misses:
        print(f"  accepted broken reply: {miss}")
    kinds: collections.Counter[str] = collections.Counter()
    flagged = 0
    started = time.perf_counter()
    for entry in GOOD_REPLIES.values():
        checked = check_reply(
            reply(entry["title"], entry["abstract"]), entry["source_title"], entry["source_abstract"], GLOSSARY
        )
        flagged += bool(checked.review_reasons)
        kinds.update({_kind(reason) for reason in checked.review_reasons})
    elapsed = (time.perf_counter() - started) * 1000 / len(GOOD_REPLIES)
    print(f"  accepted and flagged for review: {flagged}/{len(GOOD_REPLIES)} ({dict(kinds)}); {elapsed:.2f} ms a check")


def _kind(reason: str) -> str:
    """The kind of a review reason: 'glossary', 'acronym translated', 'TeX word', 'LaTeX as Unicode'."""
    if reason.startswith("glossary"):
        return "acronym translated" if "instead of kept verbatim" in reason else "glossary"
    return "TeX word" if ": TeX \\" in reason else "LaTeX as Unicode"


if __name__ == "__main__":
    main()
