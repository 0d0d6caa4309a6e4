"""Papers, their topics and translations, editions, and the per-recipient delivery record: one module each."""

from digest.models.delivery import Delivery, EditionTotals, EmailEvent, SiteSettings
from digest.models.editions import Edition, EditionEntry, ReaderView
from digest.models.papers import Paper, Source, Topic, source_hash
from digest.models.translations import (
    GlossaryTerm,
    Translation,
    TranslationFailure,
    TranslationRequest,
    VariantOverride,
    VariantPhrase,
)

__all__ = [
    "Delivery",
    "Edition",
    "EditionEntry",
    "EditionTotals",
    "EmailEvent",
    "GlossaryTerm",
    "Paper",
    "ReaderView",
    "SiteSettings",
    "Source",
    "Topic",
    "Translation",
    "TranslationFailure",
    "TranslationRequest",
    "VariantOverride",
    "VariantPhrase",
    "source_hash",
]
