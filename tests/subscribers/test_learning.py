"""Learning from votes: the nightly bulk retraining, what it changes in one reader's email (and nobody else's),
the "why" line, and the reader's reset."""

import datetime
import email
from email import policy

import pytest

from digest.delivery.fanout import send_edition
from digest.editions.build import build_edition
from digest.personalization.training import retrain_readers
from subscribers.feedback import record_feedback
from subscribers.learning import reset_learning
from subscribers.models import ReaderModel
from tests.factories import PaperFactory, SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)
YESTERDAY, TODAY = datetime.date(2025, 5, 27), datetime.date(2025, 5, 28)

DIFFUSION = "Diffusion models generate images by denoising; we improve image synthesis sampling and guidance."
TOKENS = "Tokenizers split text into subword tokens; we study byte pair encoding vocabularies for language models."


def paper(title: str, abstract: str, day: datetime.date, score: int = 0):
    return PaperFactory(title=title, abstract=abstract, announced_on=day, score=score)


@pytest.fixture
def today(topics):
    """Diffusion papers lead the edition by upvotes; tokenizer papers trail."""
    for n in range(3):
        paper(f"Faster Diffusion Sampling {n}", DIFFUSION, TODAY, score=50 - n)
        paper(f"Tokenizer Study {n}", TOKENS, TODAY, score=10 - n)
    return build_edition(TODAY)


def order(outbox_dir) -> dict[str, list[str]]:
    found = {}
    for path in outbox_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        text = message.get_body(("plain",)).get_content()
        found[str(message["To"])] = [
            line.split(". ", 1)[1] for line in text.splitlines() if line[:2] in {"1.", "2.", "3."}
        ]
    return found


def dislike_diffusion(reader) -> None:
    for n in range(3):
        record_feedback(reader, paper(f"Old Diffusion Paper {n}", DIFFUSION + f" Variant {n}.", YESTERDAY), "down")


def test_a_thumbs_down_lowers_similar_papers_for_that_reader_only(today, outbox_dir):
    voter = SubscriberFactory(email="voter@example.com", language="en", max_papers=3)
    SubscriberFactory(email="other@example.com", language="en", max_papers=3)
    dislike_diffusion(voter)
    retrain_readers()
    send_edition(today)
    mail = order(outbox_dir)
    assert all(title.startswith("Tokenizer") for title in mail["voter@example.com"])
    assert all(title.startswith("Faster Diffusion") for title in mail["other@example.com"])


def test_votes_change_nothing_until_the_nightly_retraining(today, outbox_dir):
    voter = SubscriberFactory(email="voter@example.com", language="en", max_papers=3)
    dislike_diffusion(voter)
    send_edition(today)
    assert all(title.startswith("Faster Diffusion") for title in order(outbox_dir)["voter@example.com"])


def test_a_paper_outside_the_readers_topics_that_resembles_liked_ones_says_why(today, topics, outbox_dir):
    reader = SubscriberFactory(email="r@example.com", language="en", topics=[topics["robotics"]])
    for n in range(3):
        record_feedback(reader, paper(f"Liked Tokenizer Paper {n}", TOKENS + f" Take {n}.", YESTERDAY), "up")
    retrain_readers()
    send_edition(today)
    text = next(outbox_dir.glob("*.eml")).read_text()
    assert "Tokenizer Study 0" in text and "Faster Diffusion" not in text
    assert "Why you got this: similar to papers you liked." in text


def test_readers_below_the_minimum_of_votes_stay_in_cold_start(topics):
    reader = SubscriberFactory()
    record_feedback(reader, paper("One Paper", DIFFUSION, YESTERDAY), "down")
    report = retrain_readers()
    assert (report.readers, report.trained, report.cold) == (1, 0, 1)
    assert ReaderModel.objects.get(subscriber=reader).trained_at is None


def test_a_reset_forgets_the_votes_so_far_until_new_ones_come(today, outbox_dir):
    voter = SubscriberFactory(email="voter@example.com", language="en", max_papers=3)
    dislike_diffusion(voter)
    retrain_readers()
    reset_learning(voter)
    retrain_readers()
    assert ReaderModel.objects.get(subscriber=voter).trained_at is None
    send_edition(today)
    assert all(title.startswith("Faster Diffusion") for title in order(outbox_dir)["voter@example.com"])


def test_the_preference_centre_offers_the_reset_once_something_was_learned(client, topics):
    from subscribers.tokens import make_token

    reader = SubscriberFactory(language="en")
    url = f"/manage/{make_token(reader, 'manage')}/"
    assert 'value="reset_learning"' in client.get(url).content.decode()
    dislike_diffusion(reader)
    retrain_readers()
    response = client.post(url, {"action": "reset_learning"})
    assert "Forgotten." in response.content.decode()
    assert ReaderModel.objects.get(subscriber=reader).reset_at is not None


def test_the_nightly_task_is_scheduled_before_the_daily_run(settings):
    from newsletter.celery import app, schedule_daily_run

    schedule_daily_run(app)
    entry = app.conf.beat_schedule["retrain-readers"]
    assert entry["task"] == "digest.tasks.retrain_readers"
    assert entry["schedule"].hour == {(settings.DAILY_RUN_HOUR - 1) % 24}


def test_models_stored_as_json_before_are_packed_by_the_migration_and_score_the_same():
    """Weights moved from JSON to packed binary; a reader's model trained before the move keeps working."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from digest.personalization.relevance import LearnedWeights

    executor = MigrationExecutor(connection)
    before, after = [("subscribers", "0005_merge_verbose_names")], [("subscribers", "0006_reader_model_packed_weights")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    reader = old_apps.get_model("subscribers", "Subscriber").objects.create(email="old@example.com", status="active")
    old_apps.get_model("subscribers", "ReaderModel").objects.create(
        subscriber=reader, weights={"i": [3, 70, 900], "w": [0.5, -1.25, 2.0]}, intercept=0.1, votes=5
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    packed = executor.loader.project_state(after).apps.get_model("subscribers", "ReaderModel")
    weights = bytes(packed.objects.get(subscriber_id=reader.pk).weights)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # the later migrations again, for the tests after this one
    model = LearnedWeights.from_bytes(weights, 0.1)
    assert model.indices.tolist() == [3, 70, 900] and model.weights.tolist() == [0.5, -1.25, 2.0]
