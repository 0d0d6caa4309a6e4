"""Lookups that a daily path makes by something other than the primary key have an index: their cost follows
today's rows, not a year of deliveries."""

from __future__ import annotations

import pytest
from django.db import connection

from digest.models import Delivery

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the planner's choice on a tiny table says nothing
    return queryset.explain()


def test_a_tracking_event_without_metadata_finds_its_delivery_through_an_index():
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    plan = _plan(Delivery.objects.filter(provider_message_id="pm-42").filter(subscriber__email__iexact="a@b.example"))
    assert "delivery_provider_id_idx" in plan, plan


def test_no_prefix_pattern_indexes_are_kept_on_the_big_tables():
    if connection.vendor != "postgresql":
        pytest.skip("varchar_pattern_ops indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('digest_delivery', 'digest_emailevent') "
            "AND indexdef LIKE '%%pattern_ops%%'"
        )
        assert cursor.fetchall() == []


def test_an_event_carries_its_deliverys_edition_and_the_results_read_events_by_it():
    from anymail.signals import AnymailTrackingEvent

    from digest.delivery.tracking import record_event
    from digest.models import EmailEvent
    from tests.factories import EditionFactory, SubscriberFactory

    edition = EditionFactory()
    reader = SubscriberFactory(email="reader@example.org")
    delivery = Delivery.objects.create(edition=edition, subscriber=reader, status="sent", provider_message_id="pm-7")
    record_event(AnymailTrackingEvent(event_type="opened", message_id="pm-7", recipient="reader@example.org"), "pm")
    assert EmailEvent.objects.get().edition_id == edition.pk == delivery.edition_id
    if connection.vendor == "postgresql":
        plan = _plan(EmailEvent.objects.filter(edition=edition, event_type__in=["opened", "clicked"]))
        assert "emailevent_edition_type_idx" in plan, plan


def test_events_recorded_before_carry_their_edition_after_the_migration():
    import importlib

    from django.apps import apps
    from django.db import connection as default

    from digest.models import EmailEvent
    from tests.factories import EditionFactory, SubscriberFactory

    carry = importlib.import_module("digest.migrations.0023_emailevent_edition")
    edition = EditionFactory()
    deliveries = [Delivery.objects.create(edition=edition, subscriber=SubscriberFactory()) for _ in range(3)]
    for n, delivery in enumerate(deliveries):
        EmailEvent.objects.create(event_id=f"e{n}", event_type="opened", delivery=delivery)
    EmailEvent.objects.create(event_id="lost", event_type="bounced")
    EmailEvent.objects.update(edition=None)
    carry.BATCH = 2
    with default.schema_editor(atomic=False) as editor:
        carry.carry_editions(apps, editor)
    assert sorted(EmailEvent.objects.values_list("edition_id", flat=True), key=str) == [edition.pk] * 3 + [None]
