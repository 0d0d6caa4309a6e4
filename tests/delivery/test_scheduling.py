"""Local mornings: each reader gets the edition at their delivery hour in their time zone, never twice."""

import datetime
import email
from zoneinfo import ZoneInfo

import pytest

from digest.delivery.fanout import send_due
from digest.models import Delivery
from tests.factories import EditionEntryFactory, SubscriberFactory

pytestmark = pytest.mark.django_db(transaction=True)
UTC = datetime.UTC
ZONES = ["Asia/Taipei", "Asia/Hong_Kong", "Asia/Shanghai", "Europe/London", "America/Los_Angeles"]


def at(zone: str, day: int, hour: int, minute: int = 0, month: int = 5) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture
def readers():
    return {zone: SubscriberFactory(email=f"{zone.split('/')[1].lower()}@example.com", time_zone=zone,
                                     delivery_hour=7) for zone in ZONES}  # fmt: skip


def got(reader) -> bool:
    return Delivery.objects.filter(subscriber=reader, status="sent").exists()


def test_each_time_zone_gets_the_edition_in_its_own_morning(readers, outbox_dir):
    EditionEntryFactory(edition__date=datetime.date(2025, 5, 28))
    send_due(at("Asia/Taipei", 28, 6, 45))
    assert not any(got(r) for r in readers.values())
    send_due(at("Asia/Taipei", 28, 7, 0))
    assert {z for z, r in readers.items() if got(r)} == {"Asia/Taipei", "Asia/Hong_Kong", "Asia/Shanghai"}
    send_due(at("Europe/London", 28, 7, 0))
    assert got(readers["Europe/London"]) and not got(readers["America/Los_Angeles"])
    send_due(at("America/Los_Angeles", 28, 7, 15))
    assert all(got(r) for r in readers.values())
    assert len(list(outbox_dir.glob("*.eml"))) == 5


def test_every_quarter_hour_of_a_day_sends_each_reader_once(readers, outbox_dir):
    EditionEntryFactory(edition__date=datetime.date(2025, 5, 28))
    start = at("Asia/Taipei", 28, 0)
    for quarter in range(4 * 48):
        send_due(start + datetime.timedelta(minutes=15 * quarter))
    recipients = sorted(email.message_from_bytes(p.read_bytes())["To"] for p in outbox_dir.glob("*.eml"))
    assert recipients == sorted(r.email for r in readers.values())


def test_dst_change_in_london_and_los_angeles_mails_nobody_twice(outbox_dir):
    # Europe/London leaves summer time on 2025-10-26; America/Los_Angeles on 2025-11-02.
    london = SubscriberFactory(time_zone="Europe/London", delivery_hour=1)
    la = SubscriberFactory(time_zone="America/Los_Angeles", delivery_hour=1)
    EditionEntryFactory(edition__date=datetime.date(2025, 10, 26))
    for minutes in range(0, 6 * 60, 15):  # 00:00-06:00 UTC spans the repeated 01:00 hour in London
        send_due(datetime.datetime(2025, 10, 26, 0, 0, tzinfo=UTC) + datetime.timedelta(minutes=minutes))
    assert Delivery.objects.filter(subscriber=london, status="sent").count() == 1
    EditionEntryFactory(edition__date=datetime.date(2025, 11, 2))
    for minutes in range(0, 8 * 60, 15):  # 07:00-15:00 UTC spans the repeated 01:00 hour in Los Angeles
        send_due(datetime.datetime(2025, 11, 2, 7, 0, tzinfo=UTC) + datetime.timedelta(minutes=minutes))
    assert Delivery.objects.filter(subscriber=la, status="sent").count() == 1
    # London had both editions, Los Angeles the second: three messages, one per reader and edition.
    assert len(list(outbox_dir.glob("*.eml"))) == 3


def test_a_reader_east_of_the_edition_day_is_not_mailed_before_that_day(outbox_dir):
    reader = SubscriberFactory(time_zone="America/Los_Angeles", delivery_hour=7)
    EditionEntryFactory(edition__date=datetime.date(2025, 5, 28))
    send_due(at("America/Los_Angeles", 27, 23, 45))
    assert not got(reader)
