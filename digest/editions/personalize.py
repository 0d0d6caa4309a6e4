"""What one subscriber receives from an edition, and the variant key that lets many share one render.

Signals, strongest first: the editors' picks (always first), what the reader follows (an author, keyword or arXiv
category), what their own 👍/👎 taught (digest.editions.relevance), their topics; community upvotes and the
editors' order break ties. What the reader mutes never comes. A reader without a trained model (cold start) gets
their topics in the edition's order (upvotes, then editors' curation), as before.

The edition is what editors curated (EDITION_MAX_PAPERS papers), but a day announces several hundred, all of them
translated. The rest of the day is the edition's *reserve*: a reserve paper reaches a reader only through their own
signal (a follow, or their model liking it), never through a bare topic match, so a cold-start reader's email is
the edition as editors left it, while a reader whose interests are narrow is not limited to the forty papers that
happened to lead on upvotes.

An edition's papers are prepared once (`Pool`: topic masks, featured and reserve masks, upvote prior, paper
vectors); picking one reader's papers is then a few array operations, and Pick objects are made only for the
papers kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse

from digest.editions.interests import Interests
from digest.editions.relevance import LearnedWeights, logits, upvote_prior
from digest.models import EditionEntry

#: A paper the reader's model vouches for ("similar to papers you liked") may come from outside their topics or
#: the edition: its probability is at least LIKED_THRESHOLD, or it stands LIKED_Z standard deviations above the
#: day's papers. Models trained on a few dozen votes, most of them 👎, are confident about little, so the second,
#: relative test is the one that usually speaks (bench/relevance_bench.py).
LIKED_THRESHOLD, LIKED_Z = 0.7, 2.5
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

    @property
    def personal(self) -> bool:
        """Whether the reader has a signal of their own (a model or a follow) that may reach into the reserve."""
        return self.learned is not None or bool(self.follows)


@dataclass(frozen=True)
class VariantKey:
    edition_id: int
    language: str
    bilingual: bool
    #: (paper id, matched topic, followed, liked) per pick: the "why you got this" line is part of the render.
    picks: tuple[tuple[int, str, str, bool], ...]


class Pool:
    """An edition's entries, then its reserve, prepared once for picking many readers' papers."""

    def __init__(
        self,
        entries: Sequence[EditionEntry],
        reserve: Sequence[EditionEntry] = (),
        vectors: sparse.csr_matrix | None = None,
    ) -> None:
        self.entries = [*entries, *reserve]
        self.edition_size = len(entries)
        #: Paper vectors of every entry, reserve included (digest.editions.relevance.vectorize), or None.
        self.vectors = vectors
        count = len(self.entries)
        self.in_edition = np.arange(count) < self.edition_size
        self.featured = np.array([e.featured for e in self.entries], dtype=bool) & self.in_edition
        self.prior = np.asarray(upvote_prior([e.paper.score for e in self.entries]), dtype=float)
        self.topics = [[topic.slug for topic in e.paper.topics.all()] for e in self.entries]
        self.topic_masks: dict[str, np.ndarray] = {}
        for index, slugs in enumerate(self.topics):
            for slug in slugs:
                self.topic_masks.setdefault(slug, np.zeros(count, dtype=bool))[index] = True

    def __len__(self) -> int:
        return len(self.entries)

    def matching(self, interests: Interests) -> list[str]:
        return [
            interests.match(e.paper.title, e.paper.abstract, e.paper.authors, e.paper.categories) for e in self.entries
        ]


def pick_papers(
    entries: list[EditionEntry],
    topic_slugs: frozenset[str],
    max_papers: int,
    *,
    reader: Reader | None = None,
    vectors: sparse.csr_matrix | None = None,
    reserve: Sequence[EditionEntry] = (),
) -> list[Pick]:
    """Featured papers first (unless muted); then the reader's papers ranked by the blended signals; capped.
    `vectors` are the paper vectors of entries then reserve, needed only with a model."""
    reader = replace(reader or Reader(), topic_slugs=topic_slugs, max_papers=max_papers)
    return pick_from(Pool(entries, reserve, vectors), reader)


def pick_from(pool: Pool, reader: Reader, model_logits: np.ndarray | None = None) -> list[Pick]:
    """The reader's picks from a prepared pool; `model_logits` (their model's, per pool row) when the caller
    scored a batch of readers at once."""
    count = len(pool)
    if model_logits is None and reader.learned is not None and pool.vectors is not None:
        model_logits = logits(reader.learned, pool.vectors)
    relevance, liked = _learned_signal(model_logits, count)
    muted = np.zeros(count, dtype=bool)
    if reader.mutes:
        muted = np.array([bool(m) for m in pool.matching(reader.mutes)], dtype=bool)
    followed_by = pool.matching(reader.follows) if reader.follows else None
    followed = np.array([bool(f) for f in followed_by], dtype=bool) if followed_by else np.zeros(count, dtype=bool)
    if reader.topic_slugs:
        matched = np.zeros(count, dtype=bool)
        for slug in reader.topic_slugs:
            mask = pool.topic_masks.get(slug)
            if mask is not None:
                matched |= mask
        topic_ok = matched
    else:
        matched = np.zeros(count, dtype=bool)
        topic_ok = np.ones(count, dtype=bool)
    eligible = ~pool.featured & ~muted & ((pool.in_edition & topic_ok) | followed | liked)
    rows = np.flatnonzero(eligible)
    if relevance is None and followed_by is None:
        ordered = rows  # cold start: the edition's own order (upvotes, editors' curation) decides
    else:
        score = FOLLOW_WEIGHT * followed + TOPIC_WEIGHT * matched + PRIOR_WEIGHT * pool.prior
        if relevance is not None:
            score = score + LEARNED_WEIGHT * relevance
        ordered = rows[np.lexsort((rows, -score[rows]))]
    featured = list(np.flatnonzero(pool.featured & ~muted))
    chosen = [*featured, *ordered[: max(0, reader.max_papers - len(featured))]][: reader.max_papers]
    picks = []
    for index in chosen:
        entry = pool.entries[index]
        if entry.featured and pool.in_edition[index]:
            picks.append(Pick(entry, ""))
            continue
        slugs = pool.topics[index]
        if reader.topic_slugs:
            topic = next((slug for slug in slugs if slug in reader.topic_slugs), "")
        else:
            topic = slugs[0] if slugs else ""
        follow = followed_by[index] if followed_by else ""
        picks.append(Pick(entry, topic, follow, bool(liked[index]) and not follow))
    return picks


def _learned_signal(model_logits: np.ndarray | None, count: int) -> tuple[np.ndarray | None, np.ndarray]:
    """How much the model favours each paper relative to the day's others (-1..1, from a z-score clipped at 3
    deviations; None without a model), and which papers it vouches for."""
    if model_logits is None:
        return None, np.zeros(count, dtype=bool)
    spread = float(model_logits.std())
    z = (model_logits - model_logits.mean()) / spread if spread > 1e-9 else np.zeros(count)
    probability = 1.0 / (1.0 + np.exp(-model_logits))
    return np.clip(z, -3.0, 3.0) / 3.0, (probability >= LIKED_THRESHOLD) | (z >= LIKED_Z)


def variant_key(edition_id: int, language: str, bilingual: bool, picks: list[Pick]) -> VariantKey:
    return VariantKey(
        edition_id,
        language,
        bilingual,
        tuple((p.entry.paper_id, p.matched_topic, p.followed, p.liked) for p in picks),
    )
