"""Building the day's edition: the day's first announcements, featured first, then ranked, capped."""

import datetime

import pytest

from digest.editions.build import EditionError, build_edition
from digest.models import Edition
from digest.papers.ingest import ingest_document
from tests.conftest import sample
from tests.factories import EditionEntryFactory, PaperFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 5, 28)


def load_day_one():
    for name, kind in [
        ("arxiv_rss_cs.AI_2025-05-28.xml", "arxiv_rss"),
        ("arxiv_rss_cs.CL_2025-05-28.xml", "arxiv_rss"),
        ("hf_daily_papers_2025-05-28.json", "hf_daily"),
    ]:
        ingest_document(sample(name), kind)


def test_edition_ranks_by_community_upvotes_and_caps(topics):
    load_day_one()
    edition = build_edition(DAY, max_papers=30)
    entries = list(edition.entries.order_by("position").select_related("paper"))
    scores = [entry.paper.score for entry in entries]
    assert len(entries) == 30
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > 0


def test_replacements_are_not_in_the_edition(topics):
    load_day_one()
    edition = build_edition(DAY, max_papers=200)
    types = set(edition.entries.values_list("paper__announce_type", flat=True))
    assert types <= {"new", "cross"}


def test_rebuilding_a_draft_keeps_editor_choices_and_adds_new_papers():
    first = PaperFactory(score=5)
    edition = build_edition(DAY)
    entry = edition.entries.get()
    entry.featured, entry.note = True, "必讀"
    entry.save()
    PaperFactory(score=50)
    rebuilt = build_edition(DAY)
    assert rebuilt.pk == edition.pk
    assert rebuilt.entries.count() == 2
    assert rebuilt.entries.get(paper=first).note == "必讀"


def test_sent_edition_is_frozen():
    PaperFactory()
    edition = build_edition(DAY)
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENT)
    PaperFactory()
    assert build_edition(DAY).entries.count() == 1


def test_weekend_day_builds_no_edition_and_says_why():
    with pytest.raises(EditionError, match="Saturdays and Sundays"):
        build_edition(datetime.date(2025, 5, 31))
    assert not Edition.objects.exists()


def test_featured_entries_come_first():
    edition = build_edition(PaperFactory(score=100).announced_on)
    featured = EditionEntryFactory(edition=edition, featured=True, position=99)
    from digest.editions.selectors import edition_entries

    assert edition_entries(edition)[0] == featured


def test_no_edition_on_a_weekend_is_explained_in_the_editors_language_and_logged_in_english(db):
    import datetime

    from django.utils import translation

    from digest.editions.build import EditionError, build_edition
    from digest.editor_text import shown

    with pytest.raises(EditionError) as raised:
        build_edition(datetime.date(2025, 5, 31))
    assert str(raised.value) == (
        "no papers announced on 2025-05-31, a Saturday (arXiv announces nothing on Saturdays and Sundays); "
        "no edition built"
    )
    with translation.override("zh-tw"):
        assert shown(raised.value).startswith("2025-05-31（星期六）沒有公佈任何論文")
