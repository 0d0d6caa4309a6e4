"""The last look before messages leave (digest/delivery/gate.py): a reader who leaves after their batch was claimed
and their email prepared is not mailed; their delivery is settled as skipped with the reason, whether messages go
one by one or in a provider's batch request."""

from __future__ import annotations

import pytest

from digest.delivery import sending
from digest.delivery.fanout import send_edition
from digest.models import Delivery
from subscribers import status
from subscribers.models import Subscriber
from tests.delivery.test_worker_faults import outbox_recipients
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)

LEAVE = {
    "unsubscribed": status.unsubscribe,
    "suppressed": lambda subscriber: status.suppress(subscriber, "hard bounce"),
}


@pytest.fixture
def leaves_once_prepared(monkeypatch):
    """Makes `reader` leave (committed, as the web or a webhook would) right after the batch's readers were read
    and their emails prepared, before any message leaves."""

    def install(reader: Subscriber, how: str) -> None:
        prepare = sending._prepare

        def prepare_then_leave(*args, **kwargs):
            prepared = prepare(*args, **kwargs)
            LEAVE[how](Subscriber.objects.get(pk=reader.pk))
            return prepared

        monkeypatch.setattr(sending, "_prepare", prepare_then_leave)

    return install


@pytest.mark.parametrize("how", ["unsubscribed", "suppressed"])
def test_a_reader_who_leaves_after_the_claim_is_skipped_not_mailed(edition, outbox_dir, leaves_once_prepared, how):
    readers = SubscriberFactory.create_batch(4)
    leaves_once_prepared(readers[1], how)
    send_edition(edition)
    assert set(outbox_recipients(outbox_dir)) == {r.email for r in readers} - {readers[1].email}
    leaver = Delivery.objects.get(subscriber=readers[1])
    assert (leaver.status, leaver.last_error) == ("skipped", f"subscriber is {how}")
    assert Delivery.objects.filter(status="sent").count() == 3


def test_a_reader_who_leaves_after_the_claim_is_left_out_of_a_providers_batch(
    edition, batch_provider, leaves_once_prepared
):
    readers = SubscriberFactory.create_batch(4)
    leaves_once_prepared(readers[2], "unsubscribed")
    send_edition(edition)
    assert sorted(batch_provider.recipients()) == sorted(r.email for r in readers if r != readers[2])
    assert batch_provider.accepted_requests == 1
    leaver = Delivery.objects.get(subscriber=readers[2])
    assert (leaver.status, leaver.last_error) == ("skipped", "subscriber is unsubscribed")
