"""What one subscriber receives from an edition, and the variant key that lets many share one render.

Signals, strongest first: the editors' picks (always first), what the reader follows (an author, keyword or arXiv
category), what their own 👍/👎 taught (digest.personalization.relevance), their topics; community upvotes and the
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

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import repeat
from typing import NamedTuple

import numpy as np
from scipy import sparse

from digest.models import EditionEntry
from digest.personalization.interests import Interests
from digest.personalization.keywords import EMPTY, ChineseText, chinese_text, has_chinese
from digest.personalization.relevance import LearnedWeights, PaperMatrix, batch_logits, upvote_prior

#: A paper the reader's model vouches for ("similar to papers you liked") may come from outside their topics or
#: the edition: its probability is at least LIKED_THRESHOLD, or it stands LIKED_Z standard deviations above the
#: day's papers. Models trained on a few dozen votes, most of them 👎, are confident about little, so the second,
#: relative test is the one that usually speaks (bench/relevance_bench.py).
LIKED_THRESHOLD, LIKED_Z = 0.7, 2.5
LIKED_LOGIT = math.log(LIKED_THRESHOLD / (1 - LIKED_THRESHOLD))
#: Blend weights; a follow outranks everything but the editors' picks, the model outranks a bare topic match.
FOLLOW_WEIGHT, TOPIC_WEIGHT, LEARNED_WEIGHT, PRIOR_WEIGHT = 4.0, 1.0, 3.0, 0.5
#: Distinct keywords whose matching rows a pool keeps (readers share most of theirs) before starting over.
KEYWORDS_KEPT = 20_000


class Pick(NamedTuple):
    """One paper of a reader's email and why it is there (a named tuple: a batch makes thousands of them)."""

    entry: EditionEntry
    #: Slug of the subscriber topic this paper matched, or "" for an editor's pick.
    matched_topic: str
    #: The author, keyword or category the reader follows that picked it ("" for none).
    followed: str = ""
    #: Picked because it resembles papers the reader liked (their model favours it among the day's papers).
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
        #: Paper vectors of every entry, reserve included (digest.personalization.relevance.vectorize), or None.
        self.vectors = vectors
        #: The same arranged for scoring a batch of models at once.
        self.matrix = PaperMatrix(vectors) if vectors is not None else None
        count = len(self.entries)
        self.in_edition = np.arange(count) < self.edition_size
        self.featured = np.array([e.featured for e in self.entries], dtype=bool) & self.in_edition
        self.prior = np.asarray(upvote_prior([e.paper.score for e in self.entries]), dtype=float)
        self.topics = [[topic.slug for topic in e.paper.topics.all()] for e in self.entries]
        self.topic_masks: dict[str, np.ndarray] = {}
        self._matched: dict[frozenset[str], list[str]] = {}
        self._cold: dict[frozenset[str], list[int]] = {}
        self._in_topics: dict[frozenset[str], np.ndarray] = {}
        self._keyword_rows: dict[str, np.ndarray] = {}
        for index, slugs in enumerate(self.topics):
            for slug in slugs:
                self.topic_masks.setdefault(slug, np.zeros(count, dtype=bool))[index] = True

    def matched_topics(self, wanted: frozenset[str]) -> list[str]:
        """For each row, the topic a pick of it names for a reader who chose `wanted`: the first of the paper's
        topics among them (its first topic for a reader who chose none); made once per choice of topics."""
        found = self._matched.get(wanted)
        if found is None:
            if wanted:
                found = [next((slug for slug in slugs if slug in wanted), "") for slugs in self.topics]
            else:
                found = [slugs[0] if slugs else "" for slugs in self.topics]
            self._matched[wanted] = found
        return found

    def in_topics(self, wanted: frozenset[str]) -> np.ndarray:
        """Which rows carry one of these topics; made once per choice of topics (readers share a few choices)."""
        rows = self._in_topics.get(wanted)
        if rows is None:
            rows = np.zeros(len(self.entries), dtype=bool)
            for slug in wanted & self.topic_masks.keys():
                rows |= self.topic_masks[slug]
            self._in_topics[wanted] = rows
        return rows

    @cached_property
    def featured_rows(self) -> list[int]:
        return np.flatnonzero(self.featured).tolist()

    def cold_rows(self, wanted: frozenset[str]) -> list[int]:
        """The edition's rows a cold-start reader with these topics may get, in order (featured ones aside)."""
        rows = self._cold.get(wanted)
        if rows is None:
            matched = self.matched_topics(wanted)
            rows = self._cold[wanted] = [
                i for i in range(self.edition_size) if not self.featured[i] and (matched[i] or not wanted)
            ]
        return rows

    def __len__(self) -> int:
        return len(self.entries)

    @cached_property
    def chinese(self) -> list[ChineseText]:
        """Each paper's translation prepared for Chinese keywords (keywords.py): made once per pool, when the
        first Chinese keyword is matched; a send whose readers have none never costs it."""
        return [chinese_text(_translated(e.paper)) for e in self.entries]

    def keyword_rows(self, keyword: str) -> np.ndarray:
        """Which rows a keyword matches, made once per pool and keyword (readers share their keywords)."""
        rows = self._keyword_rows.get(keyword)
        if rows is None:
            probe = Interests(keywords=(keyword,))
            chinese = self.chinese if has_chinese(keyword) else repeat(EMPTY)
            rows = np.array(
                [
                    bool(probe.match(e.paper.title, e.paper.abstract, (), (), text))
                    for e, text in zip(self.entries, chinese, strict=False)
                ],
                dtype=bool,
            )
            if len(self._keyword_rows) >= KEYWORDS_KEPT:
                self._keyword_rows.clear()
            self._keyword_rows[keyword] = rows
        return rows

    def matching(self, interests: Interests) -> list[str]:
        """For each row, the first item of `interests` it matches ("" for none): authors, then categories, then
        keywords, as Interests.match says."""
        listed = replace(interests, keywords=())
        found = [
            listed.match(e.paper.title, e.paper.abstract, e.paper.authors, e.paper.categories) if listed else ""
            for e in self.entries
        ]
        if interests.keywords:
            hits = np.array([self.keyword_rows(keyword) for keyword in interests.keywords])
            first, any_hit = hits.argmax(axis=0).tolist(), hits.any(axis=0).tolist()
            found = [
                item or (interests.keywords[at] if hit else "")
                for item, at, hit in zip(found, first, any_hit, strict=True)
            ]
        return found


