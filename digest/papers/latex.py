"""LaTeX in titles and abstracts, shown as readable Unicode text (`$\\mathcal{O}(1/\\sqrt{T})$` -> `𝒪(1/√(T))`).

Only at display time: the database keeps the source as the feed gave it (and the translator saw it). Only the
LaTeX parts are converted (math between `$`, `$$` or `\\(` `\\)`, and a few text macros), with pylatexenc; the
rest is plain text where `%`, `&` or `~` mean themselves, so it never goes through a LaTeX parser (a symbol macro
standing there, `{\\eta}` or `\\lambda`, is still shown as its symbol).

Nothing is lost: a macro pylatexenc does not know (a paper's own `\\bW`, `\\R`, `\\SI{0.1}{\\degree}`) is kept as its
TeX source with its arguments, a group of sub- or superscript that Unicode cannot write keeps its grouping as
parentheses (`n^{-2β}` -> `n^(-2β)`), and `\\|` is `‖`.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

log = logging.getLogger(__name__)

# Inline math as Pandoc reads it: no space just inside the dollars, and no digit right after the closing one
# ("it costs $5 and $10" is money, not math).
_MATH = re.compile(r"\$\$(.+?)\$\$|\\\((.+?)\\\)|\\\[(.+?)\\\]|\$(?!\s)([^$]+?)(?<!\s)\$(?!\d)", re.DOTALL)
_HREF = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_URL = re.compile(r"\\url\s*\{([^{}]*)\}")
_TEXT_MACRO = re.compile(r"\\(?:textbf|textit|textsc|texttt|emph|underline)\s*\{([^{}]*)\}")
_SUPERSCRIPTS = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()ni", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₙᵢ")
_SCRIPT = re.compile(r"([\^_])(?:\{([0-9+\-=()ni]{1,4})\}|([0-9]{1,3}|[ni])(?![0-9A-Za-z]))")
_RELATION = re.compile(r"\s*([≤≥≠≈≡∈∉⊂⊆→←↔⇒⇔∼])\s*")
#: A braced sub/superscript group with no braces inside (`^{-2β}`, `_{t-1}`).
_GROUP = re.compile(r"([\^_])\{([^{}]*)\}")
#: Macros that only size or space what follows: dropping them loses nothing a reader sees.
_LAYOUT = frozenset(
    "left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr biggm bigm middle displaystyle textstyle "
    "scriptstyle limits nolimits".split()
)
_MACRO_NAME = re.compile(r"\\([A-Za-z]+)")
#: The brace groups right after a macro (its arguments, if it takes any).
_ARGUMENTS = re.compile(r"(?:\{[^{}]*\})*")
#: Wide accents pylatexenc drops when their argument is unbraced (`\\widetilde O`); the narrow ones it writes.
_OPERATOR_NAME = re.compile(r"\\operatorname\*?(?=\{)")
_WIDE = re.compile(r"\\wide(tilde|hat)(?![A-Za-z])")
#: Outside math: a symbol macro alone in braces (`{\\eta}`) or standing as a word (`\\lambda`).
_TEXT_SYMBOL = re.compile(r"\{\\([A-Za-z]+)\}|\\([A-Za-z]+)(?![A-Za-z{])")
#: Private-use characters stand for kept macros while pylatexenc reads the rest (sources never hold them:
#: digest.hidden_characters drops them at ingest).
_KEEP_BASE, _KEEP_MAX = 0xE000, 0x1000
_KEPT = re.compile("[\ue000-\uefff]")


def _converter() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="text")


@lru_cache(maxsize=1)
def _macros():
    from pylatexenc.latex2text import get_default_latex_context_db

    return get_default_latex_context_db()


@lru_cache(maxsize=2000)
def _symbol(name: str) -> str:
    """The Unicode symbol a macro without arguments stands for (`eta` -> `η`, `top` -> `⊤`), or ""."""
    if _macros().get_macro_spec(name) is None:
        return ""
    try:
        text = _converter().latex_to_text("\\" + name)
    except Exception:  # an unreadable macro is no symbol
        return ""
    return text if len(text) == 1 and not text.isascii() else ""


def _groups(source: str) -> str:
    """Braced sub/superscripts as Unicode where every character has a form, else their grouping kept as
    parentheses when it groups more than one term (`^{-2β}` -> `^(-2β)`; pylatexenc would drop the braces)."""

    def replace(match: re.Match) -> str:
        mark, body = match.group(1), match.group(2).strip()
        table = _SUPERSCRIPTS if mark == "^" else _SUBSCRIPTS
        converted = body.translate(table)
        if body and all(c != o for c, o in zip(converted, body, strict=True)):
            return converted
        if len(body) > 1 and any(c in body for c in "+-=/, "):
            return f"{mark}({body})"
        return match.group(0)

    return _GROUP.sub(replace, source)


def _keep_unknown(source: str) -> tuple[str, list[str]]:
    """Macros pylatexenc does not know (with the brace groups after them: their arguments, if any) replaced by
    placeholders, and what each stands for."""
    kept: list[str] = []
    if _KEPT.search(source):
        return source, kept
    out, at = [], 0
    for match in _MACRO_NAME.finditer(source):
        if match.start() < at:
            continue
        name = match.group(1)
        if name in _LAYOUT or _macros().get_macro_spec(name) is not None or len(kept) >= _KEEP_MAX:
            continue
        end = _ARGUMENTS.match(source, match.end()).end()
        out.append(source[at : match.start()])
        out.append(chr(_KEEP_BASE + len(kept)))
        kept.append(source[match.start() : end])
        at = end
    out.append(source[at:])
    return "".join(out), kept


def _scripts(text: str) -> str:
    def replace(match: re.Match) -> str:
        body = match.group(2) or match.group(3)
        table = _SUPERSCRIPTS if match.group(1) == "^" else _SUBSCRIPTS
        converted = body.translate(table)
        # A character with no sub/superscript form keeps the source's notation.
        return converted if all(c != o for c, o in zip(converted, body, strict=True)) else match.group(0)

    return _SCRIPT.sub(replace, text)


def _math(source: str) -> str:
    source = _OPERATOR_NAME.sub(r"\\mathrm", _WIDE.sub(r"\\\1", _groups(source.replace("\\|", "‖"))))
    protected, kept = _keep_unknown(source)
    try:
        text = _converter().latex_to_text(protected)
    except Exception:  # any parser failure: show the source rather than lose text
        log.info("latex not converted source=%r", source[:80])
        return source
    text = _RELATION.sub(r" \1 ", _scripts(text)).strip()
    if kept:
        text = _KEPT.sub(lambda m: kept[ord(m.group(0)) - _KEEP_BASE], text)
    return text or source


def _text_symbols(text: str) -> str:
    return _TEXT_SYMBOL.sub(lambda m: _symbol(m.group(1) or m.group(2)) or m.group(0), text)


@lru_cache(maxsize=20000)
def latex_to_unicode(text: str) -> str:
    """The text with its LaTeX parts as Unicode; text without LaTeX comes back as it is."""
    if "\\" not in text and "$" not in text:
        return text
    text = _HREF.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _URL.sub(lambda m: m.group(1), text)
    text = _TEXT_MACRO.sub(lambda m: m.group(1), text)
    parts = _MATH.split(text)
    # split() returns text, then the groups of each math match (one of them set), then text again.
    step = _MATH.groups + 1
    out = []
    for index in range(0, len(parts), step):
        out.append(_text_symbols(parts[index]) if "\\" in parts[index] else parts[index])
        if index + 1 < len(parts):
            out.append(_math(next(p for p in parts[index + 1 : index + step] if p is not None)))
    return "".join(out)
