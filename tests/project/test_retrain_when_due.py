"""Readers' models are retrained by command too, and the daily run retrains first when votes arrived since the last
training (the nightly task may not have run)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from digest.daily import retrain_if_due
from subscribers.feedback import record_feedback
from subscribers.models import ReaderModel
from tests.factories import PaperFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def votes(reader, count: int) -> None:
    for n in range(count):
        record_feedback(reader, PaperFactory(title=f"Diffusion sampling {n}"), "down" if n % 2 else "up")


def test_nothing_to_retrain_without_votes():
    SubscriberFactory()
    assert retrain_if_due() is None


def test_votes_since_the_last_training_retrain_first_then_nothing_until_new_votes():
    reader = SubscriberFactory()
    votes(reader, 12)
    report = retrain_if_due()
    assert report is not None and report.readers == 1
    assert ReaderModel.objects.filter(subscriber=reader).exists()
    assert retrain_if_due() is None
    record_feedback(reader, PaperFactory(title="Tokenizers"), "up")
    assert retrain_if_due() is not None


def test_the_retrain_readers_command_reports_readers_trained_and_cold():
    votes(SubscriberFactory(), 12)
    votes(SubscriberFactory(), 1)
    out = StringIO()
    call_command("retrain_readers", stdout=out)
    assert out.getvalue().startswith("2 readers: 1 trained, 1 cold start")