def _translated(paper) -> str:
    """The Chinese a reader sees of the paper (title, abstract, TL;DR of its current translation), or ""."""
    current = getattr(paper, "current_translation", None)
    translation = current() if current is not None else None
    if translation is None:
        return ""
    return f"{translation.title}\n{translation.abstract}\n{translation.tldr}"


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


def pick_from(pool: Pool, reader: Reader) -> list[Pick]:
    """The reader's picks from a prepared pool."""
    return pick_many(pool, [reader])[0]


def pick_many(pool: Pool, readers: Sequence[Reader]) -> list[list[Pick]]:
    """Each reader's picks from a prepared pool. Readers in cold start get the edition's papers of their topics in
    its order; the others are ranked together (_rank_together)."""
    picks: list[list[Pick] | None] = [_cold_picks(pool, r) if not r.personal and not r.mutes else None for r in readers]
    ranked = [i for i, found in enumerate(picks) if found is None]
    for i, found in zip(ranked, _rank_together(pool, [readers[i] for i in ranked]), strict=True):
        picks[i] = found
    return picks  # type: ignore[return-value]


def _cold_picks(pool: Pool, reader: Reader) -> list[Pick]:
    """Featured papers, then the edition's papers of the reader's topics (any, for a reader who chose none), in the
    edition's order (upvotes, editors' curation)."""
    entries, topics = pool.entries, pool.matched_topics(reader.topic_slugs)
    lead = [Pick(entries[i], "") for i in pool.featured_rows][: reader.max_papers]
    rows = pool.cold_rows(reader.topic_slugs)[: max(0, reader.max_papers - len(lead))]
    return lead + [Pick(entries[i], topics[i]) for i in rows]


