"""The per-reader relevance model: what a reader's 👍/👎 say about papers they have not seen.

Papers become hashed term vectors of title + abstract (unigrams and bigrams, English stop words dropped, sublinear
term frequency, l2-normalized): a HashingVectorizer needs no vocabulary, so a model trained tonight scores
tomorrow's papers without refitting anything. A reader's model is a linear classifier (logistic regression, class
weights balanced) trained on their votes; with votes of one kind only, the centroid of those papers (or its negative)
stands in. Only the strongest TOP_WEIGHTS weights are kept: scoring an edition for a batch of readers is then one
product of their small sparse weight vectors with the edition's matrix, computed once per edition.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

N_FEATURES = 2**18
TOP_WEIGHTS = 128
#: A reader needs this many votes before their own signal ranks anything (cold start: topics + upvotes).
MIN_VOTES = 3

_vectorizer = HashingVectorizer(
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
    counts = _vectorizer.transform(texts).astype(np.float32)
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
        loads a model for every reader who has one; JSON cost ~70 us a reader there)."""
        return self.indices.astype("<i4").tobytes() + self.weights.astype("<f4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes | memoryview | None, intercept: float = 0.0) -> LearnedWeights | None:
        if not data or len(data) % 8:
            return None
        half = len(data) // 2
        return cls(np.frombuffer(data[:half], dtype="<i4"), np.frombuffer(data[half:], dtype="<f4"), intercept)


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


def batch_logits(models: list[LearnedWeights], columns: sparse.csr_matrix) -> np.ndarray:
    """Every model's log-odds for every paper, readers x papers, in one sparse product (the send path scores a
    batch of readers against the edition at once). `columns` are the papers' vectors transposed (features x
    papers, CSR), made once per pool."""
    indptr = np.zeros(len(models) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(m.indices) for m in models])
    indices = np.concatenate([m.indices for m in models])
    weights = np.concatenate([m.weights for m in models])
    matrix = sparse.csr_matrix((weights, indices, indptr), shape=(len(models), N_FEATURES))
    products = (matrix @ columns).toarray()
    return products + np.array([m.intercept for m in models])[:, None]


def upvote_prior(upvotes: list[int]) -> list[float]:
    """Community upvotes (Hugging Face) scaled to 0..1 within the edition, log-damped."""
    top = max(upvotes, default=0)
    if top <= 0:
        return [0.0] * len(upvotes)
    return [math.log1p(max(u, 0)) / math.log1p(top) for u in upvotes]
