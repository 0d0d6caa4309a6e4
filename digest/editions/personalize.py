"""What one subscriber receives from an edition, and the variant key that lets many share one render.

Signals, strongest first: the editors' picks (always first), what the reader follows (an author, keyword or arXiv
category), what their own 👍/👎 taught (digest.editions.relevance), their topics; community upvotes and the
editors' order break ties. What the reader mutes never comes. A reader without a trained model (cold start) gets
their topics in the edition's order (upvotes, then editors' curation), as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scipy import sparse

from digest.editions.interests import Interests
from digest.editions.relevance import LearnedWeights, scores, upvote_prior
from digest.models import EditionEntry

#: The model's probability above which a paper outside the reader's topics is still offered.
LIKED_THRESHOLD = 0.7
#: Blend weights; a follow outranks everything but the editors' picks, the model outranks a bare topic match.
FOLLOW_WEIGHT, TOPIC_WEIGHT, LEARNED_WEIGHT, PRIOR_WEIGHT = 4.0, 1.0, 3.0, 0.5


@dataclass(frozen=True)
class Pick:
    entry: EditionEntry
    #: Slug of the subscriber topic this paper matched, or "" for an editor's pick.
    matched_topic: str
    #: The author, keyword or category the reader follows that picked it ("" for none).
    followed: str = ""
    #: Picked because it resembles papers the reader liked (their model's probability is high).
    liked: bool = False


@dataclass(frozen=True)
class Reader:
    """Everything about a reader that changes their picks; `key()` is what readers share a selection by."""

    topic_slugs: frozenset[str] = frozenset()
    max_papers: int = 10
    follows: Interests = field(default_factory=Interests)
    mutes: Interests = field(default_factory=Interests)
    learned: LearnedWeights | None = None
    #: Identifies the learned model (e.g. reader id and training time) so caches never mix two readers' models.
    learned_key: str = ""

    def key(self) -> tuple:
        return (self.topic_slugs, self.max_papers, self.follows, self.mutes, self.learned_key)


@dataclass(frozen=True)
class VariantKey:
    edition_id: int
    language: str
    bilingual: bool
    #: (paper id, matched topic, followed, liked) per pick: the "why you got this" line is part of the render.
    picks: tuple[tuple[int, str, str, bool], ...]


def pick_papers(
    entries: list[EditionEntry],
    topic_slugs: frozenset[str],
    max_papers: int,
    *,
    reader: Reader | None = None,
    vectors: sparse.csr_matrix | None = None,
) -> list[Pick]:
    """Featured papers first (unless muted); then the reader's papers ranked by the blended signals; capped.
    `vectors` are the entries' paper vectors (digest.editions.relevance.vectorize), needed only with a model."""
    reader = reader or Reader(topic_slugs, max_papers)
    learned = scores(reader.learned, vectors) if reader.learned is not None and vectors is not None else None
    prior = upvote_prior([entry.paper.score for entry in entries])
    featured: list[Pick] = []
    ranked: list[tuple[float, int, Pick]] = []
    for index, entry in enumerate(entries):
        paper = entry.paper
        if reader.mutes and reader.mutes.match(paper.title, paper.abstract, paper.authors, paper.categories):
            continue
        paper_topics = [topic.slug for topic in paper.topics.all()]
        if entry.featured:
            featured.append(Pick(entry, ""))
            continue
        if not topic_slugs:
            matched = paper_topics[0] if paper_topics else ""
        else:
            matched = next((slug for slug in paper_topics if slug in topic_slugs), None)
        followed = reader.follows.match(paper.title, paper.abstract, paper.authors, paper.categories)
        probability = float(learned[index]) if learned is not None else None
        liked = probability is not None and probability >= LIKED_THRESHOLD
        if matched is None and not followed and not liked:
            continue
        score = (
            FOLLOW_WEIGHT * bool(followed)
            + TOPIC_WEIGHT * (matched is not None and bool(topic_slugs))
            + (LEARNED_WEIGHT * (probability - 0.5) if probability is not None else 0.0)
            + PRIOR_WEIGHT * prior[index]
        )
        if learned is None and not reader.follows:
            score = 0.0  # cold start: the edition's own order (upvotes, editors' curation) decides
        ranked.append((score, index, Pick(entry, matched or "", followed, liked and not followed)))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    return (featured + [pick for _, _, pick in ranked])[:max_papers]


def variant_key(edition_id: int, language: str, bilingual: bool, picks: list[Pick]) -> VariantKey:
    return VariantKey(
        edition_id,
        language,
        bilingual,
        tuple((p.entry.paper_id, p.matched_topic, p.followed, p.liked) for p in picks),
    )
