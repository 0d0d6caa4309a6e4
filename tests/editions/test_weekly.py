"""Weekly readers get one email a week: the past week's top papers, at their local hour on Monday."""

import datetime
import email
from email import policy
from zoneinfo import ZoneInfo

import pytest

from digest.delivery.fanout import send_due
from digest.editions.build import EditionError, build_weekly_edition
from digest.models import Delivery, Edition
from tests.factories import EditionEntryFactory, EditionFactory, PaperFactory, SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)
MONDAY = datetime.date(2025, 6, 2)


@pytest.fixture
def week():
    tuesday = EditionFactory(date=datetime.date(2025, 5, 27))
    friday = EditionFactory(date=datetime.date(2025, 5, 30))
    popular = EditionEntryFactory(edition=tuesday, paper=PaperFactory(score=90)).paper
    picked = EditionEntryFactory(edition=friday, paper=PaperFactory(score=1), featured=True).paper
    quiet = EditionEntryFactory(edition=friday, paper=PaperFactory(score=5)).paper
    EditionEntryFactory(edition=friday, paper=PaperFactory(score=500), excluded=True)
    EditionEntryFactory(edition=EditionFactory(date=datetime.date(2025, 5, 20)), paper=PaperFactory(score=999))
    return picked, popular, quiet


def test_weekly_edition_ranks_editor_picks_then_upvotes(week):
    picked, popular, quiet = week
    edition = build_weekly_edition(MONDAY)
    papers = [entry.paper for entry in edition.entries.order_by("position")]
    assert edition.kind == Edition.Kind.WEEKLY
    assert papers == [picked, popular, quiet]


def test_weekly_edition_is_dated_a_monday():
    with pytest.raises(EditionError, match="Monday"):
        build_weekly_edition(datetime.date(2025, 6, 3))


def test_weekly_readers_get_the_weekly_and_daily_readers_do_not(week, outbox_dir):
    weekly = SubscriberFactory(frequency="weekly", time_zone="Asia/Taipei", delivery_hour=8)
    daily = SubscriberFactory(frequency="daily", time_zone="Asia/Taipei", delivery_hour=8)
    edition = build_weekly_edition(MONDAY)
    send_due(datetime.datetime(2025, 6, 2, 7, 45, tzinfo=ZoneInfo("Asia/Taipei")))
    assert not Delivery.objects.exists()
    send_due(datetime.datetime(2025, 6, 2, 8, 0, tzinfo=ZoneInfo("Asia/Taipei")))
    send_due(datetime.datetime(2025, 6, 2, 9, 0, tzinfo=ZoneInfo("Asia/Taipei")))
    assert list(Delivery.objects.values_list("subscriber", "edition")) == [(weekly.pk, edition.pk)]
    assert not Delivery.objects.filter(subscriber=daily).exists()
    (path,) = outbox_dir.glob("*.eml")
    subject = str(email.message_from_bytes(path.read_bytes(), policy=policy.default)["Subject"]).strip()
    assert subject.startswith("每週精選 · 每日精選 AI 論文 · 2025-06-02")


def test_the_monday_task_sends_weekly_readers_whose_local_hour_has_come(week, outbox_dir, settings, time_machine):
    from digest.tasks import build_weekly

    settings.SEND_AT_LOCAL_HOUR = True
    due = SubscriberFactory(frequency="weekly", time_zone="Asia/Taipei", delivery_hour=7)
    later = SubscriberFactory(frequency="weekly", time_zone="Europe/London", delivery_hour=7)
    time_machine.move_to(datetime.datetime(2025, 6, 2, 7, 30, tzinfo=ZoneInfo("Asia/Taipei")))
    assert build_weekly() == "2025-06-02"
    assert list(Delivery.objects.values_list("subscriber", flat=True)) == [due.pk]
    assert not Delivery.objects.filter(subscriber=later).exists()


def test_the_monday_task_waits_for_approval_instead_of_failing(week, settings, time_machine):
    from digest.models import SiteSettings
    from digest.tasks import build_weekly

    SiteSettings.objects.update_or_create(pk=1, defaults={"editions_need_approval": True})
    SubscriberFactory(frequency="weekly")
    time_machine.move_to(datetime.datetime(2025, 6, 2, 7, 30, tzinfo=ZoneInfo("Asia/Taipei")))
    assert build_weekly() == "2025-06-02"
    assert not Delivery.objects.exists()
