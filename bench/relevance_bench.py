"""Relevance benchmark over real arXiv papers (bench/data/arxiv_papers.jsonl.gz, origin in bench/data/ORIGIN.md).

Simulated readers have a hidden interest: two fine-grained themes (clusters of a day-independent TF-IDF + k-means
over the whole corpus, a vocabulary the system never sees). On sign-up each ticks the two site topics their themes
fall in most often. Every day the edition is that day's papers; each reader receives what digest.personalization.picking
picks for them (their topics, plus their learned model once trained) and votes 👍 on a received paper of their
themes, 👎 on one that is not, a few votes a day. Each night every reader's model is retrained with the same code as
subscribers.learning. Printed:

- precision@5 (share of the first five papers that are of the reader's themes) on day 1 and after day 10 (days 11 to
  15, models trained on ten days of votes), for the learned blend and for the topic-only ranking;
- the time to retrain 10,000 readers with 20 votes each (vectorize + fit + keep the top weights);
- the added time per 1,000 emails at send: ranking 1,000 readers with a learned model (each model decoded from its
  stored bytes, a batch of readers scored together against the edition and its reserve, picked together), all of it
  added (cold-start readers' picks are cached), in one process, the median of five runs over the same readers;
  against today's send (--send-rate messages/s from bench/send_bench.py over --send-processes worker processes, i.e.
  that many process-milliseconds per wall millisecond).

    .venv/bin/python bench/relevance_bench.py [--readers 300] [--seed 7] [--send-rate 1900 --send-processes 2]
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsletter.settings")

DATA = Path(__file__).resolve().parent / "data" / "arxiv_papers.jsonl.gz"
CLUSTERS = 60
VOTES_PER_DAY = 3
TRAIN_DAYS = 10


@dataclass(frozen=True)
class SimTopic:
    slug: str
    arxiv_categories: list[str]
    keywords: list[str]


class TopicSet:
    def __init__(self, topics: list[SimTopic]) -> None:
        self.topics = topics

    def all(self) -> list[SimTopic]:
        return self.topics


@dataclass
class SimPaper:
    pk: int
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]
    day: str
    score: int = 0
    topics: TopicSet = field(default_factory=lambda: TopicSet([]))
    theme: int = -1


@dataclass(frozen=True)
class SimEntry:
    paper: SimPaper
    featured: bool = False

    @property
    def paper_id(self) -> int:
        return self.paper.pk


def load_papers() -> list[SimPaper]:
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return [SimPaper(i, r["title"], r["abstract"], r["authors"], r["categories"], r["day"]) for i, r in enumerate(rows)]


def assign_themes(papers: list[SimPaper], seed: int) -> None:
    """Hidden ground truth: k-means clusters of a TF-IDF the system does not use (its own vocabulary and idf)."""
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(min_df=3, max_df=0.3, stop_words="english", sublinear_tf=True).fit_transform(
        [f"{p.title} {p.abstract}" for p in papers]
    )
    labels = MiniBatchKMeans(n_clusters=CLUSTERS, random_state=seed, n_init=3).fit_predict(matrix)
    for paper, label in zip(papers, labels, strict=True):
        paper.theme = int(label)


def classify(papers: list[SimPaper]) -> None:
    from digest.papers.classify import matching_topics
    from digest.papers.default_topics import TOPICS

    topics = [SimTopic(t[0], t[5], t[6]) for t in TOPICS]
    for paper in papers:
        paper.topics = TopicSet(matching_topics(paper, topics))


@dataclass
class SimReader:
    themes: frozenset[int]
    topic_slugs: frozenset[str]
    votes: list[tuple[int, int]] = field(default_factory=list)
    learned: object = None


def make_readers(papers: list[SimPaper], count: int, rng: random.Random) -> list[SimReader]:
    by_theme: dict[int, list[SimPaper]] = defaultdict(list)
    for paper in papers:
        by_theme[paper.theme].append(paper)
    themes = [t for t, members in by_theme.items() if len(members) >= 30]
    readers = []
    for _ in range(count):
        chosen = frozenset(rng.sample(themes, 2))
        slugs = Counter(t.slug for theme in chosen for p in by_theme[theme] for t in p.topics.all())
        readers.append(SimReader(chosen, frozenset(slug for slug, _ in slugs.most_common(2))))
    return readers


def precision_at_5(picks, reader: SimReader) -> float:
    top = picks[:5]
    return sum(pick.entry.paper.theme in reader.themes for pick in top) / 5 if top else 0.0


def simulate(
    papers: list[SimPaper], readers: list[SimReader], rng: random.Random, size: int, reserve_size: int
) -> dict[str, list[float]]:
    """Each day's edition is the first `size` papers of the day (0: all of them) and its reserve the next
    `reserve_size` (what only a reader's own signal may bring); topic-only readers get the edition alone."""
    from digest.personalization.picking import Reader, pick_papers
    from digest.personalization.relevance import paper_text, train, vectorize

    days = sorted({p.day for p in papers})
    by_day = {day: [SimEntry(p) for p in sorted(papers, key=lambda p: p.pk) if p.day == day] for day in days}
    # the build's order without upvotes (arXiv ids), capped like EDITION_MAX_PAPERS; the rest is the reserve
    editions = {day: entries[:size] if size else entries for day, entries in by_day.items()}
    reserves = {day: entries[size : size + reserve_size] if size else [] for day, entries in by_day.items()}
    vectors_of_day = {
        day: vectorize([paper_text(e.paper.title, e.paper.abstract) for e in editions[day] + reserves[day]])
        for day in days
    }
    all_vectors = vectorize([paper_text(p.title, p.abstract) for p in papers])
    results: dict[str, list[float]] = defaultdict(list)
    for number, day in enumerate(days, start=1):
        entries, reserve, vectors = editions[day], reserves[day], vectors_of_day[day]
        for reader in readers:
            topic_only = pick_papers(entries, reader.topic_slugs, 10)
            learned = pick_papers(
                entries,
                reader.topic_slugs,
                10,
                reader=Reader(reader.topic_slugs, 10, learned=reader.learned, learned_key="bench"),
                vectors=vectors,
                reserve=reserve,
            )
            phase = "day1" if number == 1 else "after" if number > TRAIN_DAYS else ""
            if phase:
                results[f"{phase}_topic"].append(precision_at_5(topic_only, reader))
                results[f"{phase}_learned"].append(precision_at_5(learned, reader))
                results[f"{phase}_reserve"].append(
                    sum(p.entry.paper.pk not in {e.paper.pk for e in entries} for p in learned[:5]) / 5
                )
            if number <= TRAIN_DAYS:  # the reader votes on a few of the papers they received
                for pick in rng.sample(learned, min(VOTES_PER_DAY, len(learned))):
                    paper = pick.entry.paper
                    reader.votes.append((paper.pk, 1 if paper.theme in reader.themes else -1))
        if number <= TRAIN_DAYS:  # the nightly retraining
            for reader in readers:
                if reader.votes:
                    rows = [pk for pk, _ in reader.votes]
                    reader.learned = train(all_vectors[rows], [v for _, v in reader.votes])
    return results


def retrain_time(papers: list[SimPaper], readers: int, votes: int, rng: random.Random) -> tuple[float, float]:
    """Seconds to retrain `readers` readers with `votes` votes each, and the kilobytes of weights kept per reader."""
    from digest.personalization.relevance import paper_text, train, vectorize

    started = time.perf_counter()
    matrix = vectorize([paper_text(p.title, p.abstract) for p in papers])  # every voted paper, once per night
    sizes = []
    for _ in range(readers):
        rows = rng.sample(range(len(papers)), votes)
        labels = [rng.choice((1, -1)) for _ in rows]
        learned = train(matrix[rows], labels)
        sizes.append(len(learned.to_bytes()) if learned else 0)
    return time.perf_counter() - started, statistics.mean(sizes) / 1024


def send_cost(
    papers: list[SimPaper], rng: random.Random, size: int, reserve: int, emails: int = 1000, repeats: int = 5
) -> tuple[float, list[float]]:
    from django.conf import settings

    """Seconds to pick 1,000 readers' papers by topics alone from a `size`-paper edition, and with a learned model
    each from the edition and its `reserve` (the send path's Pool, prepared once per edition and process). At send,
    readers in cold start share their picks (cached per topics, follows and size), so the second figure, all of it,
    is what learning adds to picking; it is timed `repeats` times over the same 1,000 readers."""

    from digest.personalization.picking import Pool, Reader, pick_from, pick_many
    from digest.personalization.relevance import LearnedWeights, paper_text, train, vectorize

    day = Counter(p.day for p in papers).most_common(1)[0][0]
    entries = [SimEntry(p) for p in papers if p.day == day]
    edition, extra = entries[:size], entries[size : size + reserve]
    corpus = vectorize([paper_text(p.title, p.abstract) for p in papers])
    models = []
    for _ in range(emails):
        rows = rng.sample(range(len(papers)), 20)
        models.append(train(corpus[rows], [rng.choice((1, -1)) for _ in rows]))
    topics = frozenset({"vision", "llm"})
    started = time.perf_counter()
    cold_pool = Pool(edition)
    for _ in range(emails):
        pick_from(cold_pool, Reader(topics, 10))
    cold = time.perf_counter() - started
    # The pool (paper vectors, topic masks) is made once per edition and worker process, before its first batch.
    pool = Pool(edition, extra, vectorize([paper_text(e.paper.title, e.paper.abstract) for e in edition + extra]))
    # The bench holds the whole corpus and a thousand models, which a worker does not: a full collection over
    # them in the timed loop (~100 ms, one run in three) would be the bench timing itself.
    gc.collect()
    gc.freeze()
    stored = [(model.to_bytes(), model.intercept) for model in models]  # as the database hands them over
    batch = settings.SEND_BATCH_SIZE
    runs = []
    for _ in range(repeats):  # a worker sends many thousands: the median run, not the first one's warm-up
        started = time.perf_counter()
        for start in range(0, emails, batch):  # as the send path picks a batch of readers together
            readers = [
                Reader(topics, 10, learned=LearnedWeights.from_bytes(data, intercept), learned_key=str(start + i))
                for i, (data, intercept) in enumerate(stored[start : start + batch])
            ]
            pick_many(pool, readers)
        runs.append(time.perf_counter() - started)
    return cold, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--edition-size", type=int, default=None, help="papers per daily edition (default EDITION_MAX_PAPERS; 0: all)"
    )
    parser.add_argument(
        "--reserve", type=int, default=None, help="the day's papers after the edition (default EDITION_RESERVE_PAPERS)"
    )
    parser.add_argument(
        "--send-rate", type=float, default=0.0, help="today's messages/s (bench/send_bench.py) to compare against"
    )
    parser.add_argument("--send-processes", type=int, default=2, help="worker processes that send rate used")
    parser.add_argument("--parts", default="precision,retrain,send", help="what to measure (comma-separated)")
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings

    size = settings.EDITION_MAX_PAPERS if args.edition_size is None else args.edition_size
    reserve = settings.EDITION_RESERVE_PAPERS if args.reserve is None else args.reserve
    rng = random.Random(args.seed)
    papers = load_papers()
    days = sorted({p.day for p in papers})
    print(f"corpus: {len(papers):,} real arXiv papers over {len(days)} days ({days[0]} .. {days[-1]}), {DATA.name}")
    assign_themes(papers, args.seed)
    classify(papers)
    parts = set(args.parts.split(","))
    if "precision" in parts:
        precision(papers, args.readers, rng, size, reserve)
    if "retrain" in parts:
        seconds, kilobytes = retrain_time(papers, 10_000, 20, rng)
        print(f"retrain 10,000 readers x 20 votes: {seconds:.1f} s (1 process; {kilobytes:.1f} KB of weights per "
              f"reader; 100k readers ~ {seconds * 10 / 60:.1f} min)")  # fmt: skip
    if "send" in parts:
        cold, runs = send_cost(papers, rng, size, reserve)
        learned = statistics.median(runs)
        print(
            f"picking, per 1,000 emails ({size}-paper edition, reserve {reserve}): by topics {cold * 1000:.0f} "
            f"ms uncached, with a learned model {learned * 1000:.0f} ms, median of {len(runs)} runs "
            f"({min(runs) * 1000:.0f}-{max(runs) * 1000:.0f}; added: all of it; cold picks are cached)"
        )
        if args.send_rate:
            today_ms = 1000 / args.send_rate * 1000 * args.send_processes
            print(f"  today's send of 1,000 emails at {args.send_rate:,.0f} messages/s over {args.send_processes} "
                  f"processes = {today_ms:.0f} process-ms: added {learned * 1000 / today_ms:.1%}")  # fmt: skip


