"""Translation: the model writes Simplified Chinese once per paper; OpenCC makes every other variant."""

from .errors import TranslationError
from .translators import TranslatedText, Translator, get_translator

__all__ = ["TranslatedText", "TranslationError", "Translator", "get_translator"]
