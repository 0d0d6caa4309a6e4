"""A worker keeps the renders readers share; a selection only one reader has does not push them out."""

import datetime

import pytest
from django.utils import timezone

from digest.delivery import sending
from digest.delivery.sending import forget_cached_work, variant_for
from digest.editions.build import build_edition
from digest.models import Delivery
from digest.personalization.relevance import paper_text, train, vectorize
from subscribers.models import ReaderModel
from tests.factories import PaperFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 5, 28)
DIFFUSION = "Diffusion models generate images by denoising; we improve image synthesis sampling."
TOKENS = "Tokenizers split text into subword tokens; we study byte pair encoding vocabularies."


@pytest.fixture
def edition(topics):
    for n in range(3):
        PaperFactory(title=f"Faster Diffusion Sampling {n}", abstract=DIFFUSION, announced_on=DAY, score=50 - n)
        PaperFactory(title=f"Tokenizer Study {n}", abstract=TOKENS, announced_on=DAY, score=10 - n)
    return build_edition(DAY)


@pytest.fixture
def renders(monkeypatch) -> list:
    made: list = []
    original = sending.render_variant

    def counting(*args, **kwargs):
        made.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(sending, "render_variant", counting)
    for cache in (sending._variants, sending._readers_variant):
        monkeypatch.setattr(cache, "size", 2)
    forget_cached_work()
    yield made
    forget_cached_work()


def reader_with_model(max_papers: int, votes: dict[str, int]):
    reader = SubscriberFactory(language="en", max_papers=max_papers)
    model = train(vectorize([paper_text(title, abstract) for title, abstract in votes]), list(votes.values()))
    ReaderModel.objects.create(subscriber=reader, weights=model.to_bytes(), intercept=model.intercept,
                               votes=len(votes), trained_at=timezone.now())  # fmt: skip
    return reader


LIKES_TOKENIZERS = {("Tokenizer study", TOKENS): 1, ("Tokenizer vocabularies", TOKENS): 1,
                    ("Diffusion sampling", DIFFUSION): -1, ("Diffusion guidance", DIFFUSION): -1}  # fmt: skip


def test_selections_of_readers_own_do_not_push_out_the_render_other_readers_share(edition, renders):
    first = SubscriberFactory(language="en", max_papers=3)
    variant_for(Delivery(edition=edition, subscriber=first), first)
    kept = [len(cache.items) for cache in (sending._variants, sending._readers_variant)]
    own = [reader_with_model(size, LIKES_TOKENIZERS) for size in (1, 2, 4)]  # three selections nobody else gets
    for reader in own:
        assert "1. Tokenizer Study" in variant_for(Delivery(edition=edition, subscriber=reader), reader).text
    assert len(renders) == 4
    assert [len(cache.items) for cache in (sending._variants, sending._readers_variant)] == kept  # neither holds them
    second = SubscriberFactory(language="en", max_papers=3)  # what the first reader was sent
    variant = variant_for(Delivery(edition=edition, subscriber=second), second)
    assert len(renders) == 4
    assert variant.paper_count == 3 and "1. Faster Diffusion Sampling 0" in variant.text


def test_a_reader_with_a_model_whose_selection_is_a_shared_one_takes_that_render(edition, renders):
    shared = SubscriberFactory(language="en", max_papers=3)
    variant = variant_for(Delivery(edition=edition, subscriber=shared), shared)
    # Dislikes only what the shared selection leaves out anyway: the same papers, for the same reasons.
    learner = reader_with_model(3, {(f"Tokenizer paper {n}", TOKENS): -1 for n in range(3)})
    assert variant_for(Delivery(edition=edition, subscriber=learner), learner) is variant
    assert len(renders) == 1
