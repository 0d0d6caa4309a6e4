"""One reader's bad stored preferences fail that reader's delivery with its reason; the batch's others go out."""

import json

import pytest
from django.db import connection
from django.urls import reverse

from digest.delivery.fanout import send_edition
from digest.delivery.sending import forget_cached_work
from digest.models import Delivery
from subscribers.models import Subscriber
from subscribers.tokens import make_token
from tests.factories import EditionEntryFactory, SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Stored values that do not fit the schema, as an admin's JSON box or a hand-written UPDATE leaves them.
BAD_STORED = [
    ["llm"],
    {"keywords": [1, 2]},
    "llm",
    {"keywords": "llm"},
    {"authors": [["Ada"]]},
    {"topics": ["llm"]},
    42,
    {"keywords": ["x"]},
]


@pytest.fixture
def edition():
    forget_cached_work()
    return EditionEntryFactory().edition


@pytest.mark.parametrize("side, bad", [("follows", ["llm"]), ("mutes", {"keywords": [1, 2]})])
def test_one_corrupt_reader_in_a_batch_of_200_fails_alone_and_199_are_sent(edition, outbox_dir, settings, side, bad):
    settings.SEND_BATCH_SIZE = 200
    SubscriberFactory.create_batch(200)
    corrupt = Subscriber.objects.order_by("pk")[100]
    with connection.cursor() as cursor:  # straight into the table, past every check of the code
        cursor.execute(f"UPDATE subscribers_subscriber SET {side} = %s WHERE id = %s", [json.dumps(bad), corrupt.pk])
    report = send_edition(edition)
    assert report.batches == 1
    statuses = dict(Delivery.objects.values_list("subscriber_id", "status"))
    assert list(statuses.values()).count("sent") == 199
    failed = Delivery.objects.get(status="failed")
    assert failed.subscriber_id == corrupt.pk
    assert f"{side}:" in failed.last_error and "schema" in failed.last_error
    assert len(list(outbox_dir.glob("*.eml"))) == 199


@pytest.mark.parametrize("bad", BAD_STORED, ids=[json.dumps(b) for b in BAD_STORED])
def test_every_shape_of_bad_stored_follows_fails_only_its_reader(edition, outbox_dir, bad):
    good = SubscriberFactory.create_batch(2)
    corrupt = SubscriberFactory()
    Subscriber.objects.filter(pk=corrupt.pk).update(follows=bad)
    send_edition(edition)
    assert set(Delivery.objects.filter(subscriber__in=good).values_list("status", flat=True)) == {"sent"}
    failed = Delivery.objects.get(subscriber=corrupt)
    assert failed.status == "failed" and "follows" in failed.last_error


@pytest.mark.parametrize("bad", BAD_STORED, ids=[json.dumps(b) for b in BAD_STORED])
def test_preference_page_of_a_reader_with_bad_stored_follows_answers_200(client, bad):
    subscriber = SubscriberFactory()
    Subscriber.objects.filter(pk=subscriber.pk).update(follows=bad, mutes=bad)
    response = client.get(reverse("subscribers:manage", args=[make_token(subscriber, "manage")]))
    assert response.status_code == 200


def test_saving_the_preference_page_writes_the_bad_stored_follows_back_whole(client):
    subscriber = SubscriberFactory()
    Subscriber.objects.filter(pk=subscriber.pk).update(follows={"keywords": ["llm", 1], "authors": "Ada"})
    url = reverse("subscribers:manage", args=[make_token(subscriber, "manage")])
    form = client.get(url).context["form"]
    data = {**{k: v for k, v in form.initial.items() if k != "topics"}, "action": "preferences"}
    assert data["follow_keywords"] == "llm"
    client.post(url, data)
    subscriber.refresh_from_db()
    assert subscriber.follows == {"keywords": ["llm"], "authors": [], "categories": []}


@pytest.mark.parametrize("address", ["bad\nx@example.com", "a\rb@example.com", "", "   ", "a\x01b@example.com"])
def test_a_stored_address_no_message_can_carry_fails_only_its_reader(edition, outbox_dir, address):
    good = SubscriberFactory.create_batch(3)
    corrupt = SubscriberFactory()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE subscribers_subscriber SET email = %s WHERE id = %s", [address, corrupt.pk])
    send_edition(edition)
    assert set(Delivery.objects.filter(subscriber__in=good).values_list("status", flat=True)) == {"sent"}
    failed = Delivery.objects.get(subscriber=corrupt)
    assert failed.status == "failed" and failed.last_error.startswith("the stored address cannot be mailed")
    assert len(list(outbox_dir.glob("*.eml"))) == 3
