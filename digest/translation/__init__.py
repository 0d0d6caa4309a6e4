"""Translation: the model writes Simplified Chinese once per paper; OpenCC makes every other variant."""

from digest.translation.errors import TranslationError
from digest.translation.translators import TranslatedText, Translator, get_translator

__all__ = ["TranslatedText", "TranslationError", "Translator", "get_translator"]
