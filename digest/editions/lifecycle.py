"""An edition's life cycle, and the only code that writes Edition.status: draft -> approved -> sending -> sent,
and back from approved to draft.

Editors move an edition with `transition` (approval.py records who approved); the delivery machinery moves it with
`mark_sending` and `finish_sending`. tests/editions/test_lifecycle.py fails when any other module writes the field.

A sent edition may be sent again, never changed: when more deliveries are queued for it (the operator's retry of
failed deliveries after the cause is fixed, or readers who have no delivery of it yet), `mark_sending` reopens it,
because the sweeper only resumes editions that are sending and those readers would otherwise never get it. Its
content stays frozen (only a draft is editable), and `finish_sending` closes it again when the last row settles.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from digest.editor_text import EditorError, edition_name
from digest.models import Edition

Status = Edition.Status

#: Every move an editor (or the approval) may make; anything else is an IllegalTransition.
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


def transition(edition: Edition, target: str, **fields: object) -> Edition:
    """Moves the edition (locked row, current status re-read) to target, or raises IllegalTransition. `fields`
    are written in the same save (who approved, and when)."""
    with transaction.atomic():
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        if not may_transition(locked.status, target):
            raise IllegalTransition(locked, locked.status, target)
        locked.status = target
        if target == Status.DRAFT:
            fields.update(approved_by=None, approved_at=None)
        if target == Status.SENT:
            fields["sent_at"] = timezone.now()
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", *fields])
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


def mark_sending(edition: Edition) -> None:
    """Deliveries of the edition were queued: it is being sent (again, if it was sent). The caller holds the row
    lock or runs in the transaction that queued them."""
    if edition.status != Status.SENDING:
        edition.status = Status.SENDING
        Edition.objects.filter(pk=edition.pk).update(status=Status.SENDING)


def finish_sending(edition: Edition) -> bool:
    """Sending -> sent, once no row is left to send; True when this call closed it (a concurrent call may have)."""
    closed = Edition.objects.filter(pk=edition.pk, status=Status.SENDING)
    return bool(closed.update(status=Status.SENT, sent_at=timezone.now()))
