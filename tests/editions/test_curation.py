"""Curation services: what an editor does to a draft edition, and nothing once it is approved."""

import pytest

from digest.delivery.email.layouts import render_variant
from digest.editions.curation import (
    CurationError,
    move,
    ordered_entries,
    reorder,
    set_excluded,
    set_featured,
    set_note,
)
from digest.editions.lifecycle import EditionFrozen
from digest.editions.selectors import edition_entries
from digest.personalization.picking import pick_papers
from tests.factories import EditionEntryFactory, EditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = EditionFactory()
    for position in range(4):
        EditionEntryFactory(edition=edition, position=position)
    return edition


def order(edition) -> list[int]:
    return [e.paper_id for e in ordered_entries(edition)]


def test_featuring_puts_the_paper_first(edition):
    last = ordered_entries(edition)[-1]
    set_featured(last)
    assert order(edition)[0] == last.paper_id
    assert edition_entries(edition)[0].featured


def test_unfeaturing_returns_the_paper_to_its_place(edition):
    third = ordered_entries(edition)[2]
    set_featured(third)
    set_featured(third, False)
    assert order(edition)[2] == third.paper_id


def test_move_up_swaps_with_the_previous_entry(edition):
    before = order(edition)
    move(ordered_entries(edition)[2], "up")
    assert order(edition) == [before[0], before[2], before[1], before[3]]


def test_move_down_swaps_with_the_next_entry(edition):
    before = order(edition)
    move(ordered_entries(edition)[0], "down")
    assert order(edition) == [before[1], before[0], *before[2:]]


def test_moving_the_first_entry_up_changes_nothing(edition):
    before = order(edition)
    move(ordered_entries(edition)[0], "up")
    assert order(edition) == before


def test_a_regular_entry_does_not_move_above_a_featured_one(edition):
    entries = ordered_entries(edition)
    set_featured(entries[0])
    before = order(edition)
    move(entries[1], "up")
    assert order(edition) == before


def test_unknown_direction_is_refused(edition):
    with pytest.raises(CurationError):
        move(ordered_entries(edition)[0], "sideways")


def test_reorder_takes_the_dragged_order(edition):
    before = order(edition)
    ids = [e.pk for e in ordered_entries(edition)]
    reorder(edition, [ids[3], ids[1], ids[0], ids[2]])
    assert order(edition) == [before[3], before[1], before[0], before[2]]


def test_reorder_refuses_entries_of_another_edition(edition):
    stranger = EditionEntryFactory(edition=EditionFactory(date="2025-05-29"))
    with pytest.raises(CurationError):
        reorder(edition, [stranger.pk])


def test_excluded_paper_reaches_no_reader(edition):
    entry = ordered_entries(edition)[1]
    set_excluded(entry)
    assert entry.paper_id not in [e.paper_id for e in edition_entries(edition)]
    assert entry.paper_id in order(edition)  # editors still see it


def test_excluding_a_featured_paper_unfeatures_it(edition):
    entry = set_featured(ordered_entries(edition)[0])
    set_excluded(entry)
    entry.refresh_from_db()
    assert (entry.excluded, entry.featured) == (True, False)


def test_note_is_shown_under_the_paper_in_the_email(edition):
    entry = ordered_entries(edition)[0]
    set_note(entry, "  值得一读：方法简单而有效。 ")
    entry.refresh_from_db()
    assert entry.note == "值得一读：方法简单而有效。"
    entries = edition_entries(edition)
    rendered = render_variant(edition, "zh-Hant-TW", False, pick_papers(entries, frozenset(), 10))
    assert "值得一讀" in rendered.html and "值得一讀" in rendered.text


def test_note_is_escaped_in_the_email(edition):
    entry = ordered_entries(edition)[0]
    set_note(entry, "<script>alert(1)</script>")
    rendered = render_variant(edition, "en", False, pick_papers(edition_entries(edition), frozenset(), 10))
    assert "<script>alert(1)</script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html


def test_overlong_note_is_refused(edition):
    with pytest.raises(CurationError):
        set_note(ordered_entries(edition)[0], "x" * 2001)


@pytest.mark.parametrize(
    "change",
    [
        lambda e: set_featured(e),
        lambda e: set_excluded(e),
        lambda e: set_note(e, "late note"),
        lambda e: move(e, "down"),
        lambda e: reorder(e.edition, [e.pk]),
    ],
)
def test_approved_edition_content_is_frozen(edition, change):
    entry = ordered_entries(edition)[0]
    edition.status = "approved"
    edition.save()
    entry.refresh_from_db()
    with pytest.raises(EditionFrozen, match="un-approve"):
        change(entry)
    entry.refresh_from_db()
    assert (entry.featured, entry.excluded, entry.note, entry.position) == (False, False, "", 0)


def test_note_loses_control_and_private_use_characters(edition):
    entry = set_note(ordered_entries(edition)[0], "值得\x08一读\ue000\ue001\x00\n第二行")
    entry.refresh_from_db()
    assert entry.note == "值得一读\n第二行"


def test_editor_translation_loses_control_and_private_use_characters(edition):
    from digest.editions.editor_translations import save_editor_translation

    paper = ordered_entries(edition)[0].paper
    saved = save_editor_translation(paper, "标题\ue000\ue001\x07", "摘要\x1b与\ue0009\ue001公式")
    assert (saved.title, saved.abstract) == ("标题", "摘要与9公式")
