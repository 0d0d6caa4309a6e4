"""Editors see nothing of subscribers: Deliveries and Email events show no address to them; admins see it."""

import pytest
from django.urls import reverse

from digest.models import Delivery, EmailEvent
from tests.admin_users import make_staff
from tests.factories import EditionFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
ADDRESS = "private.reader@example.org"


@pytest.fixture
def delivery():
    subscriber = SubscriberFactory(email=ADDRESS)
    delivery = Delivery.objects.create(
        edition=EditionFactory(), subscriber=subscriber, status="failed", last_error=f"550 {ADDRESS}: no such user"
    )
    EmailEvent.objects.create(
        event_id="pm:1", event_type="bounced", recipient=ADDRESS, delivery=delivery,
        description=f"{ADDRESS} does not exist", raw={"Email": ADDRESS},
    )  # fmt: skip
    return delivery


def pages(delivery) -> list[str]:
    event = EmailEvent.objects.get()
    return [
        reverse("admin:digest_delivery_changelist"),
        reverse("admin:digest_delivery_changelist") + "?q=private.reader",
        reverse("admin:digest_delivery_change", args=[delivery.pk]),
        reverse("admin:digest_emailevent_changelist"),
        reverse("admin:digest_emailevent_changelist") + "?q=private.reader",
        reverse("admin:digest_emailevent_change", args=[event.pk]),
    ]


def test_editors_see_no_subscriber_address_in_deliveries_or_email_events(editor_client, delivery):
    for url in pages(delivery):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert ADDRESS not in response.text and "private.reader@" not in response.text, url


def test_a_search_by_address_finds_nothing_for_an_editor(editor_client, delivery):
    response = editor_client.get(reverse("admin:digest_delivery_changelist") + "?q=private.reader")
    assert response.context["cl"].result_count == 0


def test_admins_still_see_the_addresses(client, delivery):
    client.force_login(make_staff("boss", "admin"))
    search = reverse("admin:digest_delivery_changelist") + f"?q={ADDRESS.upper()}"  # a whole address, any case
    for url in [*pages(delivery)[:3:2], search]:
        assert ADDRESS in client.get(url).text, url


def test_editors_do_not_get_a_readers_personal_link_from_a_click_event(editor_client, delivery):
    EmailEvent.objects.create(
        event_id="pm:2",
        event_type="clicked",
        delivery=delivery,
        url="https://papers.example.org/unsubscribe/SECRET-TOKEN/",
    )
    EmailEvent.objects.create(event_id="pm:3", event_type="clicked", url="https://arxiv.org/abs/2505.00001")
    response = editor_client.get(reverse("admin:digest_emailevent_changelist"))
    assert "SECRET-TOKEN" not in response.text and "https://arxiv.org/abs/2505.00001" in response.text
    event = EmailEvent.objects.get(event_id="pm:2")
    assert "SECRET-TOKEN" not in editor_client.get(reverse("admin:digest_emailevent_change", args=[event.pk])).text
