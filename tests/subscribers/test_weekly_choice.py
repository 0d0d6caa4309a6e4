"""Weekly is a reader's choice: on sign-up, in the preference centre and in the CSV import; a weekly reader then
gets the weekly edition and not the daily one."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest

from digest.delivery.fanout import send_due
from digest.editions.build import build_weekly_edition
from digest.models import Delivery
from subscribers.models import Subscriber
from subscribers.subscription import import_subscribers
from subscribers.tokens import make_token
from tests.factories import EditionEntryFactory, EditionFactory, PaperFactory, SubscriberFactory

MONDAY = datetime.date(2025, 6, 2)


@pytest.mark.django_db(transaction=True)
def test_a_reader_who_signs_up_for_weekly_gets_the_weekly_edition_only(client, topics, outbox_dir):
    client.post("/", {"email": "weekly@example.com", "language": "zh-Hant-TW", "max_papers": 10,
                      "time_zone": "Asia/Taipei", "delivery_hour": 8, "frequency": "weekly"})  # fmt: skip
    (path,) = outbox_dir.glob("*.eml")
    confirm_path = re.search(r"https://papers\.example\.org(/confirm/[^\s\"<]+/)", path.read_text()).group(1)
    client.post(confirm_path)  # the link shows a button (scanner-safe); the reader's press confirms
    path.unlink()
    reader = Subscriber.objects.get(email="weekly@example.com")
    assert (reader.status, reader.frequency) == ("active", "weekly")
    daily_reader = SubscriberFactory(frequency="daily", time_zone="Asia/Taipei", delivery_hour=8)
    friday = EditionFactory(date=datetime.date(2025, 5, 30))
    EditionEntryFactory(edition=friday, paper=PaperFactory(score=9))
    weekly = build_weekly_edition(MONDAY)
    send_due(datetime.datetime(2025, 6, 2, 8, 0, tzinfo=ZoneInfo("Asia/Taipei")))
    assert list(Delivery.objects.filter(status="sent").values_list("subscriber", "edition")) == [(reader.pk, weekly.pk)]
    assert not Delivery.objects.filter(subscriber=daily_reader, edition=weekly).exists()
    assert len(list(outbox_dir.glob("*.eml"))) == 1


@pytest.mark.django_db
def test_the_sign_up_page_offers_daily_and_weekly(client, topics):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-tw").content.decode()
    assert 'name="frequency" value="weekly"' in page and "每週" in page


@pytest.mark.django_db
def test_a_reader_switches_to_weekly_in_the_preference_centre(client, topics):
    reader = SubscriberFactory(frequency="daily")
    client.post(f"/manage/{make_token(reader, 'manage')}/", {"language": "en", "max_papers": 5,
                "time_zone": "Asia/Taipei", "delivery_hour": 7, "frequency": "weekly"})  # fmt: skip
    reader.refresh_from_db()
    assert reader.frequency == "weekly"


@pytest.mark.django_db
def test_saving_preferences_without_a_frequency_keeps_the_readers_choice(client, topics):
    reader = SubscriberFactory(frequency="weekly")
    client.post(f"/manage/{make_token(reader, 'manage')}/", {"language": "en", "max_papers": 5,
                "time_zone": "Asia/Taipei", "delivery_hour": 7})  # fmt: skip
    reader.refresh_from_db()
    assert reader.frequency == "weekly"


@pytest.mark.django_db
def test_the_csv_import_takes_a_frequency_column(topics, tmp_path):
    path = tmp_path / "readers.csv"
    path.write_text(
        "email,language,topics,bilingual,max_papers,frequency\n"
        "a@example.com,zh-Hans,,false,5,weekly\n"
        "b@example.com,zh-Hans,,false,5,\n"
        "c@example.com,zh-Hans,,false,5,monthly\n",
        encoding="utf-8",
    )
    report = import_subscribers(path)
    assert dict(Subscriber.objects.values_list("email", "frequency")) == {
        "a@example.com": "weekly",
        "b@example.com": "daily",
    }
    assert report.errors == [(4, "frequency must be daily or weekly, not 'monthly'")]
