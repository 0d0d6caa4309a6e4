"""How an email's text parts travel: 8bit where every line allows it, else base64; never quoted-printable.

Quoted-printable writes each Chinese character as nine bytes (=E8=B3=87), so a 66 KB HTML part went out as
118 KB and Gmail, which clips past ~102 KB, hid the footer with the unsubscribe link. 8bit carries UTF-8 as
it is (three bytes a character) but allows no line over 998 bytes (RFC 5322), so long HTML lines are folded
first where a fold changes nothing a reader sees; base64 (four bytes per three) is the fallback.
"""

from __future__ import annotations

import re
import unicodedata
from email import charset as email_charset

from anymail.message import AnymailMessage

#: RFC 5322 allows 998 bytes a line; folding aims lower so personal links filled in later still fit.
MAX_LINE_BYTES = 998
FOLD_AT_BYTES = 800
TEXT_WIDTH = 76

EIGHT_BIT = email_charset.Charset("utf-8")
EIGHT_BIT.body_encoding = None  # 7bit or 8bit, as the content needs
BASE64 = email_charset.Charset("utf-8")
BASE64.body_encoding = email_charset.BASE64

_RAW_TEXT = ("style", "script", "title", "textarea", "pre")
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


def lines_fit(payload: str) -> bool:
    return all(len(line.encode()) <= MAX_LINE_BYTES for line in payload.splitlines())


def charset_for(payload: str) -> email_charset.Charset:
    return EIGHT_BIT if lines_fit(payload) else BASE64


def as_sent_size(payload: str) -> int:
    """Bytes of the part's body on the wire (lines end in CRLF), in the encoding charset_for chooses."""
    data = payload.encode()
    if lines_fit(payload):
        return len(data) + payload.count("\n")  # each LF goes out as CRLF
    encoded = -(-len(data) // 3) * 4
    return encoded + 2 * -(-encoded // 76)  # 76 characters a line, then CRLF


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def fold_html(html: str, limit: int = FOLD_AT_BYTES) -> str:
    """Break lines longer than `limit` bytes where the page renders the same: at a space in text or between
    attributes (a newline is the same whitespace), or between two CJK characters inside an empty comment
    (text has no spaces to break at there, and a comment adds none). Raw-text elements are left alone."""
    return "\n".join(line if len(line.encode()) <= limit else _fold_line(line, limit) for line in html.split("\n"))


def _fold_line(line: str, limit: int) -> str:
    breaks: list[tuple[int, str]] = []  # (index, "space" | "comment"), in order
    size = 0  # bytes of the current output line so far
    cut: tuple[int, str] | None = None  # the last place the current line may break
    in_tag, quote, raw = False, "", ""
    for i, char in enumerate(line):
        if in_tag:
            if quote:
                quote = "" if char == quote else quote
            elif char in "\"'":
                quote = char
            elif char == ">":
                in_tag = False
            elif char == " ":
                cut = (i, "space")
        elif char == "<":
            match = _TAG_NAME.match(line, i)
            closing = bool(match) and match.group(0).startswith("</")
            name = match.group(1).lower() if match else ""
            if not raw or (closing and name == raw):
                in_tag = bool(match) or line.startswith("<!", i)
                raw = name if (match and not closing and name in _RAW_TEXT) else ("" if closing else raw)
        elif not raw:
            if char == " ":
                cut = (i, "space")
            elif i and _wide(char) and _wide(line[i - 1]):
                cut = (i, "comment")
        size += len(char.encode())
        if size > limit and cut is not None:
            breaks.append(cut)
            at, kind = cut
            size = len(line[at + (kind == "space") : i + 1].encode()) + (3 if kind == "comment" else 0)
            cut = None
    out, start = [], 0
    for at, kind in breaks:
        if kind == "space":
            out.append(line[start:at] + "\n")
            start = at + 1
        else:
            out.append(line[start:at] + "<!--\n-->")
            start = at
    out.append(line[start:])
    return "".join(out)


#: Chinese line breaking (kinsoku): no line starts with closing punctuation nor ends with opening punctuation.
CLOSING = frozenset("，。、；：？！）」』】》〉〕”’·%,.;:?!)]}")
OPENING = frozenset("（「『【《〈〔“‘([{")
#: A wide character, a run of dashes or ellipses (—— and …… are one mark, never split), a run of anything else
#: that is no space (a word, a link), or spaces.
_TOKENS = re.compile(r"—+|…+|[^\s\u1100-\uffff]+|[\u1100-\uffff]| +")


def wrap_text(text: str, width: int = TEXT_WIDTH) -> str:
    """Plain text wrapped at `width` columns, a CJK character counting two; Latin words and links are not
    split (a link longer than a line keeps its own line), continuation lines keep the line's indent. Breaks follow
    Chinese typesetting: closing punctuation (，。、」) stays at the end of the line before, opening punctuation
    (「（) at the start of the line after, and —— is never split."""
    return "\n".join(_wrap_line(line, width) for line in text.split("\n"))


def _width(text: str) -> int:
    return len(text) + sum(1 for char in text if char >= "\u1100" and _wide(char))


def _units(text: str) -> list[str]:
    """The tokens of `text` glued where no line may break: before closing punctuation, after opening."""
    units: list[str] = []
    for token in _TOKENS.findall(text):
        if units and not token.isspace() and not units[-1].isspace():
            if token[0] in CLOSING or units[-1][-1] in OPENING:
                units[-1] += token
                continue
        units.append(token)
    return units


def _wrap_line(line: str, width: int) -> str:
    if len(line) <= width // 2 or _width(line) <= width:
        return line
    indent = line[: len(line) - len(line.lstrip(" "))]
    lines: list[str] = []
    current, current_width, has_text = [indent], len(indent), False
    for token in _units(line[len(indent) :]):
        if token.isspace():
            if has_text:
                current.append(token)
                current_width += len(token)
            continue
        token_width = _width(token)
        if current_width + token_width > width and has_text:
            lines.append("".join(current).rstrip())
            current, current_width = [indent], len(indent)
        current.append(token)
        current_width += token_width
        has_text = True
    lines.append("".join(current).rstrip())
    return "\n".join(lines)


class CompactMessage(AnymailMessage):
    """An AnymailMessage whose text parts go out 8bit or base64 (Django picks quoted-printable for any part
    with a long line). Providers that take the HTML over an HTTP API never see this MIME and are unaffected."""

    def message(self):  # type: ignore[override]
        mime = super().message()
        for part in mime.walk():
            if part.get_content_maintype() != "text" or part.get_filename():
                continue
            if part.get("Content-Transfer-Encoding", "").lower() in ("7bit", "8bit"):
                continue  # Django chose 8bit already (every line fits): encoding it again changes nothing
            payload = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            del part["Content-Transfer-Encoding"]
            part.set_payload(payload, charset=charset_for(payload))
        return mime
