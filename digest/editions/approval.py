"""The edition's life cycle: draft -> approved -> sending -> sent, and back from approved to draft.

An approval is a promise: what the editor saw is what readers get. So an approved edition's content is
frozen (curation refuses changes until it is un-approved), and approving an edition whose send time has
come starts the send at once, after the approval is committed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from digest.editions.editor_text import EditorError, edition_name
from digest.models import Edition, SiteSettings

log = logging.getLogger(__name__)

Status = Edition.Status

#: Every transition the life cycle allows; anything else is an IllegalTransition.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.APPROVED, Status.SENDING}),
    Status.APPROVED: frozenset({Status.DRAFT, Status.SENDING}),
    Status.SENDING: frozenset({Status.SENT}),
    Status.SENT: frozenset(),
}


def status_label(status: str):
    """The status as the interface names it (lazy: English in records, the editor's language on screen)."""
    return Status(status).label if status in Status.values else status


class IllegalTransition(EditorError):
    """An edition asked to move to a status its current status does not lead to."""

    def __init__(self, edition: Edition, current: str, target: str) -> None:
        super().__init__(
            gettext_noop("%(edition)s is %(current)s; it cannot become %(target)s"),
            edition=edition_name(edition),
            current=status_label(current),
            target=status_label(target),
        )
        self.current, self.target = current, target


class EditionFrozen(EditorError):
    """Content changes to an edition that is approved, being sent or sent."""


def may_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def transition(edition: Edition, target: str) -> Edition:
    """Moves the edition (locked row, current status re-read) to target, or raises IllegalTransition."""
    with transaction.atomic():
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        if not may_transition(locked.status, target):
            raise IllegalTransition(locked, locked.status, target)
        locked.status = target
        fields = ["status"]
        if target == Status.DRAFT:
            locked.approved_by, locked.approved_at = None, None
            fields += ["approved_by", "approved_at"]
        if target == Status.SENT:
            locked.sent_at = timezone.now()
            fields.append("sent_at")
        locked.save(update_fields=fields)
    edition.refresh_from_db()
    return edition


def ensure_editable(edition: Edition) -> None:
    """Curation calls this first: only a draft's content may change."""
    status = Edition.objects.filter(pk=edition.pk).values_list("status", flat=True).first() or edition.status
    if status != Status.DRAFT:
        raise EditionFrozen(
            gettext_noop("%(edition)s is %(status)s; its content is frozen (un-approve it to make changes)"),
            edition=edition_name(edition),
            status=status_label(status),
        )


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
    #: True when the send was scheduled to start once the approval is committed.
    send_started: bool


def approve(edition: Edition, user, *, now: datetime | None = None) -> ApprovalResult:
    """Records who approved and when; if the send is due, send_edition runs after the commit.

    Sending starts after the commit (not inside it) so the worker sees the approved row.
    """
    with transaction.atomic():
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        if not may_transition(locked.status, Status.APPROVED):
            raise IllegalTransition(locked, locked.status, Status.APPROVED)
        locked.status = Status.APPROVED
        locked.approved_by = user
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        due = send_is_due(locked, now)
        if due:
            transaction.on_commit(lambda: _send_after_approval(locked.pk))
    log.info("edition approved edition=%s user=%s send_started=%s", locked.date, getattr(user, "pk", None), due)
    edition.refresh_from_db()
    return ApprovalResult(edition=edition, send_started=due)


def unapprove(edition: Edition) -> Edition:
    """Back to draft so editors can change it again; only an approved edition that has not started sending."""
    return transition(edition, Status.DRAFT)


def _send_after_approval(edition_id: int) -> None:
    from digest.delivery.fanout import SendError, send_scheduled

    edition = Edition.objects.get(pk=edition_id)
    try:
        send_scheduled(edition)
    except SendError as error:
        # The kill switch or an empty edition: the approval stands; the next run (or a manual send) retries.
        log.warning("approved edition not sent edition=%s reason=%s", edition.date, error)
