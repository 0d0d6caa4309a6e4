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
