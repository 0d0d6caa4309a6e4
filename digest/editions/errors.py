"""What curation refuses, as messages safe to show to the editor (and kept in English for the record)."""

from __future__ import annotations

from digest.editor_text import EditorError


class CurationError(EditorError):
    """A curation request that cannot be done; the message is safe to show to the editor."""


class TranslatorFailed(CurationError):
    """The model was asked and failed; the reason is already stored as a TranslationFailure."""