def precision(papers: list[SimPaper], count: int, rng: random.Random, size: int, reserve: int) -> None:
    readers = make_readers(papers, count, rng)
    results = simulate(papers, readers, rng, size, reserve)
    print(f"edition: {size or 'every'} papers of the day; reserve: {reserve if size else 0} more papers of the day")
    mean = {key: statistics.mean(values) for key, values in results.items()}
    last = len({p.day for p in papers})
    print(f"readers: {len(readers)}, hidden interest = 2 of {CLUSTERS} themes, {VOTES_PER_DAY} votes/day for "
          f"{TRAIN_DAYS} days (~{statistics.mean(len(r.votes) for r in readers):.0f} votes each)")  # fmt: skip
    print(f"precision@5 day 1:         learned {mean['day1_learned']:.3f}   topic-only {mean['day1_topic']:.3f}")
    print(f"precision@5 after day 10:  learned {mean['after_learned']:.3f}   topic-only {mean['after_topic']:.3f}"
          f"   ratio {mean['after_learned'] / max(mean['after_topic'], 1e-9):.2f}x  (days 11-{last})")  # fmt: skip
    print(f"share of the learned top five from the reserve: day 1 {mean['day1_reserve']:.1%}, "
          f"after day 10 {mean['after_reserve']:.1%}")  # fmt: skip


if __name__ == "__main__":
    main()
