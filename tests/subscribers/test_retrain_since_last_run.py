"""The nightly retrain reads the votes since its last run and retrains only readers who voted since theirs: its
cost follows a day's votes, not every vote ever cast."""

import datetime

import pytest
from django.utils import timezone

from digest.personalization.training import readers_to_retrain, retrain_readers
from subscribers.feedback import record_feedback
from subscribers.models import Feedback, ReaderModel
from tests.factories import PaperFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def test_only_readers_who_voted_since_their_last_retraining_are_retrained():
    papers = [PaperFactory() for _ in range(3)]
    quiet, busy, fresh = (SubscriberFactory(status="active") for _ in range(3))
    for reader in (quiet, busy):
        record_feedback(reader, papers[0], "up")
    assert retrain_readers().readers == 2
    assert ReaderModel.objects.filter(retrained_at__isnull=False).count() == 2  # cold readers too
    assert retrain_readers().readers == 0

    record_feedback(busy, papers[1], "down")
    record_feedback(fresh, papers[2], "up")
    assert readers_to_retrain() == sorted([busy.pk, fresh.pk])
    assert retrain_readers().readers == 2
    assert ReaderModel.objects.get(subscriber=busy).votes == 2


def test_votes_long_before_the_last_run_are_not_read_again():
    old, new = SubscriberFactory(status="active"), SubscriberFactory(status="active")
    paper = PaperFactory()
    record_feedback(old, paper, "up")
    record_feedback(new, paper, "up")
    retrain_readers()
    # A reader whose row was lost still has only old votes: the run reads the last days' votes, not all of them.
    ReaderModel.objects.filter(subscriber=old).delete()
    Feedback.objects.filter(subscriber=old).update(updated_at=timezone.now() - datetime.timedelta(days=30))
    assert readers_to_retrain() == []
    ReaderModel.objects.all().delete()
    assert readers_to_retrain() == sorted([old.pk, new.pk])  # no run yet: every voter
