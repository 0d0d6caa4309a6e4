"""The per-reader relevance model: what a reader's 👍/👎 say about papers they have not seen.

Papers become hashed term vectors of title + abstract (unigrams and bigrams, English stop words dropped, sublinear
term frequency, l2-normalized): a HashingVectorizer needs no vocabulary, so a model trained tonight scores
tomorrow's papers without refitting anything. A reader's model is a linear classifier (logistic regression, class
weights balanced) trained on their votes; with votes of one kind only, the centroid of those papers (or its negative)
stands in. Only the strongest TOP_WEIGHTS weights are kept: scoring one edition for one reader is then a product of
a small sparse vector with the edition's matrix, computed once per edition.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

N_FEATURES = 2**18
TOP_WEIGHTS = 256
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


@dataclass(frozen=True)
class LearnedWeights:
    indices: tuple[int, ...]
    weights: tuple[float, ...]
    intercept: float = 0.0

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """As numpy arrays, made once per model (the send path scores one model against many papers)."""
        cached = self.__dict__.get("_arrays")
        if cached is None:
            cached = (np.asarray(self.indices, dtype=np.int64), np.asarray(self.weights))
            object.__setattr__(self, "_arrays", cached)
        return cached

    def to_json(self) -> dict:
        return {"i": list(self.indices), "w": [round(w, 5) for w in self.weights]}

    @classmethod
    def from_json(cls, data: dict | None, intercept: float = 0.0) -> LearnedWeights | None:
        if not data or not data.get("i"):
            return None
        return cls(tuple(int(i) for i in data["i"]), tuple(float(w) for w in data["w"]), intercept)


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
    return LearnedWeights(tuple(int(columns[i]) for i in best), tuple(float(coef[i]) for i in best), intercept)


def logits(weights: LearnedWeights, vectors: sparse.csr_matrix) -> np.ndarray:
    """The model's log-odds that the reader likes each row (0: no opinion)."""
    if not weights.indices:
        return np.zeros(vectors.shape[0])
    # A dense weight vector makes the product one pass over the edition's non-zeros (slicing columns out of the
    # CSR matrix costs ten times more); the buffer is per thread and cleared after use.
    dense = _dense_buffer()
    indices, values = weights.arrays()
    dense[indices] = values
    result = vectors @ dense + weights.intercept
    dense[indices] = 0.0
    return np.asarray(result).ravel()


_local = threading.local()


def _dense_buffer() -> np.ndarray:
    buffer = getattr(_local, "dense", None)
    if buffer is None:
        buffer = _local.dense = np.zeros(N_FEATURES)
    return buffer


def upvote_prior(upvotes: list[int]) -> list[float]:
    """Community upvotes (Hugging Face) scaled to 0..1 within the edition, log-damped."""
    top = max(upvotes, default=0)
    if top <= 0:
        return [0.0] * len(upvotes)
    return [math.log1p(max(u, 0)) / math.log1p(top) for u in upvotes]
