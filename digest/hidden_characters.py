"""Characters no reader can see and some consumers refuse, removed from text we store or publish.

Control characters make an RSS/Atom document invalid XML 1.0 (Django refuses to write one), and private-use
code points have no meaning between us and a reader. Feed text and editors' text lose them on the way in;
what is published loses them again on the way out, for rows stored before this rule.
"""

from __future__ import annotations

import re

#: C0 controls but tab, line feed and carriage return; DEL and C1 controls; surrogates; the private-use areas;
#: the noncharacters U+FDD0..U+FDEF and U+xFFFE/U+xFFFF of the planes text can use.
_HIDDEN_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U000f0000-\U0010ffff]"
)


def without_hidden_characters(text: str) -> str:
    """`text` without control, private-use, surrogate and noncharacter code points (tab and newlines kept)."""
    return _HIDDEN_RE.sub("", text) if text else text


def has_hidden_characters(text: str) -> bool:
    return bool(text) and _HIDDEN_RE.search(text) is not None
