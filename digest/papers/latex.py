"""LaTeX in titles and abstracts, shown as readable Unicode text (`$\\mathcal{O}(1/\\sqrt{T})$` -> `𝒪(1/√(T))`).

Only at display time: the database keeps the source as the feed gave it (and the translator saw it). Only the
LaTeX parts are converted (math between `$`, `$$` or `\\(` `\\)`, and a few text macros), with pylatexenc; the
rest is plain text where `%`, `&` or `~` mean themselves, so it never goes through a LaTeX parser.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

log = logging.getLogger(__name__)

# Inline math as Pandoc reads it: no space just inside the dollars, and no digit right after the closing one
# ("it costs $5 and $10" is money, not math).
_MATH = re.compile(r"\$\$(.+?)\$\$|\\\((.+?)\\\)|\$(?!\s)([^$]+?)(?<!\s)\$(?!\d)", re.DOTALL)
_HREF = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_URL = re.compile(r"\\url\s*\{([^{}]*)\}")
_TEXT_MACRO = re.compile(r"\\(?:textbf|textit|textsc|texttt|emph|underline)\s*\{([^{}]*)\}")
_SUPERSCRIPTS = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()ni", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₙᵢ")
_SCRIPT = re.compile(r"([\^_])(?:\{([0-9+\-=()ni]{1,4})\}|([0-9]{1,3}|[ni])(?![0-9A-Za-z]))")
_RELATION = re.compile(r"\s*([≤≥≠≈≡∈∉⊂⊆→←↔⇒⇔∼])\s*")


def _converter() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="text")


def _scripts(text: str) -> str:
    def replace(match: re.Match) -> str:
        body = match.group(2) or match.group(3)
        table = _SUPERSCRIPTS if match.group(1) == "^" else _SUBSCRIPTS
        converted = body.translate(table)
        # A character with no sub/superscript form keeps the source's notation.
        return converted if all(c != o for c, o in zip(converted, body, strict=True)) else match.group(0)

    return _SCRIPT.sub(replace, text)


def _math(source: str) -> str:
    try:
        text = _converter().latex_to_text(source)
    except Exception:  # any parser failure: show the source rather than lose text
        log.info("latex not converted source=%r", source[:80])
        return source
    text = _RELATION.sub(r" \1 ", _scripts(text)).strip()
    return text or source


@lru_cache(maxsize=20000)
def latex_to_unicode(text: str) -> str:
    """The text with its LaTeX parts as Unicode; text without LaTeX comes back as it is."""
    if "\\" not in text and "$" not in text:
        return text
    text = _HREF.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _URL.sub(lambda m: m.group(1), text)
    text = _TEXT_MACRO.sub(lambda m: m.group(1), text)
    return _MATH.sub(lambda m: _math(m.group(m.lastindex)), text)
