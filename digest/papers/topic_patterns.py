r"""Topic keyword patterns as editors type them: one regular expression per line.

The database keeps a JSON list (Topic.keywords, read by digest.papers.classify); editors edit plain lines, so a
pattern never needs JSON quoting and a mistake can be pointed at by its line number.

Patterns run on RE2 (google-re2), which matches in time linear in the text: a pattern such as ^(\w+\s?)*$ that
makes a backtracking engine run for ever on one abstract cannot hang the fetch. RE2 has no look-around and no
back-references; such a pattern is refused on save with its line number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import re2
from django.utils.translation import gettext as _


@dataclass
class PatternError:
    """A line that is not a usable pattern; line numbers count every line, blank ones too, as the editor sees them."""

    line: int
    pattern: str
    reason: str

    def __str__(self) -> str:
        return _("line %(line)d: %(pattern)r %(reason)s") % {
            "line": self.line,
            "pattern": self.pattern,
            "reason": self.reason,
        }


class InvalidPatterns(ValueError):
    """Every bad line at once, so an editor fixes them in one go."""

    def __init__(self, errors: list[PatternError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


def patterns_to_lines(patterns: list[str]) -> str:
    """What the textarea shows for stored patterns; lines_to_patterns(patterns_to_lines(p)) == p."""
    return "\n".join(patterns)


def lines_to_patterns(text: str) -> list[str]:
    """One pattern per line, blank lines ignored; raises InvalidPatterns naming each bad line.

    A pattern is kept exactly as typed (spaces included), so stored data round-trips unchanged; only the line
    break itself (\\n or \\r\\n) is removed."""
    patterns, errors = [], []
    for number, raw in enumerate(text.split("\n"), start=1):
        pattern = raw.removesuffix("\r")
        if not pattern.strip():
            continue
        if _is_json_list(pattern):
            # The old editor took a JSON list; pasted here it would be one odd character class, matching
            # almost anything. Say so rather than store it.
            errors.append(PatternError(number, pattern, _("looks like a JSON list: write one pattern per line")))
            continue
        try:
            compile_keyword(pattern)
        except re2.error as error:
            reason = _("is not a valid regular expression: %(error)s") % {"error": _error_text(error)}
            errors.append(PatternError(number, pattern, reason))
            continue
        patterns.append(pattern)
    if errors:
        raise InvalidPatterns(errors)
    return patterns


def compile_keyword(pattern: str):
    """A keyword pattern as classification runs it: RE2, case-insensitive. Raises re2.error."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # the reason is reported to the editor, not written to stderr
    return re2.compile(pattern, options)


def _error_text(error: Exception) -> str:
    reason = error.args[0] if error.args else error
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


def _is_json_list(line: str) -> bool:
    stripped = line.strip()
    if not (stripped.startswith("[") and stripped.endswith("]")):
        return False
    try:
        value = json.loads(stripped)
    except ValueError:
        return False
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
