"""What a translation must carry over from the English source, and the forms in which a faithful model writes it.

A reader is hurt when a URL, an arXiv id, a number or a formula is lost; not when `$\\times$` comes back as ×,
`$+10\\%$` as +10 %, `60k` as 6 万 or `2.5x` as 2.5 倍. So each span of the source is looked for verbatim first,
then in the equivalent forms a rule can verify:

- a LaTeX span: its Unicode rendering (pylatexenc's latex-to-text), compared with whitespace, braces, ``_``, ``^``
  and parentheses removed and sub/superscript digits folded (NFKC), so β_2, β₂ and β2 are one thing;
- a number with a unit: the same value with the unit written another way (× or 倍 for x; 万, 亿, 千 for K, M, B;
  毫秒 for ms ...), compared as numbers, so 60k = 6 万 = 60 千 and 1.65x = 1.65 倍.

`missing_spans` returns the spans found in neither form (hard: the reply is refused) and `unicode_latex` the LaTeX
spans found only as Unicode (soft: accepted and flagged, since the rendering may flatten structure like x_{t+1}).
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

LATEX_RE = re.compile(r"\$[^$]+\$|\\\(.+?\\\)")
# A URL, without the sentence's full stop after it.
URL_RE = re.compile(r"https?://[^\s)\]}>,;\"'，。；）]*[^\s)\]}>,;\"'，。；）.]")
ARXIV_ID_RE = re.compile(r"(?<![\d.])\d{4}\.\d{4,5}(?:v\d+)?(?![\d])")
# A number followed by a unit symbol or abbreviation. Words such as "billion" are left out on purpose:
# the prompt asks for 7180 亿 for "718 billion".
NUMBER_WITH_UNIT_RE = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?\s?(?:%|×|x\b|[KMBT]\b|k\b|[KMGT]B\b|ms\b|GHz\b|MHz\b|FLOPs\b|fps\b|dB\b)"
)
_NUMBER_UNIT_PARTS_RE = re.compile(r"(\d+(?:\.\d+)?)\s?(.+)")

#: Multipliers a count may be written with, English or Chinese (Simplified and Traditional).
_MULTIPLIERS = {
    "K": 1e3, "k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12,
    "千": 1e3, "万": 1e4, "萬": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8, "億": 1e8,
    "十亿": 1e9, "百亿": 1e10, "千亿": 1e11, "万亿": 1e12,
}  # fmt: skip
_COUNT_RE = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s?(" + "|".join(sorted(map(re.escape, _MULTIPLIERS), key=len, reverse=True)) + r")?"
)
#: For other units: what may follow the same value in the translation.
_UNIT_FORMS = {
    "%": r"\s?(?:%|％|个百分点|個百分點)",
    "x": r"\s?(?:x|X|×|倍|\$\\times\$)",
    "×": r"\s?(?:x|X|×|倍|\$\\times\$)",
    "ms": r"\s?(?:ms|毫秒)",
    "GHz": r"\s?(?:GHz|吉赫)",
    "MHz": r"\s?(?:MHz|兆赫)",
    "FLOPs": r"\s?(?:FLOPs|次浮点运算|次浮點運算)",
    "fps": r"\s?(?:fps|FPS|帧/秒|幀/秒|帧每秒)",
    "dB": r"\s?(?:dB|分贝|分貝)",
}
_VALUE_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d])")

_latex_to_text = LatexNodes2Text(math_mode="text")
# "22$\\times$" and "40$\\%$" are a number with a unit whose symbol happens to be typeset: read as 22× and 40%.
_TYPESET_UNIT_RE = re.compile(r"(?<=\d)\s?\$\s*(\\times|\\%)\s*\$")
_TYPESET_UNITS = {"\\times": "×", "\\%": "%"}
#: A small count typeset as $2$ is often written out in Chinese (两种情况).
_CHINESE_DIGITS = {"2": "二两", "3": "三", "4": "四", "5": "五", "6": "六", "7": "七", "8": "八", "9": "九", "10": "十"}


def compact(text: str) -> str:
    """Whitespace removed and a sentence's final full stop dropped: how spans are compared."""
    return re.sub(r"\s+", "", text).rstrip(".")


def _folded(text: str) -> str:
    return re.sub(r"[\s{}_^()（）]", "", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=4096)
