"""The email size budget: the HTML part, as sent, stays within settings.EMAIL_HTML_BUDGET_BYTES.

Gmail clips an HTML part past ~102 KB and hides what follows, the unsubscribe link included. The template
renders every paper twice, in full and in a short form (first sentences, `excerpt`, and a "read on" link to the
reader's own web view); digest.delivery.email.layouts keeps, paper by paper from the top, the full form while the whole
fits, and the short form after. Personal links are filled in later, so each placeholder is counted at the length
of the longest link it may become (`link_growth`).
"""

from __future__ import annotations

import re

from django.conf import settings

#: A signed personal link is the site, a path and a token of about 80 characters.
LINK_ALLOWANCE = 140


def link_growth(html: str, placeholders: list[str]) -> int:
    """How many bytes the personal links may add to `html` once filled in, at most."""
    longest = len(settings.SITE_URL) + LINK_ALLOWANCE
    return sum(html.count(p) * max(0, longest - len(p)) for p in placeholders)


_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=\.)\s+")


def excerpt(text: str, limit: int) -> str:
    """The first sentences of `text` that fit in about `limit` characters; one cut sentence at worst."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s and not s.isspace()]
    kept = ""
    for sentence in sentences:
        joined = f"{kept} {sentence}" if kept and not kept.endswith(("。", "！", "？")) else kept + sentence
        if kept and len(joined) > limit:
            break
        kept = joined
    return kept if len(kept) <= limit else kept[: limit - 1].rstrip() + "…"
