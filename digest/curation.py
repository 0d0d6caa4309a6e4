"""What an editor does to a draft edition: pick, order, exclude, annotate, add a paper, fix a translation.

Every function refuses to touch an edition that is no longer a draft (approval.EditionFrozen), so what
an editor approved is exactly what goes out. Admin views only call these and report their errors.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import timedelta

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from .approval import EditionFrozen, ensure_editable, status_label
from .classify import classify
from .editor_text import EditorError, edition_name
from .ingest import USER_AGENT, upsert_paper
from .languages import TRANSLATION_LANGUAGE
from .models import Edition, EditionEntry, Paper, Translation, TranslationFailure
from .sources import FeedError, parser_for
from .translation import TranslationError, get_translator
from .translation.glossary import active_glossary
from .translation.service import record_requests, store_translation

log = logging.getLogger(__name__)

#: How an editor's own translation is recorded (Translation.model / prompt_version).
EDITOR_MODEL = "editor"
MAX_NOTE_CHARS = 2000
# New-style (2505.12345, optional version) and old-style (cs/0112017) arXiv identifiers.
ARXIV_ID_RE = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7})(?:v\d+)?$", re.IGNORECASE)


class CurationError(EditorError):
    """A curation request that cannot be done; the message is safe to show to the editor."""


class TranslatorFailed(CurationError):
    """The model was asked and failed; the reason is already stored as a TranslationFailure."""


def ordered_entries(edition: Edition) -> list[EditionEntry]:
    """All entries (excluded too) in the order readers see them: featured first, then by position."""
    return list(edition.entries.select_related("paper").order_by("-featured", "position", "pk"))


def _renumber(entries: Sequence[EditionEntry]) -> None:
    for index, entry in enumerate(entries):
        entry.position = index
    EditionEntry.objects.bulk_update(entries, ["position"])


def set_featured(entry: EditionEntry, featured: bool = True) -> EditionEntry:
    """An editor's pick goes to every reader, whatever their topics, ahead of the rest."""
    ensure_editable(entry.edition)
    entry.featured = featured
    if featured:
        entry.excluded = False  # featuring an excluded paper brings it back
    entry.save(update_fields=["featured", "excluded"])
    return entry


def move(entry: EditionEntry, direction: str) -> EditionEntry:
    """Swaps the entry with its neighbour among entries of the same kind (featured or not).

    Featured entries always lead, so moving a regular entry above a featured one would not show.
    """
    if direction not in ("up", "down"):
        raise CurationError(gettext_noop("unknown direction %(direction)s; use up or down"), direction=repr(direction))
    ensure_editable(entry.edition)
    with transaction.atomic():
        entries = ordered_entries(entry.edition)
        index = next(i for i, e in enumerate(entries) if e.pk == entry.pk)
        step = -1 if direction == "up" else 1
        neighbour = index + step
        if 0 <= neighbour < len(entries) and entries[neighbour].featured == entries[index].featured:
            entries[index], entries[neighbour] = entries[neighbour], entries[index]
        _renumber(entries)
    entry.refresh_from_db()
    return entry


def reorder(edition: Edition, entry_ids: Sequence[int]) -> None:
    """Sets the order from a full list of entry ids (the drag-and-drop list); ids not given keep their
    relative order after the given ones. Unknown ids are refused rather than guessed at."""
    ensure_editable(edition)
    with transaction.atomic():
        entries = ordered_entries(edition)
        by_id = {e.pk: e for e in entries}
        unknown = [i for i in entry_ids if i not in by_id]
        if unknown:
            raise CurationError(
                gettext_noop("entries %(ids)s are not in %(edition)s"), ids=unknown, edition=edition_name(edition)
            )
        seen = set(entry_ids)
        new_order = [by_id[i] for i in dict.fromkeys(entry_ids)] + [e for e in entries if e.pk not in seen]
        # Featured entries still lead; within each group the editor's order holds.
        new_order.sort(key=lambda e: not e.featured)
        _renumber(new_order)


def set_excluded(entry: EditionEntry, excluded: bool = True) -> EditionEntry:
    """An excluded paper stays listed for editors but reaches no reader."""
    ensure_editable(entry.edition)
    entry.excluded = excluded
    if excluded:
        entry.featured = False
    entry.save(update_fields=["excluded", "featured"])
    return entry


def set_note(entry: EditionEntry, note: str) -> EditionEntry:
    """The editor's note is shown under the paper in every variant (OpenCC converts it like the rest)."""
    ensure_editable(entry.edition)
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise CurationError(
            gettext_noop("a note is at most %(limit)s characters; this one has %(length)s"),
            limit=MAX_NOTE_CHARS,
            length=len(note),
        )
    entry.note = note
    entry.save(update_fields=["note"])
    return entry


