"""Interface text for editors that is also kept as a record.

A message such as "Approved Edition 2025-05-20" is shown to the editor in their browser's language and
written to the admin log (or a worker log, or a stored failure reason) in English: stored data stays in
one language whatever the editor reads. EditorText holds the English template (marked for translation)
and its parameters and renders either; EditorError is an exception whose str() is the English record and
whose shown() is for the editor.
"""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext, override


class EditorText:
    def __init__(self, template: str, **params: object) -> None:
        self.template, self.params = template, params

    def _render(self) -> str:
        text = gettext(self.template)
        return text % self.params if self.params else text

    def english(self) -> str:
        """For the record: the admin log, worker logs, stored reasons."""
        with override("en"):
            return self._render()

    def shown(self) -> str:
        """For the editor reading it, in the active language."""
        return self._render()

    def __str__(self) -> str:
        return self.english()


class EditorError(Exception):
    """An error whose message is safe to show to the editor: str() is English, shown() translated.

    The message is an English %-template (marked with gettext_noop where it is written) and its parameters;
    a parameter may be lazy (edition_name, a status label), so it follows the language too."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template)
        self.text = EditorText(template, **params)

    def __str__(self) -> str:
        return self.text.english()

    def shown(self) -> str:
        return self.text.shown()


def shown(error: BaseException) -> str:
    """What the editor reads for an error from a service: translated if it is an EditorError."""
    return error.shown() if isinstance(error, EditorError) else str(error)


def _edition_name(edition) -> str:
    params = {"date": f"{edition.date:%Y-%m-%d}"}
    if edition.kind == "weekly":
        return gettext("Edition %(date)s (weekly)") % params
    return gettext("Edition %(date)s") % params


#: An edition as a message names it: "Edition 2025-05-20" in English (what str(edition) says), lazily.
edition_name = lazy(_edition_name, str)
