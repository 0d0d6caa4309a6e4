"""Picking a batch of readers' papers together gives each reader what picking theirs alone gives."""

import pytest

from digest.editions.build import build_edition
from digest.editions.curation import set_featured
from digest.editions.selectors import edition_entries, reserve_entries
from digest.personalization.interests import Interests
from digest.personalization.picking import Pool, Reader, pick_from, pick_many
from digest.personalization.relevance import paper_text, train, vectorize
from tests.factories import PaperFactory, TranslationFactory

pytestmark = pytest.mark.django_db

SUBJECTS = ["diffusion image synthesis", "robot grasping", "reward models", "speculative decoding"]
RARE = "tokenizer vocabularies"  # one paper of the day, in the reserve


@pytest.fixture
def pool(topics):
    slugs = ["vision", "llm", "robotics", "rl-alignment", "efficiency"]
    for n in range(15):
        subject = RARE if n == 11 else SUBJECTS[n % 4]
        paper = PaperFactory(title=f"{subject.title()} {n}", abstract=f"We study {subject} at scale, part {n}.",
                             topics=[topics[slugs[n % 5]]], authors=[f"Author {n % 4}"], score=30 - n)  # fmt: skip
        TranslationFactory(paper=paper)
    edition = build_edition(paper.announced_on, max_papers=8)
    set_featured(edition_entries(edition)[3])
    entries, reserve = edition_entries(edition), reserve_entries(edition)
    vectors = vectorize([paper_text(e.paper.title, e.paper.abstract) for e in [*entries, *reserve]])
    return Pool(entries, reserve, vectors)


def model(pool: Pool, liked: int, disliked: int):
    rows = [liked, liked + 5, disliked, disliked + 5]
    return train(pool.vectors[rows], [1, 1, -1, -1])


def test_a_batch_gives_each_reader_their_own_picks(pool):
    readers = [
        Reader(),
        Reader(frozenset({"llm"}), 3),
        Reader(frozenset({"vision", "robotics"}), 5, follows=Interests(authors=("Author 2",))),
        Reader(frozenset(), 4, mutes=Interests(keywords=("grasping",))),
        Reader(frozenset({"llm"}), 6, learned=model(pool, 2, 0), learned_key="a"),
        Reader(frozenset(), 10, learned=model(pool, 0, 1), learned_key="b", follows=Interests(keywords=("grasping",))),
    ]
    alone = [pick_from(pool, reader) for reader in readers]
    assert pick_many(pool, readers) == alone
    assert len({tuple(p.entry.paper_id for p in picks) for picks in alone}) >= 5  # the readers do get different papers


def test_a_model_reaches_into_the_reserve_only_for_its_reader(pool):
    votes = vectorize([f"{RARE} compared", f"Better {RARE}", SUBJECTS[0], SUBJECTS[1]])
    learned = Reader(frozenset({"llm"}), 10, learned=train(votes, [1, 1, -1, -1]), learned_key="a")
    cold = Reader(frozenset({"llm"}), 10)
    mine, theirs = pick_many(pool, [learned, cold])
    reserve = {e.paper_id for e in pool.entries[pool.edition_size :]}
    assert mine[0].entry.featured  # the editors' pick stays first
    assert mine[1].entry.paper.title == "Tokenizer Vocabularies 11" and mine[1].liked
    assert mine[1].entry.paper_id in reserve
    assert not any(p.entry.paper_id in reserve for p in theirs)


def test_the_cold_start_shortcut_picks_what_the_full_ranking_picks(pool):
    from digest.personalization.picking import _cold_picks, _rank_together

    readers = [Reader(), Reader(frozenset({"llm"}), 3), Reader(frozenset({"vision", "robotics"}), 10)]
    assert [_cold_picks(pool, reader) for reader in readers] == _rank_together(pool, readers)