def latex_as_unicode(span: str) -> str:
    """The text a LaTeX span stands for ($\\alpha$ -> α, $81.8\\%$ -> 81.8%), or '' when it has none."""
    inner = span[1:-1] if span.startswith("$") else span[2:-2]
    # \\href{url}{text} and \\url{url}: the link is what a reader needs.
    inner = re.sub(r"\\(?:href|url)\s*\{([^}]*)\}(?:\s*\{[^}]*\})?", r"\1", inner)
    try:
        return _latex_to_text.latex_to_text(inner).strip()
    except Exception:  # pylatexenc is lenient, but a span is model-facing text: never let it crash a check
        return ""


def _contains_rendering(text: str, rendering: str) -> bool:
    folded, wanted = _folded(text), _folded(rendering)
    if not wanted:
        return False
    if wanted in _CHINESE_DIGITS and re.search(f"[{_CHINESE_DIGITS[wanted]}]", text):
        return True
    if len(wanted) > 2 or not wanted.isalnum():
        return wanted in folded
    # A variable such as P or k: it must stand alone in the prose, not be a letter of another word or formula.
    prose = _folded(LATEX_RE.sub(" ", text))
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(wanted)}(?![A-Za-z0-9])", prose) is not None


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9)


def _number_kept(span: str, text: str) -> bool:
    """Whether the value of "60k", "1.65x", "85.3%" is in `text`, however its unit is written."""
    match = _NUMBER_UNIT_PARTS_RE.fullmatch(span.strip())
    if not match:
        return False
    value, unit = float(match.group(1)), match.group(2).strip()
    if unit in _MULTIPLIERS:
        wanted = value * _MULTIPLIERS[unit]
        return any(
            _same(float(number) * _MULTIPLIERS.get(multiplier, 1.0), wanted)
            for number, multiplier in _COUNT_RE.findall(text)
        )
    forms = _UNIT_FORMS.get(unit, r"\s?" + re.escape(unit))
    if unit == "%" and re.search(rf"百分之\s?{_VALUE_RE.pattern}", text):
        values = [float(v) for v in re.findall(rf"百分之\s?{_VALUE_RE.pattern}", text)]
        if any(_same(v, value) for v in values):
            return True
    return any(_same(float(v), value) for v in re.findall(_VALUE_RE.pattern + forms, text))


def missing_spans(source: str, translated: str) -> list[tuple[str, str]]:
    """(kind, span) for every protected span of the source that the translation lost in every accepted form."""
    source = _TYPESET_UNIT_RE.sub(lambda m: _TYPESET_UNITS[m.group(1)], source)
    kept = compact(translated)
    lost: list[tuple[str, str]] = []
    for span in LATEX_RE.findall(source):
        if compact(span) not in kept and not _contains_rendering(translated, latex_as_unicode(span)):
            lost.append(("LaTeX span", span))
    for pattern, kind in ((URL_RE, "URL"), (ARXIV_ID_RE, "arXiv id")):
        lost.extend((kind, span) for span in pattern.findall(source) if compact(span) not in kept)
    for span in NUMBER_WITH_UNIT_RE.findall(source):
        if compact(span) not in kept and not _number_kept(span, translated):
            lost.append(("number with unit", span))
    return lost


def unicode_latex(source: str, translated: str) -> list[tuple[str, str]]:
    """(span, rendering) for the LaTeX spans the translation writes as Unicode rather than verbatim. A span
    that only escaped plain text ($81.8\\%$ as 81.8%, $k$ as k) is not listed: nothing was interpreted."""
    source = _TYPESET_UNIT_RE.sub(lambda m: _TYPESET_UNITS[m.group(1)], source)
    kept = compact(translated)
    return [
        (span, latex_as_unicode(span))
        for span in dict.fromkeys(LATEX_RE.findall(source))
        if compact(span) not in kept
        and _contains_rendering(translated, latex_as_unicode(span))
        and not _only_escaped(span)
    ]


def _only_escaped(span: str) -> bool:
    """Whether the span's rendering is its own text less the backslashes ($81.8\\%$, $k$, $500K$)."""
    inner = span.strip("$").removeprefix("\\(").removesuffix("\\)")
    return _folded(latex_as_unicode(span)) == _folded(inner.replace("\\", ""))
