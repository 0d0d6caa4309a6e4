"""What an editor does to a draft edition: pick, order, exclude, annotate, add a paper.

Every function refuses to touch an edition that is no longer a draft (approval.EditionFrozen), so what
an editor approved is exactly what goes out. Admin views only call these and report their errors. Fixing a
paper's translation is `editions.editor_translations`; finding a paper on arXiv is `papers.arxiv_lookup`.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_noop

from digest.editions.errors import CurationError, TranslatorFailed
from digest.editions.lifecycle import ensure_editable
from digest.editor_text import edition_name
from digest.hidden_characters import without_hidden_characters
from digest.models import Edition, EditionEntry, Paper
from digest.papers.arxiv_lookup import ArxivLookupError, fetch_arxiv_paper, normalize_arxiv_id
from subscribers.feedback import feedback_counts

__all__ = ["CurationError", "TranslatorFailed"]

MAX_NOTE_CHARS = 2000


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


def order_by_readers_liked(edition: Edition) -> None:
    """The "readers liked" signal as an order: papers with more 👍 than 👎 (net) move up, featured papers still
    lead, and ties keep the editors' order. Votes come from every reader who voted on the paper, in any edition."""
    entries = ordered_entries(edition)
    votes = feedback_counts(e.paper_id for e in entries)
    net = {e.pk: votes[e.paper_id][0] - votes[e.paper_id][1] for e in entries}
    reorder(edition, [e.pk for e in sorted(entries, key=lambda e: -net[e.pk])])


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
    note = without_hidden_characters(note or "").strip()
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


def add_paper_by_arxiv_id(edition: Edition, arxiv_id: str, *, client: httpx.Client | None = None) -> EditionEntry:
    """Adds a paper the feeds missed: our copy if we have it, otherwise fetched on the spot."""
    ensure_editable(edition)
    try:
        arxiv_id = normalize_arxiv_id(arxiv_id)
        paper = Paper.objects.filter(arxiv_id=arxiv_id).first() or fetch_arxiv_paper(arxiv_id, client=client)
    except ArxivLookupError as error:
        raise CurationError(error.text.template, **error.text.params) from None
    return add_paper(edition, paper)
