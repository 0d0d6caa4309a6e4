"""Approving an edition, and taking an approval back (the moves themselves are digest.editions.lifecycle's).

An approval is a promise: what the editor saw is what readers get. So an approved edition's content is frozen
(curation refuses changes until it is un-approved). Whether the send is due is said here; starting it is the day's
pipeline's (digest.daily.approve_and_send), so editions never reach into delivery.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.utils import timezone

from digest.editions.lifecycle import transition
from digest.models import Edition, SiteSettings

log = logging.getLogger(__name__)

Status = Edition.Status


def send_is_due(edition: Edition, now: datetime | None = None) -> bool:
    """The daily run's send time for this edition has come: any earlier day, or today after the run hour."""
    now = timezone.localtime(now or timezone.now())
    if edition.date < now.date():
        return True
    run_at = time(settings.DAILY_RUN_HOUR, settings.DAILY_RUN_MINUTE)
    return edition.date == now.date() and now.time() >= run_at


def waiting_for_approval(edition: Edition, now: datetime | None = None) -> bool:
    """What the admin banner shows: approval is required, the edition is a draft, and its send time came."""
    return (
        edition.status == Status.DRAFT and SiteSettings.current().editions_need_approval and send_is_due(edition, now)
    )


@dataclass(frozen=True)
class ApprovalResult:
    edition: Edition
    #: The edition's send time has come: digest.daily.approve_and_send starts the send once this is committed.
    send_due: bool


def approve(edition: Edition, user, *, now: datetime | None = None) -> ApprovalResult:
    """Records who approved and when, and whether the edition's send time has come."""
    approved = transition(edition, Status.APPROVED, approved_by=user, approved_at=timezone.now())
    due = send_is_due(approved, now)
    log.info("edition approved edition=%s user=%s send_due=%s", approved.date, getattr(user, "pk", None), due)
    return ApprovalResult(edition=approved, send_due=due)


def unapprove(edition: Edition) -> Edition:
    """Back to draft so editors can change it again; only an approved edition that has not started sending."""
    return transition(edition, Status.DRAFT)
