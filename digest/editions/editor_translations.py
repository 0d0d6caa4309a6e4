"""An editor's fixes to a paper's translation: their own text, back to the model's, or a fresh model run.

A re-translation is queued for the workers (a model call takes too long for a web request); the paper
shows it is waiting until the task has run, and a task that was lost is forgotten after an hour.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from digest import jobs
from digest.editions.errors import CurationError, TranslatorFailed
from digest.editions.lifecycle import EditionFrozen, status_label
from digest.editor_text import edition_name
from digest.hidden_characters import without_hidden_characters
from digest.languages import TRANSLATION_LANGUAGE
from digest.models import Edition, Paper, Translation, TranslationFailure
from digest.translation import TranslationError, get_translator
from digest.translation.glossary import active_glossary
from digest.translation.stored import record_requests, store_translation

log = logging.getLogger(__name__)

#: How an editor's own translation is recorded (Translation.model / prompt_version).
EDITOR_MODEL = "editor"


def _freezing_entries(paper: Paper):
    """The paper's entries in editions whose content is promised (approved) or going out: while there is one, the
    paper's translation may not change under the readers."""
    return paper.edition_entries.filter(edition__status__in=[Edition.Status.APPROVED, Edition.Status.SENDING])


def translation_frozen(paper: Paper) -> bool:
    return _freezing_entries(paper).exists()


def ensure_translation_editable(paper: Paper) -> None:
    """Raises EditionFrozen while the paper is in an approved or sending edition: the rule for every change to
    the text its readers get (the Simplified text, a variant override, a phrase added from its page)."""
    blocking = next(iter(_freezing_entries(paper).select_related("edition")), None)
    if blocking is not None:
        raise EditionFrozen(
            gettext_noop(
                "%(arxiv_id)s is in %(edition)s, which is %(status)s; un-approve it to change the translation"
            ),
            arxiv_id=paper.arxiv_id,
            edition=edition_name(blocking.edition),
            status=status_label(blocking.edition.status),
        )


def save_editor_translation(paper: Paper, title: str, abstract: str) -> Translation:
    """Stores the editor's Simplified Chinese as the paper's current translation.

    It is a Translation row with by_editor=True for the paper's current text, so it wins over every model
    translation of the same text, including ones made later by a re-translation.
    """
    title, abstract = without_hidden_characters(title or "").strip(), without_hidden_characters(abstract or "").strip()
    if not title:
        raise CurationError(gettext_noop("the translated title cannot be empty"))
    ensure_translation_editable(paper)
    translation, _ = Translation.objects.update_or_create(
        paper=paper,
        language=TRANSLATION_LANGUAGE,
        source_hash=paper.source_hash,
        model=EDITOR_MODEL,
        prompt_version=EDITOR_MODEL,
        defaults={"title": title, "abstract": abstract, "by_editor": True},
    )
    return translation


def discard_editor_translation(paper: Paper) -> int:
    """Back to the model's text: removes the editor's version of the current text."""
    ensure_translation_editable(paper)
    deleted, _ = Translation.objects.filter(paper=paper, by_editor=True, source_hash=paper.source_hash).delete()
    return deleted


def clear_review(paper: Paper) -> int:
    """An editor read the flagged translation and accepts it as it is: its review reasons are cleared (saving
    an editor's version clears them too, since that text is the editor's own). Returns how many rows changed."""
    ensure_translation_editable(paper)
    return (
        Translation.objects.filter(paper=paper, source_hash=paper.source_hash, superseded_at=None)
        .exclude(review_reasons=[])
        .update(review_reasons=[])
    )


def _configured_translator():
    translator = get_translator()
    if translator is None:
        raise CurationError(
            gettext_noop(
                "no translator is configured: set TRANSLATOR_BASE_URL, TRANSLATOR_MODEL and TRANSLATOR_API_KEY"
            )
        )
    return translator


def request_retranslation(paper: Paper) -> Paper:
    """Queues a re-translation for the workers and marks the paper as waiting for it.

    A model call takes seconds to minutes (retries, Retry-After), far too long for a web request, so the
    admin only records the wish; the task enqueued after the commit does the call. What can be refused
    now (no translator, a frozen edition) is refused now, so the editor hears it on the spot.
    """
    _configured_translator()
    ensure_translation_editable(paper)
    paper.retranslation_requested_at = timezone.now()
    paper.save(update_fields=["retranslation_requested_at"])
    jobs.enqueue_on_commit(jobs.RETRANSLATE_PAPER, paper.pk)
    log.info("re-translation queued paper=%s", paper.arxiv_id)
    return paper


