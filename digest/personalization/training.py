"""Learning from votes: every reader's relevance model retrained in bulk (nightly, digest.tasks.retrain_readers),
never per request.

Only votes after the reader's last reset (subscribers.learning.reset_learning) teach the model. Readers below
MIN_VOTES keep no weights (cold start: topics and upvotes rank their email).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from digest.models import Paper
from digest.personalization.relevance import paper_text, train, vectorize
from subscribers.models import Feedback, ReaderModel, Subscriber

log = logging.getLogger(__name__)


@dataclass
class RetrainReport:
    readers: int = 0
    trained: int = 0
    cold: int = 0


#: Votes this much older than the last run are read again, so a run that stopped halfway is caught up by the next.
RUN_OVERLAP = datetime.timedelta(days=2)


def readers_to_retrain() -> list[int]:
    """Active readers with a vote since their model was last retrained (or never retrained). Only the votes since
    the last run (less RUN_OVERLAP) are read, through the index on Feedback.updated_at: the cost follows a day's
    votes, not every vote ever cast."""
    last_run = ReaderModel.objects.aggregate(last=Max("retrained_at"))["last"]
    recent = Feedback.objects.filter(subscriber__status=Subscriber.Status.ACTIVE)
    if last_run is not None:
        recent = recent.filter(updated_at__gt=last_run - RUN_OVERLAP)
    latest = dict(recent.values("subscriber_id").annotate(last=Max("updated_at")).values_list("subscriber_id", "last"))
    retrained = dict(
        ReaderModel.objects.filter(subscriber_id__in=list(latest)).values_list("subscriber_id", "retrained_at")
    )
    return sorted(pk for pk, voted in latest.items() if retrained.get(pk) is None or voted > retrained[pk])


def retrain_readers(subscriber_ids: list[int] | None = None, *, chunk: int = 2000) -> RetrainReport:
    """Retrains the model of every active reader who voted since their last retraining (or the given readers, who
    are retrained whatever their votes). Papers are vectorized once per chunk of readers, however many readers
    voted on them."""
    report = RetrainReport()
    if subscriber_ids is None:
        ids = readers_to_retrain()
    else:
        voters = Feedback.objects.filter(subscriber__status=Subscriber.Status.ACTIVE, subscriber_id__in=subscriber_ids)
        ids = sorted(set(voters.values_list("subscriber_id", flat=True)))
    for start in range(0, len(ids), chunk):
        _retrain_chunk(ids[start : start + chunk], report)
    log.info("readers retrained readers=%s trained=%s cold=%s", report.readers, report.trained, report.cold)
    return report


def _retrain_chunk(ids: list[int], report: RetrainReport) -> None:
    now = timezone.now()  # before the votes are read: a vote cast meanwhile is newer, and read by the next run
    resets = dict(ReaderModel.objects.filter(subscriber_id__in=ids).values_list("subscriber_id", "reset_at"))
    votes: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for subscriber_id, paper_id, vote, updated_at in Feedback.objects.filter(subscriber_id__in=ids).values_list(
        "subscriber_id", "paper_id", "vote", "updated_at"
    ):
        reset_at = resets.get(subscriber_id)
        if reset_at is None or updated_at > reset_at:
            votes[subscriber_id].append((paper_id, vote))
    paper_ids = sorted({paper_id for pairs in votes.values() for paper_id, _ in pairs})
    texts = {
        pk: paper_text(title, abstract)
        for pk, title, abstract in Paper.objects.filter(pk__in=paper_ids).values_list("pk", "title", "abstract")
    }
    rows = {pk: i for i, pk in enumerate(paper_ids)}
    matrix = vectorize([texts.get(pk, "") for pk in paper_ids]) if paper_ids else None
    models = []
    for subscriber_id in ids:
        pairs = votes.get(subscriber_id, [])
        learned = (
            train(matrix[[rows[p] for p, _ in pairs]], [v for _, v in pairs]) if pairs and matrix is not None else None
        )
        report.readers += 1
        report.trained += learned is not None
        report.cold += learned is None
        models.append(
            ReaderModel(
                subscriber_id=subscriber_id,
                weights=learned.to_bytes() if learned else b"",
                intercept=learned.intercept if learned else 0.0,
                votes=len(pairs),
                trained_at=now if learned else None,
                reset_at=resets.get(subscriber_id),
                retrained_at=now,
            )
        )
    with transaction.atomic():
        ReaderModel.objects.bulk_create(
            models,
            update_conflicts=True,
            unique_fields=["subscriber"],
            update_fields=["weights", "intercept", "votes", "trained_at", "retrained_at"],
        )