def add_paper(edition: Edition, paper: Paper) -> EditionEntry:
    """Appends a paper (at the end of the regular entries); a paper already in the edition is returned."""
    ensure_editable(edition)
    with transaction.atomic():
        last = edition.entries.aggregate(last=Max("position"))["last"]
        entry, created = EditionEntry.objects.get_or_create(
            edition=edition, paper=paper, defaults={"position": 0 if last is None else last + 1}
        )
        if not created and entry.excluded:
            entry.excluded = False
            entry.save(update_fields=["excluded"])
    return entry


def normalize_arxiv_id(text: str) -> str:
    """'arXiv:2505.14970v2', ' 2505.14970 ' -> '2505.14970'; anything else is a CurationError."""
    value = (text or "").strip()
    value = re.sub(r"^(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)", "", value, flags=re.IGNORECASE)
    value = value.removesuffix(".pdf")
    if not ARXIV_ID_RE.match(value):
        raise CurationError(
            gettext_noop("%(text)s is not an arXiv id (like 2505.14970)"), text=repr((text or "").strip()[:40])
        )
    return re.sub(r"v\d+$", "", value)


def fetch_arxiv_paper(arxiv_id: str, *, client: httpx.Client | None = None) -> Paper:
    """Looks the id up through the arXiv API (ARXIV_API_URL), stores the paper and classifies it."""
    arxiv_id = normalize_arxiv_id(arxiv_id)
    own_client = client is None
    client = client or httpx.Client(timeout=settings.FEED_TIMEOUT_SECONDS, follow_redirects=True)
    try:
        response = client.get(
            settings.ARXIV_API_URL,
            params={"id_list": arxiv_id, "max_results": "1"},
            headers={"User-Agent": USER_AGENT},
        )
    except httpx.HTTPError as error:
        raise CurationError(
            gettext_noop("could not reach the arXiv API: %(error)s"), error=error.__class__.__name__
        ) from None
    finally:
        if own_client:
            client.close()
    if response.status_code != 200:
        raise CurationError(
            gettext_noop("the arXiv API answered HTTP %(status)s for %(arxiv_id)s"),
            status=response.status_code,
            arxiv_id=arxiv_id,
        )
    if len(response.content) > settings.FEED_MAX_BYTES:
        raise CurationError(gettext_noop("the arXiv API answer is too large"))
    try:
        parsed = parser_for("arxiv_api")(response.content)
    except FeedError as error:
        raise CurationError(
            gettext_noop("the arXiv API answer could not be read: %(reason)s"), reason=error.reason
        ) from None
    record = next((r for r in parsed.records if r.arxiv_id == arxiv_id), None)
    if record is None:
        raise CurationError(gettext_noop("arXiv has no paper %(arxiv_id)s"), arxiv_id=arxiv_id)
    with transaction.atomic():
        paper, _ = upsert_paper(record)
        classify([paper])
    return paper


def add_paper_by_arxiv_id(edition: Edition, arxiv_id: str, *, client: httpx.Client | None = None) -> EditionEntry:
    """Adds a paper the feeds missed: our copy if we have it, otherwise fetched on the spot."""
    ensure_editable(edition)
    arxiv_id = normalize_arxiv_id(arxiv_id)
    paper = Paper.objects.filter(arxiv_id=arxiv_id).first() or fetch_arxiv_paper(arxiv_id, client=client)
    return add_paper(edition, paper)


def _ensure_translation_editable(paper: Paper) -> None:
    frozen = paper.edition_entries.filter(
        edition__status__in=[Edition.Status.APPROVED, Edition.Status.SENDING]
    ).select_related("edition")
    blocking = next(iter(frozen), None)
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
    title, abstract = (title or "").strip(), (abstract or "").strip()
    if not title:
        raise CurationError(gettext_noop("the translated title cannot be empty"))
    _ensure_translation_editable(paper)
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
    _ensure_translation_editable(paper)
    deleted, _ = Translation.objects.filter(paper=paper, by_editor=True, source_hash=paper.source_hash).delete()
    return deleted


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
    from . import tasks  # tasks are thin wrappers over the services

    _configured_translator()
    _ensure_translation_editable(paper)
    paper.retranslation_requested_at = timezone.now()
    paper.save(update_fields=["retranslation_requested_at"])
    transaction.on_commit(lambda: tasks.retranslate_paper.delay(paper.pk))
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
    _ensure_translation_editable(paper)
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
