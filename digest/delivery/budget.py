"""The email size budget: the HTML part, as sent, stays within settings.EMAIL_HTML_BUDGET_BYTES.

Gmail clips an HTML part past ~102 KB and hides what follows, the unsubscribe link included. The template
renders every paper twice, in full and in a short form (first sentences and a "read on" link to the reader's
own web view), each between marker comments; premailer inlines the CSS once, and this module keeps, paper by
paper from the top, the full form while the whole fits, and the short form after. Personal links are filled
in later, so each placeholder is counted at the length of the longest link it may become.
"""

from __future__ import annotations

import re

from django.conf import settings

from digest.delivery.encoding import as_sent_size, fold_html

_FORMS = re.compile(r"<!--(full|short):(\d+)-->(.*?)<!--/\1:\2-->", re.DOTALL)
#: A signed personal link is the site, a path and a token of about 80 characters.
LINK_ALLOWANCE = 140


def link_growth(html: str, placeholders: list[str]) -> int:
    """How many bytes the personal links may add to `html` once filled in, at most."""
    longest = len(settings.SITE_URL) + LINK_ALLOWANCE
    return sum(html.count(p) * max(0, longest - len(p)) for p in placeholders)


def fit_to_budget(html: str, placeholders: list[str]) -> tuple[str, int]:
    """The HTML with one form per paper, folded for 8bit, and how many papers kept their full form."""
    papers = len({int(match.group(2)) for match in _FORMS.finditer(html)})

    def fitted(full: int) -> tuple[str, bool]:
        candidate = fold_html(_choose(html, full))
        size = as_sent_size(candidate) + link_growth(candidate, placeholders)
        return candidate, size <= settings.EMAIL_HTML_BUDGET_BYTES

    candidate, fits = fitted(papers)
    if fits:
        return candidate, papers
    low, high = 0, papers - 1  # the most full papers that fit lies in [low, high]; 0 stands in for "none fit"
    while low < high:
        middle = (low + high + 1) // 2
        if fitted(middle)[1]:
            low = middle
        else:
            high = middle - 1
    return fitted(low)[0], low


def _choose(html: str, full: int) -> str:
    def keep(match: re.Match) -> str:
        wanted = "full" if int(match.group(2)) < full else "short"
        return match.group(3) if match.group(1) == wanted else ""

    return _FORMS.sub(keep, html)


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
