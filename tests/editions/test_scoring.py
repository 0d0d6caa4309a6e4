"""Scoring a batch of reader models against a pool gives each model's plain log-odds of each paper."""

import numpy as np

from digest.personalization.relevance import LearnedWeights, PaperMatrix, batch_logits, vectorize

# Words shared by many papers of the pool (they land in the dense block) and words of one or two papers (they stay
# sparse): a model's weights fall on both kinds, on words no paper of the pool has, or on nothing at all.
PAPERS = [
    f"language model {topic} benchmark evaluation {n}"
    for n, topic in enumerate(["reasoning", "retrieval", "agents", "vision", "speech", "robots"] * 4)
] + ["tokenizer vocabularies", "graph neural networks for molecules"]


def plain_logits(model: LearnedWeights, vectors) -> np.ndarray:
    """The definition: intercept + sum of weight x value over the model's features, paper by paper."""
    dense = vectors.toarray()
    return np.array([model.intercept + sum(w * row[i] for i, w in zip(model.indices, model.weights)) for row in dense])


def feature(word: str) -> int:
    return int(vectorize([word]).indices[0])


def test_every_model_scores_every_paper_as_its_plain_weighted_sum():
    vectors = vectorize(PAPERS)
    matrix = PaperMatrix(vectors)
    shared, rare, unseen = feature("language"), feature("tokenizer"), feature("zebrafish")
    assert matrix.position[shared] >= 0 and matrix.position[rare] < 0  # both halves of the product are exercised
    models = [
        LearnedWeights(sorted([shared, rare]), [1.5, -2.0] if shared < rare else [-2.0, 1.5], 0.25),
        LearnedWeights([unseen], [3.0], -1.0),
        LearnedWeights([], [], 0.5),
        LearnedWeights(sorted({feature(w) for w in ("reasoning", "molecules", "benchmark")}), [1, -1, 2]),
    ]
    expected = np.array([plain_logits(model, vectors) for model in models])
    assert np.allclose(batch_logits(models, matrix), expected, atol=1e-5)


def test_a_model_survives_storage_and_scores_the_same():
    vectors = vectorize(PAPERS)
    model = LearnedWeights([feature("retrieval"), feature("agents")], [0.75, -0.5], 0.1)
    back = LearnedWeights.from_bytes(model.to_bytes(), model.intercept)
    assert np.array_equal(batch_logits([back], PaperMatrix(vectors)), batch_logits([model], PaperMatrix(vectors)))


def test_stored_bytes_naming_a_feature_out_of_range_are_no_model():
    """Corrupt bytes must leave the reader in cold start, not stop a send batch."""
    good = LearnedWeights([5, 70], [0.5, -1.0])
    assert LearnedWeights.from_bytes(good.to_bytes()) is not None
    for indices in ([-3, 70], [5, 2**18]):
        bad = np.array(indices, dtype="<i4").tobytes() + np.array([0.5, -1.0], dtype="<f4").tobytes()
        assert LearnedWeights.from_bytes(bad) is None


def test_arranging_a_pool_for_scoring_leaves_its_vectors_as_they_were():
    vectors = vectorize(PAPERS).tocsc()  # any sparse layout the caller may hold
    before = vectors.copy()
    PaperMatrix(vectors)
    assert (vectors != before).nnz == 0 and vectors.nnz == before.nnz


def test_a_weight_on_a_feature_out_of_range_scores_nothing_and_stops_nothing():
    vectors = vectorize(PAPERS)
    fine = LearnedWeights([feature("retrieval")], [0.75], 0.1)
    # Bytes corrupted out of order get past from_bytes' check of the ends; the batch is still scored.
    corrupt = LearnedWeights([feature("retrieval"), 2**18 + 5, -7, feature("agents")], [0.75, 9.0, 9.0, 0.0], 0.1)
    scores = batch_logits([fine, corrupt], PaperMatrix(vectors))
    assert np.allclose(scores[0], scores[1])