def _rank_together(pool: Pool, readers: Sequence[Reader]) -> list[list[Pick]]:
    """Readers with a model, follows or mutes, computed for all of them at once: their models score the pool in
    one sparse product, and the blend, the eligibility and the ranking are array operations over readers x papers.
    Only follows and mutes (free text, matched per paper) are looked at reader by reader."""
    count, size = len(pool), len(readers)
    if not size or not count:
        return [[] for _ in readers]
    relevance, liked = _learned_signals(pool, readers)
    matched = np.array([pool.in_topics(r.topic_slugs) for r in readers])
    no_topics = np.array([not r.topic_slugs for r in readers])
    topic_ok = matched | no_topics[:, None]
    matched &= ~no_topics[:, None]
    followed = np.zeros((size, count), dtype=bool)
    muted = np.zeros((size, count), dtype=bool)
    followed_by: dict[int, list[str]] = {}
    for row, reader in enumerate(readers):
        if reader.follows:
            followed_by[row] = pool.matching(reader.follows)
            followed[row] = [bool(item) for item in followed_by[row]]
        if reader.mutes:
            muted[row] = [bool(item) for item in pool.matching(reader.mutes)]
    eligible = ~pool.featured & ~muted & ((pool.in_edition & topic_ok) | followed | liked)
    personal = np.array([r.personal for r in readers])
    score = FOLLOW_WEIGHT * followed + TOPIC_WEIGHT * matched + PRIOR_WEIGHT * pool.prior + LEARNED_WEIGHT * relevance
    # Cold start: the edition's own order (upvotes, editors' curation) decides, so every eligible paper ties.
    score = np.where(personal[:, None], score, 0.0)
    # Best first, ties in the pool's order: the rank key is -score nudged by the row, and only each reader's best
    # `most` are sorted (a partition first: a full sort of every row cost more than the rest of picking).
    key = np.where(eligible, -score + np.arange(count) * 1e-9, np.inf)
    most = min(count, max(r.max_papers for r in readers))
    best = np.argpartition(key, most - 1, axis=1)[:, :most] if most < count else np.tile(np.arange(count), (size, 1))
    order = np.take_along_axis(best, np.argsort(np.take_along_axis(key, best, axis=1), axis=1, kind="stable"), axis=1)
    # Ineligible papers sort last (key inf), so each row's eligible ones are a prefix of its order.
    kept = np.take_along_axis(eligible, order, axis=1).sum(axis=1).tolist()
    vouches = np.take_along_axis(liked, order, axis=1).tolist()
    orders = order.tolist()
    featured = pool.featured_rows
    entries = pool.entries
    picks = []
    for row, reader in enumerate(readers):
        lead = [Pick(entries[i], "") for i in featured if not muted[row, i]] if featured else []
        room = min(kept[row], max(0, reader.max_papers - len(lead)))
        ranked, vouched = orders[row][:room], vouches[row][:room]
        topics = pool.matched_topics(reader.topic_slugs)
        follows = followed_by.get(row)
        if follows:
            named = [follows[i] for i in ranked]
            vouched = [liked and not follow for liked, follow in zip(vouched, named, strict=False)]
        else:
            named = repeat("")
        chosen = lead[: reader.max_papers]
        chosen += map(Pick, map(entries.__getitem__, ranked), map(topics.__getitem__, ranked), named, vouched)
        picks.append(chosen)
    return picks


def _learned_signals(pool: Pool, readers: Sequence[Reader]) -> tuple[np.ndarray, np.ndarray]:
    """How much each reader's model favours each paper relative to the pool's others (-1..1, from a z-score
    clipped at 3 deviations; 0 without a model), and which papers it vouches for."""
    shape = (len(readers), len(pool))
    relevance, liked = np.zeros(shape), np.zeros(shape, dtype=bool)
    rows = [row for row, reader in enumerate(readers) if reader.learned is not None]
    if not rows or pool.matrix is None or not len(pool):
        return relevance, liked
    scores = batch_logits([readers[row].learned for row in rows], pool.matrix)  # type: ignore[misc]
    mean, spread = scores.mean(axis=1, keepdims=True), scores.std(axis=1, keepdims=True)
    # Scores are float32: a model that scores every paper alike shows rounding noise, not a spread to divide by.
    flat = spread <= 1e-5 * np.maximum(1.0, np.abs(mean))
    z = np.divide(scores - mean, spread, out=np.zeros_like(scores), where=~flat)
    relevance[rows] = np.clip(z, -3.0, 3.0) / 3.0
    liked[rows] = (scores >= LIKED_LOGIT) | (z >= LIKED_Z)
    return relevance, liked


def variant_key(edition_id: int, language: str, bilingual: bool, picks: list[Pick]) -> VariantKey:
    return VariantKey(
        edition_id,
        language,
        bilingual,
        tuple((p.entry.paper_id, p.matched_topic, p.followed, p.liked) for p in picks),
    )
