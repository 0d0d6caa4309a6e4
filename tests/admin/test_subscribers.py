"""Subscribers in the admin (admins only): search and filters, CSV import and export, suppression."""

import csv
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from subscribers.models import Subscriber
from tests.admin_users import make_staff
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:subscribers_subscriber_changelist"


@pytest.fixture
def admin_client_(client):
    client.force_login(make_staff("boss", "admin"))
    return client


def listed(response) -> set[str]:
    return {s.email for s in response.context["cl"].result_list}


def test_search_by_address(admin_client_):
    SubscriberFactory(email="lin@example.tw")
    SubscriberFactory(email="chan@example.hk")
    assert listed(admin_client_.get(reverse(CHANGELIST), {"q": "example.hk"})) == {"chan@example.hk"}


def test_filter_by_status_language_and_topic(admin_client_, topics):
    SubscriberFactory(email="a@example.org", language="zh-Hant-HK", topics=[topics["vision"]])
    SubscriberFactory(email="b@example.org", language="zh-Hant-HK", status="unsubscribed")
    SubscriberFactory(email="c@example.org", language="en", topics=[topics["vision"]])
    response = admin_client_.get(
        reverse(CHANGELIST),
        {"status__exact": "active", "language__exact": "zh-Hant-HK", "topics__id__exact": topics["vision"].pk},
    )
    assert listed(response) == {"a@example.org"}


def test_export_writes_the_import_format(admin_client_, topics):
    subscriber = SubscriberFactory(email="=cmd@example.org", language="zh-Hans", bilingual=True, topics=[topics["llm"]])
    response = admin_client_.post(reverse(CHANGELIST), {"action": "export_csv", "_selected_action": [subscriber.pk]})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["email", "language", "topics", "bilingual", "max_papers", "status"]
    assert rows[1] == ["'=cmd@example.org", "zh-Hans", "llm", "true", "10", "active"]


def test_import_creates_subscribers_and_reports_bad_rows(admin_client_, topics):
    body = "email,language,topics,bilingual,max_papers\nnew@example.org,zh-Hant-HK,llm;vision,false,5\nbad,xx,,,\n"
    upload = SimpleUploadedFile("subs.csv", body.encode(), content_type="text/csv")
    response = admin_client_.post(reverse("admin:subscribers_subscriber_import"), {"file": upload}, follow=True)
    assert response.status_code == 200
    created = Subscriber.objects.get(email="new@example.org")
    assert created.status == "active" and created.language == "zh-Hant-HK" and created.max_papers == 5
    assert "invalid email" in response.text and "<td>3</td>" in response.text
    assert LogEntry.objects.filter(change_message__startswith="CSV import: created 1").exists()


def test_import_with_a_wrong_header_is_a_message(admin_client_):
    upload = SimpleUploadedFile("subs.csv", b"mail,lang\nx@example.org,en\n", content_type="text/csv")
    response = admin_client_.post(reverse("admin:subscribers_subscriber_import"), {"file": upload}, follow=True)
    assert "header must be" in response.text
    assert not Subscriber.objects.exists()


def test_suppress_asks_for_a_reason_then_records_it(admin_client_):
    subscriber = SubscriberFactory()
    data = {"action": "suppress", "_selected_action": [subscriber.pk]}
    first = admin_client_.post(reverse(CHANGELIST), data)
    assert first.status_code == 200 and "reason" in first.text
    admin_client_.post(reverse(CHANGELIST), data | {"reason": "asked by phone to stop"})
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.suppressed_reason) == ("suppressed", "asked by phone to stop")
    assert LogEntry.objects.filter(change_message="Suppressed: asked by phone to stop").exists()


def test_unsuppress_makes_the_subscriber_active_again(admin_client_):
    subscriber = SubscriberFactory(status="suppressed", suppressed_reason="hard bounce")
    admin_client_.post(reverse(CHANGELIST), {"action": "unsuppress", "_selected_action": [subscriber.pk]})
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.suppressed_reason) == ("active", "")


def test_editor_cannot_import(client):
    client.force_login(make_staff("mei", "editor"))
    assert client.get(reverse("admin:subscribers_subscriber_import")).status_code == 403


def test_an_exported_file_imports_again_and_its_status_column_is_ignored(admin_client_, topics):
    from subscribers.importing import import_csv

    reader = SubscriberFactory(email="round@example.org", language="zh-Hant-HK", topics=[topics["llm"]])
    response = admin_client_.post(reverse(CHANGELIST), {"action": "export_csv", "_selected_action": [reader.pk]})
    reader.delete()

    report = import_csv(response.content)

    assert (report.created, report.errors) == (1, [])
    again = Subscriber.objects.get(email="round@example.org")
    assert (again.status, again.language, [t.slug for t in again.topics.all()]) == ("active", "zh-Hant-HK", ["llm"])


def test_an_admin_edits_a_readers_preferences_on_the_change_page(admin_client_, topics):
    subscriber = SubscriberFactory(language="zh-Hant-TW")
    page = admin_client_.get(reverse("admin:subscribers_subscriber_change", args=[subscriber.pk])).content.decode()
    for field in ("language", "max_papers", "topics", "time_zone", "follows", "mutes", "bilingual"):
        assert f'name="{field}"' in page, field
