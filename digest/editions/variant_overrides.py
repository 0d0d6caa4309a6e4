"""An editor's fixes to a paper's Taiwan or Hong Kong text, where the Simplified text is right and the conversion
is not: their own text of the paper for one variant (a VariantOverride), or a phrase for the table that converts
every paper (a VariantPhrase), offered from the same page.

Both change what readers of the paper get, so both are refused while the paper is in an approved edition or one
going out, by the rule the Simplified edit follows (editor_translations.ensure_translation_editable). Text is
cleaned like every editor's text (hidden characters removed, surrounding space stripped) and bounded; a text too
long is refused rather than cut, so the editor never publishes less than they wrote without knowing.
"""

from __future__ import annotations

import logging

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, gettext_noop

from digest.editions.editor_translations import ensure_translation_editable
from digest.editions.errors import CurationError
from digest.hidden_characters import without_hidden_characters
from digest.models import Paper, VariantOverride, VariantPhrase
from digest.models.translations import OVERRIDE_LANGUAGES
from digest.translation.variants import forget_conversions

log = logging.getLogger(__name__)

#: VariantPhrase's column width: a phrase is a word or a few, never a sentence.
PHRASE_MAX = VariantPhrase._meta.get_field("zh_hans").max_length
#: Which VariantPhrase column holds each variant's form.
PHRASE_FIELDS = {"zh-Hant-TW": "zh_hant_tw", "zh-Hant-HK": "zh_hant_hk"}


def _cleaned(text: str | None, limit: int, what: Promise) -> str:
    text = without_hidden_characters(text or "").strip()
    if len(text) > limit:
        raise CurationError(
            gettext_noop("the %(what)s is %(length)s characters long; at most %(limit)s are kept"),
            what=what,
            length=len(text),
            limit=limit,
        )
    return text


def _check_language(language: str) -> None:
    if language not in OVERRIDE_LANGUAGES:
        raise CurationError(
            gettext_noop("%(language)s is not a variant an editor can write: one of %(languages)s"),
            language=repr(language),
            languages=", ".join(OVERRIDE_LANGUAGES),
        )


def save_variant_override(
    paper: Paper, language: str, title: str, abstract: str, tldr: str = "", *, by: AbstractBaseUser | None = None
) -> VariantOverride:
    """Stores the editor's text of the paper for `language` readers, written against the paper's current
    translation (it replaces an earlier override of that variant, stale or not). An empty summary keeps the
    conversion of the Simplified one."""
    _check_language(language)
    title = _cleaned(title, VariantOverride.TITLE_MAX, gettext_lazy("title"))
    abstract = _cleaned(abstract, VariantOverride.ABSTRACT_MAX, gettext_lazy("abstract"))
    tldr = _cleaned(tldr, VariantOverride.TLDR_MAX, gettext_lazy("summary"))
    if not title or not abstract:
        raise CurationError(gettext_noop("an override needs both a title and an abstract"))
    ensure_translation_editable(paper)
    translation = paper.current_translation()
    if translation is None:
        raise CurationError(
            gettext_noop("%(arxiv_id)s has no Chinese translation yet: an override is written against one"),
            arxiv_id=paper.arxiv_id,
        )
    override, _ = VariantOverride.objects.update_or_create(
        paper=paper,
        language=language,
        defaults={
            "title": title,
            "abstract": abstract,
            "tldr": tldr,
            "made_from": translation.text_hash(),
            "created_by": by,
            "created_at": timezone.now(),
        },
    )
    log.info("variant override saved paper=%s language=%s", paper.arxiv_id, language)
    return override


def remove_variant_override(paper: Paper, language: str) -> int:
    """Back to the conversion for `language` readers; returns how many overrides were removed (0 or 1)."""
    _check_language(language)
    ensure_translation_editable(paper)
    removed, _ = VariantOverride.objects.filter(paper=paper, language=language).delete()
    log.info("variant override removed paper=%s language=%s removed=%s", paper.arxiv_id, language, removed)
    return removed


def add_variant_phrase(paper: Paper, language: str, zh_hans: str, form: str) -> VariantPhrase:
    """Adds (or sets) the variant's form of a Simplified phrase in the editors' phrase table, for every paper's
    next render. Offered from a paper's page, so the phrase must occur in that paper's Simplified text (a phrase
    typed in Traditional, or mistyped, would otherwise be stored and never match); an existing row keeps its
    other variant's form, and is enabled again."""
    _check_language(language)
    zh_hans = _cleaned(zh_hans, PHRASE_MAX, gettext_lazy("phrase"))
    form = _cleaned(form, PHRASE_MAX, gettext_lazy("form"))
    if not zh_hans or not form:
        raise CurationError(gettext_noop("give the Simplified phrase and this variant's form"))
    ensure_translation_editable(paper)
    translation = paper.current_translation()
    source = " ".join((translation.title, translation.abstract, translation.tldr)) if translation else ""
    if zh_hans not in source:
        raise CurationError(
            gettext_noop("%(phrase)s does not occur in the Simplified text of %(arxiv_id)s"),
            phrase=zh_hans,
            arxiv_id=paper.arxiv_id,
        )
    phrase = VariantPhrase.objects.filter(zh_hans=zh_hans).first() or VariantPhrase(zh_hans=zh_hans)
    setattr(phrase, PHRASE_FIELDS[language], form)
    phrase.enabled = True
    phrase.save()  # its post_save reloads the table in this process; others within phrases.CACHE_SECONDS
    forget_conversions()
    log.info("variant phrase added phrase=%s language=%s from=%s", zh_hans, language, paper.arxiv_id)
    return phrase
