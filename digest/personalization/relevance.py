"""The per-reader relevance model: what a reader's 👍/👎 say about papers they have not seen.

Papers become hashed term vectors of title + abstract (unigrams and bigrams, English stop words dropped, sublinear
term frequency, l2-normalized): a HashingVectorizer needs no vocabulary, so a model trained tonight scores
tomorrow's papers without refitting anything. A reader's model is a linear classifier (logistic regression, class
weights balanced) trained on their votes; with votes of one kind only, the centroid of those papers (or its negative)
stands in. Only the strongest TOP_WEIGHTS weights are kept: scoring an edition for a batch of readers is then a
product of their small sparse weight vectors with the edition's PaperMatrix, made once per edition.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy import sparse

N_FEATURES = 2**18
TOP_WEIGHTS = 128
#: A reader needs this many votes before their own signal ranks anything (cold start: topics + upvotes).
MIN_VOTES = 3

@cache
def _vectorizer():
    """scikit-learn is imported when papers are first vectorized, not when this module is: every process loads it
    through the admin (manage.py, the web, workers), and sklearn takes ~0.7 s to import."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        n_features=N_FEATURES,
        ngram_range=(1, 2),
        stop_words="english",
        alternate_sign=False,
        norm=None,
        lowercase=True,
    )


def paper_text(title: str, abstract: str) -> str:
    return f"{title}. {title}. {abstract}"  # the title twice: it says what the paper is about


def vectorize(texts: list[str]) -> sparse.csr_matrix:
    counts = _vectorizer().transform(texts).astype(np.float32)
    counts.data = 1.0 + np.log(counts.data)  # sublinear tf: a word said ten times is not ten times the topic
    norms = np.sqrt(counts.multiply(counts).sum(axis=1)).A1
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ counts)


