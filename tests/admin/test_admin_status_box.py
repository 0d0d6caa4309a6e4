"""The admin index shows the day's health (the last fetch, translation run and send, and what failed) in a status
box, from the records the day leaves, with queries that do not grow with history."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from digest.health import admin_health
from digest.models import Delivery, Edition, Source, TranslationRequest
from subscribers.models import SubscriberImport
from tests.admin_users import make_staff
from tests.factories import EditionFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(client):
    client.force_login(make_staff("boss", "admin"))
    return client


def _source(**fields) -> Source:
    defaults = {"slug": "cs-cl", "name": "cs.CL", "kind": Source.Kind.ARXIV_RSS, "url": "https://example.org/rss"}
    return Source.objects.create(**{**defaults, **fields})


def _sent_edition(day: int, statuses: list[str]) -> Edition:
    edition = EditionFactory(date=datetime.date(2025, 3, day), status=Edition.Status.SENT, sent_at=timezone.now())
    for status in statuses:
        Delivery.objects.create(edition=edition, subscriber=SubscriberFactory(), status=status)
    return edition


def _requests(count: int, status: str, at: datetime.datetime) -> None:
    TranslationRequest.objects.bulk_create(
        TranslationRequest(model="qwen2.5-7b", prompt_version="v1", status=status, created_at=at) for _ in range(count)
    )


def test_a_quiet_installation_is_all_well():
    now = timezone.now()
    _source(last_status="ok", last_fetched_at=now)
    _requests(3, TranslationRequest.Status.OK, now)
    _sent_edition(3, ["sent", "sent"])
    health = admin_health()
    assert health.ok
    assert (health.translation.translated, health.translation.failed, health.send.failed) == (3, 0, 0)


def test_the_box_reports_the_last_editions_failed_deliveries_and_those_still_to_send():
    _sent_edition(2, ["failed", "failed"])
    latest = _sent_edition(3, ["sent", "failed", "queued"])
    EditionFactory(date=datetime.date(2025, 3, 4))  # a draft: not sent yet, not the last send
    send = admin_health().send
    assert (send.edition, send.failed, send.waiting) == (latest, 1, 1)


def test_a_source_whose_last_fetch_failed_needs_attention():
    now = timezone.now()
    _source(last_status="ok", last_fetched_at=now)
    _source(slug="hf", name="HF daily", last_status="error", last_fetched_at=now)
    health = admin_health()
    assert health.fetch.failing_sources == ["HF daily"] and not health.ok


def test_translation_failures_count_only_in_the_day_before_the_last_request():
    now = timezone.now()
    _requests(4, TranslationRequest.Status.FAILED, now - datetime.timedelta(days=3))
    _requests(2, TranslationRequest.Status.OK, now)
    _requests(1, TranslationRequest.Status.FAILED, now - datetime.timedelta(hours=2))
    run = admin_health().translation
    assert (run.translated, run.failed, run.model) == (2, 1, "qwen2.5-7b")


def test_a_failed_subscriber_import_of_the_last_day_needs_attention():
    SubscriberImport.objects.create(filename="old.csv", status=SubscriberImport.Status.FAILED)
    SubscriberImport.objects.filter(filename="old.csv").update(created_at=timezone.now() - datetime.timedelta(days=2))
    assert admin_health().failed_imports == 0
    SubscriberImport.objects.create(filename="new.csv", status=SubscriberImport.Status.FAILED)
    assert admin_health().failed_imports == 1


def test_the_admin_index_shows_the_box_in_the_editors_chinese(boss):
    _source(last_status="error", last_fetched_at=timezone.now())
    edition = _sent_edition(3, ["failed"])
    response = boss.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-TW")
    box = response.text[response.text.index('id="status-box"') :]
    assert "需要注意" in box and "上次抓取" in box and "上次傳送" in box
    assert f"?edition__id__exact={edition.pk}&amp;status__exact=failed" in box
    assert "1 封投遞失敗" in box
    assert "（剛剛）" in box  # fetched under a minute ago: not "0 分鐘前"


def _index_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:index")).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_the_box_costs_the_same_queries_for_one_edition_or_ten_and_counts_no_whole_table(boss):
    now = timezone.now()
    _sent_edition(1, ["sent", "failed"])
    _requests(2, TranslationRequest.Status.OK, now - datetime.timedelta(days=30))
    few = _index_queries(boss)
    for day in range(2, 11):
        _sent_edition(day, ["sent", "failed", "sent"])
        _requests(5, TranslationRequest.Status.FAILED, now - datetime.timedelta(days=day))
    many = _index_queries(boss)
    assert len(many) == len(few)
    counts = [sql for sql in many if "COUNT(" in sql]
    deliveries = [sql for sql in counts if "digest_delivery" in sql]
    requests = [sql for sql in counts if "digest_translationrequest" in sql]
    assert deliveries and all('"edition_id" =' in sql for sql in deliveries)
    assert requests and all('"created_at" >' in sql for sql in requests)
