"""The admin's lists cost what one page costs, not what a year of history holds: the edition list's figures are
subqueries per edition (no GROUP BY over every entry), big lists count once (or take PostgreSQL's estimate), the
event filter asks the table nothing, and searches are exact, indexed lookups."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digest.admin import big_tables
from digest.models import Delivery, EmailEvent
from subscribers.feedback import record_feedback
from tests.admin_users import make_staff
from tests.factories import EditionEntryFactory, EditionFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(client):
    client.force_login(make_staff("boss", "admin"))
    return client


def _editions(count: int, start: int = 1) -> None:
    reader = SubscriberFactory()
    for day in range(start, start + count):
        edition = EditionFactory(date=f"2025-03-{day:02d}")
        for position in range(3):
            entry = EditionEntryFactory(edition=edition, position=position)
            record_feedback(reader, entry.paper, "up" if position else "down")
        Delivery.objects.create(edition=edition, subscriber=reader, status="sent", provider_message_id=f"pm-{day}")


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_the_edition_list_runs_the_same_queries_for_two_editions_or_twenty_without_grouping(boss):
    url = reverse("admin:digest_edition_changelist")
    _editions(2)
    response, few = _queries(boss, url)
    assert "👍 2 · 👎 1" in response.text
    _editions(18, start=3)
    response, many = _queries(boss, url)
    assert len(many) == len(few)
    assert response.text.count("👍 2 · 👎 1") == 20
    listing = [sql for sql in many if "votes_up" in sql]
    assert listing and not [sql for sql in listing if 'GROUP BY "digest_edition"' in sql]


def test_a_searched_delivery_list_counts_its_rows_once(boss):
    _editions(3)
    response, queries = _queries(boss, reverse("admin:digest_delivery_changelist") + "?q=pm-2")
    assert [d.provider_message_id for d in response.context["cl"].result_list] == ["pm-2"]
    assert len([sql for sql in queries if "COUNT(" in sql and "digest_delivery" in sql]) == 1


def test_a_delivery_is_found_by_its_exact_provider_id_message_id_or_address_and_not_by_a_fragment(boss):
    _editions(3)
    delivery = Delivery.objects.get(provider_message_id="pm-2")
    delivery.message_id = f"<digest.{delivery.edition_id}.{delivery.pk}.{delivery.subscriber_id}@mail.example.org>"
    delivery.save()
    url = reverse("admin:digest_delivery_changelist") + "?q="

    def found(term: str) -> set[int]:
        return {row.pk for row in boss.get(url + term).context["cl"].result_list}

    assert found("pm-2") == {delivery.pk}
    assert found(delivery.message_id) == {delivery.pk}
    assert found(delivery.subscriber.email.upper()) == set(Delivery.objects.values_list("pk", flat=True))
    assert found("pm-") == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_a_delivery_search_reads_indexes_not_every_delivery(boss):
    _editions(3)
    searched = boss.get(reverse("admin:digest_delivery_changelist") + "?q=pm-2").context["cl"].queryset
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = searched.explain()
    assert "delivery_provider_id_idx" in plan, plan


def test_the_event_type_filter_runs_no_distinct_over_the_events(boss):
    EmailEvent.objects.create(event_id="pm:1", event_type="opened")
    response, queries = _queries(boss, reverse("admin:digest_emailevent_changelist"))
    assert not [sql for sql in queries if "DISTINCT" in sql and "digest_emailevent" in sql]
    assert "?event_type=opened" in response.text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_an_unfiltered_big_list_takes_postgresqls_estimate_instead_of_counting(boss, monkeypatch):
    _editions(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE digest_delivery")
    monkeypatch.setattr(big_tables, "ESTIMATE_ABOVE", 0)
    response, queries = _queries(boss, reverse("admin:digest_delivery_changelist"))
    assert response.context["cl"].result_count == 3
    assert not [sql for sql in queries if "COUNT(" in sql and "digest_delivery" in sql]


def test_the_edition_list_shows_a_month_a_page(boss):
    _editions(31)
    response = boss.get(reverse("admin:digest_edition_changelist"))
    assert len(response.context["cl"].result_list) == 30 and response.context["cl"].result_count == 31