@dataclass(frozen=True, eq=False)
class LearnedWeights:
    """A reader's model: its strongest weights by hashed feature, and the intercept."""

    indices: np.ndarray  # int32 feature indices, ascending
    weights: np.ndarray  # float32, one per index
    intercept: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "indices", np.asarray(self.indices, dtype=np.int32))
        object.__setattr__(self, "weights", np.asarray(self.weights, dtype=np.float32))
        if self.indices.shape != self.weights.shape:
            raise ValueError("a model needs one weight per index")

    def to_bytes(self) -> bytes:
        """Stored as little-endian int32 indices then float32 weights: read back with no parsing (the send path
        loads a model for every reader who has one, so reading one must cost no parsing)."""
        return self.indices.astype("<i4").tobytes() + self.weights.astype("<f4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes | memoryview | None, intercept: float = 0.0) -> LearnedWeights | None:
        """None for bytes no model wrote (a reader with them stays in cold start rather than stop a send batch)."""
        if not data or len(data) % 8:
            return None
        count = len(data) // 8
        indices = np.frombuffer(data, dtype="<i4", count=count)
        if indices[0] < 0 or indices[-1] >= N_FEATURES:  # ascending as stored: the ends bound the rest
            return None
        return cls(indices, np.frombuffer(data, dtype="<f4", count=count, offset=4 * count), intercept)


def train(vectors: sparse.csr_matrix, votes: list[int]) -> LearnedWeights | None:
    """`votes` are +1 / -1 per row of `vectors`; None below MIN_VOTES (the reader is still in cold start)."""
    if len(votes) < MIN_VOTES:
        return None
    labels = np.asarray(votes)
    # Only the terms of the voted papers can get a weight: fitting over those columns instead of all N_FEATURES
    # makes one reader's fit ~50x cheaper (what keeps the nightly bulk run in minutes).
    columns = np.unique(sparse.csr_matrix(vectors).indices)
    compact = vectors[:, columns]
    if len(set(votes)) == 2:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear", max_iter=200)
        model.fit(compact, labels)
        coef = model.coef_.ravel()
        intercept = float(model.intercept_[0])
    else:
        coef = np.asarray(compact.mean(axis=0)).ravel() * 4.0 * labels[0]
        intercept = 0.0
    nonzero = np.flatnonzero(coef)
    best = nonzero[np.argsort(-np.abs(coef[nonzero]))[:TOP_WEIGHTS]]
    best.sort()
    return LearnedWeights(columns[best], coef[best], intercept)


class PaperMatrix:
    """A pool's paper vectors arranged for scoring many models at once, made once per pool.

    A model's log-odds of a paper is a sum over its TOP_WEIGHTS features of weight x the paper's value. Terms many
    papers share ("model", "learning") carry nearly all of that work: in a day's 340 papers, the weights on terms
    found in at least four papers are 70 % of the weights and 99 % of the multiply-adds. Those terms are kept as a
    dense block (one row of the pool's values per term), which a batch's weights combine row by row in contiguous
    arithmetic; a sparse-by-sparse product over the same terms took twice as long (bench/relevance_bench.py --parts
    send). The rarer terms stay sparse. Scipy does both products; this class only decides which term goes where.
    """

    #: A term goes into the dense block when at least this share of the pool's papers, and DENSE_MIN_PAPERS, have it.
    DENSE_MIN_SHARE, DENSE_MIN_PAPERS = 0.01, 4

    def __init__(self, vectors: sparse.csr_matrix) -> None:
        columns = sparse.csr_matrix(vectors.T, dtype=np.float32, copy=True)  # features x papers; the caller's kept
        columns.sort_indices()
        document_frequency = np.diff(columns.indptr)
        least = max(self.DENSE_MIN_PAPERS, math.ceil(self.DENSE_MIN_SHARE * vectors.shape[0]))
        common = np.flatnonzero(document_frequency >= least)
        #: Each feature's row in `dense`, or -1 (1 MB a pool: looking up a batch's weights is then one gather).
        self.position = np.full(N_FEATURES, -1, dtype=np.int32)
        self.position[common] = np.arange(len(common), dtype=np.int32)
        self.dense = columns[common].toarray()
        columns.data[np.repeat(self.position >= 0, document_frequency)] = 0.0
        columns.eliminate_zeros()
        self.rare = columns


def batch_logits(models: list[LearnedWeights], matrix: PaperMatrix) -> np.ndarray:
    """Every model's log-odds for every paper, readers x papers (float32): the send path scores a batch of readers
    against the edition's pool at once."""
    indptr = np.zeros(len(models) + 1, dtype=np.int32)
    np.cumsum([len(m.indices) for m in models], out=indptr[1:])
    indices = np.concatenate([m.indices for m in models])
    weights = np.concatenate([m.weights for m in models])
    # Out of range only in bytes corrupted out of order (from_bytes refuses the rest): such a weight scores nothing.
    in_range = (indices >= 0) & (indices < N_FEATURES)
    if not in_range.all():
        indices, weights = np.where(in_range, indices, 0), np.where(in_range, weights, 0.0)
    at = matrix.position[indices]
    common = at >= 0
    # Each model's weights split in two, order kept: those on the dense block's terms, and the others.
    before = np.zeros(len(indices) + 1, dtype=np.int32)
    np.cumsum(common, out=before[1:])
    common_ptr = before[indptr]
    on_common = sparse.csr_matrix((weights[common], at[common], common_ptr), shape=(len(models), len(matrix.dense)))
    rare = ~common
    on_rare = sparse.csr_matrix((weights[rare], indices[rare], indptr - common_ptr), shape=(len(models), N_FEATURES))
    logits = on_common @ matrix.dense
    logits += (on_rare @ matrix.rare).toarray()
    logits += np.array([m.intercept for m in models], dtype=np.float32)[:, None]
    return logits


def upvote_prior(upvotes: list[int]) -> list[float]:
    """Community upvotes (Hugging Face) scaled to 0..1 within the edition, log-damped."""
    top = max(upvotes, default=0)
    if top <= 0:
        return [0.0] * len(upvotes)
    return [math.log1p(max(u, 0)) / math.log1p(top) for u in upvotes]