def run_requested_retranslation(paper_id: int) -> Translation | None:
    """What the queued task does: re-translates, and clears the paper's pending mark whatever happens.

    It never raises for a refusal or a failed model call: the reason is stored as a TranslationFailure,
    which is what the edition page shows (an exception here would only reach a worker log, or, with
    in-process tasks, the editor's request as a server error).
    """
    paper = Paper.objects.filter(pk=paper_id).first()
    if paper is None:
        return None  # deleted since the editor asked
    try:
        return retranslate(paper)
    except EditionFrozen as error:
        TranslationFailure.objects.create(paper=paper, model="", reason=f"re-translation not done: {error}")
    except CurationError as error:
        if not isinstance(error, TranslatorFailed):  # that one is already recorded by retranslate
            TranslationFailure.objects.create(paper=paper, model="", reason=f"re-translation not done: {error}")
    except Exception as error:  # a bug must show on the page, not leave the paper pending or fail a request
        log.exception("re-translation crashed paper=%s", paper.arxiv_id)
        TranslationFailure.objects.create(paper=paper, model="", reason=f"unexpected error: {error.__class__.__name__}")
    finally:
        Paper.objects.filter(pk=paper_id).update(retranslation_requested_at=None)
    return None


#: A queued re-translation still pending after this long lost its task (a worker died, a broker restarted).
RETRANSLATION_LOST_AFTER = timedelta(hours=1)


def forget_lost_retranslations(now=None) -> int:
    """Clears "re-translation queued" marks whose task never ran, with a failure saying so, so the editor
    sees why and can press the button again (the beat runs this every 15 minutes)."""
    now = now or timezone.now()
    lost = list(Paper.objects.filter(retranslation_requested_at__lt=now - RETRANSLATION_LOST_AFTER))
    for paper in lost:
        asked = timezone.localtime(paper.retranslation_requested_at).strftime("%Y-%m-%d %H:%M")
        TranslationFailure.objects.create(
            paper=paper, model="", reason=f"the re-translation queued at {asked} never ran; ask again"
        )
        Paper.objects.filter(pk=paper.pk, retranslation_requested_at=paper.retranslation_requested_at).update(
            retranslation_requested_at=None
        )
        log.warning("re-translation task lost paper=%s queued_at=%s", paper.arxiv_id, asked)
    return len(lost)


def retranslate(paper: Paper) -> Translation:
    """Asks the configured model again for this paper, replacing its earlier answer for the same text.

    translate_papers skips papers that already have a translation, so this calls the translator itself and
    stores through the same store_translation. An editor's version stays current (by_editor wins).
    A failure is recorded as a TranslationFailure, like the daily run does, and raised.
    Runs on the workers (request_retranslation queues it); the admin never calls it inside a request.
    """
    translator = _configured_translator()
    ensure_translation_editable(paper)
    attempts: list = []
    try:
        # The glossary and the request records, as in the daily run: the usage page counts these tokens too.
        text = translator.translate(paper.title, paper.abstract, glossary=active_glossary(), on_attempt=attempts.append)
    except TranslationError as error:
        with transaction.atomic():
            record_requests(paper, translator, attempts)
            TranslationFailure.objects.create(paper=paper, model=translator.model, reason=error.reason)
        raise TranslatorFailed(
            gettext_noop("the translator failed for %(arxiv_id)s: %(reason)s"),
            arxiv_id=paper.arxiv_id,
            reason=error.reason,
        ) from None
    record_requests(paper, translator, attempts)
    with transaction.atomic():
        Translation.objects.filter(
            paper=paper,
            by_editor=False,
            source_hash=paper.source_hash,
            model=translator.model,
            prompt_version=translator.prompt_version,
        ).delete()
        stored = store_translation(paper, text, model=translator.model, prompt_version=translator.prompt_version)
    log.info("paper re-translated paper=%s model=%s", paper.arxiv_id, translator.model)
    assert stored is not None  # the old row with this key was just deleted in the same transaction
    return stored
