"""The edition life cycle: draft -> approved -> sending -> sent; approval records who and when."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from digest.daily import approve_and_send
from digest.editions.approval import approve, send_is_due, unapprove, waiting_for_approval
from digest.editions.lifecycle import EditionFrozen, IllegalTransition, ensure_editable, transition
from digest.models import Delivery, Edition, SiteSettings
from tests.factories import EditionEntryFactory, EditionFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
TAIPEI = ZoneInfo("Asia/Taipei")
BEFORE_RUN = datetime.datetime(2025, 5, 28, 5, 0, tzinfo=TAIPEI)
AFTER_RUN = datetime.datetime(2025, 5, 28, 9, 0, tzinfo=TAIPEI)


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("mei", "mei@example.org", "pw", is_staff=True)


def test_approval_records_who_and_when(editor):
    edition = EditionFactory()
    result = approve(edition, editor, now=BEFORE_RUN)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.APPROVED
    assert edition.approved_by == editor
    assert edition.approved_at is not None
    assert result.send_due is False


def test_unapprove_returns_to_draft_and_forgets_the_approval(editor):
    edition = EditionFactory()
    approve(edition, editor, now=BEFORE_RUN)
    unapprove(edition)
    edition.refresh_from_db()
    assert (edition.status, edition.approved_by, edition.approved_at) == (Edition.Status.DRAFT, None, None)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("approved", "approved"),
        ("sending", "approved"),
        ("sent", "approved"),
        ("sending", "draft"),
        ("sent", "draft"),
        ("sent", "sending"),
        ("draft", "sent"),
        ("approved", "sent"),
    ],
)
def test_illegal_transitions_are_refused(start, target):
    edition = EditionFactory(status=start)
    with pytest.raises(IllegalTransition):
        transition(edition, target)
    edition.refresh_from_db()
    assert edition.status == start


@pytest.mark.parametrize("start", ["sending", "sent", "approved"])
def test_approving_anything_but_a_draft_is_refused(editor, start):
    with pytest.raises(IllegalTransition):
        approve(EditionFactory(status=start), editor)


def test_unapproving_a_sending_edition_is_refused():
    with pytest.raises(IllegalTransition):
        unapprove(EditionFactory(status="sending"))


def test_the_whole_life_cycle_is_allowed(editor):
    edition = EditionFactory()
    approve(edition, editor, now=BEFORE_RUN)
    transition(edition, Edition.Status.SENDING)
    transition(edition, Edition.Status.SENT)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT and edition.sent_at is not None


@pytest.mark.parametrize("status", ["approved", "sending", "sent"])
def test_only_a_draft_is_editable(status):
    with pytest.raises(EditionFrozen, match="un-approve"):
        ensure_editable(EditionFactory(status=status))


def test_send_is_due_after_the_daily_run_time_or_on_a_later_day(settings):
    settings.DAILY_RUN_HOUR, settings.DAILY_RUN_MINUTE = 6, 30
    edition = EditionFactory(date=datetime.date(2025, 5, 28))
    assert not send_is_due(edition, BEFORE_RUN)
    assert send_is_due(edition, AFTER_RUN)
    assert send_is_due(edition, BEFORE_RUN + datetime.timedelta(days=1))


def test_waiting_for_approval_only_when_approval_is_required():
    edition = EditionFactory()
    assert not waiting_for_approval(edition, AFTER_RUN)
    SiteSettings.objects.update_or_create(pk=1, defaults={"editions_need_approval": True})
    assert waiting_for_approval(edition, AFTER_RUN)
    assert not waiting_for_approval(edition, BEFORE_RUN)


def test_approving_a_due_edition_sends_it(editor, outbox_dir, django_capture_on_commit_callbacks):
    SiteSettings.objects.update_or_create(pk=1, defaults={"editions_need_approval": True})
    entry = EditionEntryFactory()
    SubscriberFactory(email="reader@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        result = approve_and_send(entry.edition, editor, now=AFTER_RUN)
    assert result.send_due
    entry.edition.refresh_from_db()
    assert entry.edition.status == Edition.Status.SENT
    assert Delivery.objects.get().status == Delivery.Status.SENT
    assert len(list(outbox_dir.glob("*.eml"))) == 1


def test_approving_before_the_send_time_sends_nothing(editor, outbox_dir, django_capture_on_commit_callbacks):
    entry = EditionEntryFactory()
    SubscriberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        approve_and_send(entry.edition, editor, now=BEFORE_RUN)
    assert not Delivery.objects.exists()
    assert not outbox_dir.exists() or not list(outbox_dir.glob("*.eml"))


def test_approval_stands_when_sending_is_paused(editor, django_capture_on_commit_callbacks):
    SiteSettings.objects.update_or_create(pk=1, defaults={"sending_paused": True})
    entry = EditionEntryFactory()
    SubscriberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        approve_and_send(entry.edition, editor, now=AFTER_RUN)
    entry.edition.refresh_from_db()
    assert entry.edition.status == Edition.Status.APPROVED
    assert not Delivery.objects.exists()
