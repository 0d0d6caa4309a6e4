"""The day's health as the admin index shows it: the last fetch, the last translation run, the last send and what
failed, read from the records the day leaves (Source, TranslationRequest, Edition, Delivery, SubscriberImport), plus
beat's verdict from `digest.setup_checks`. `manage.py check_setup` asks the parts themselves; this only reads.

Every query is bounded by something other than history (issue #25: an admin page must not grow with it): the few
sources, the newest row of an indexed column, the last day's translation requests by their indexed time, one
edition's failed deliveries through the status index, the newest imports by primary key. None counts a whole table.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone

from digest.models import Delivery, Edition, Source, TranslationRequest
from digest.setup_checks import check_beat, tasks_run_in_process
from subscribers.models import SubscriberImport

#: How far back the failures counted in the box reach (translation requests, CSV imports).
RECENT = datetime.timedelta(hours=24)
#: The newest imports looked at for a failure (by primary key: an import table of any length costs the same).
RECENT_IMPORTS = 5


@dataclass(frozen=True)
class LastFetch:
    at: datetime.datetime | None
    failing_sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LastTranslationRun:
    at: datetime.datetime | None
    model: str = ""
    translated: int = 0
    failed: int = 0


@dataclass(frozen=True)
class LastSend:
    edition: Edition | None
    failed: int = 0
    waiting: int = 0


@dataclass(frozen=True)
class Health:
    fetch: LastFetch
    translation: LastTranslationRun
    send: LastSend
    failed_imports: int
    #: None: no broker, so no beat to watch (tasks run in-process); else whether beat ticked lately.
    beat_ok: bool | None

    @property
    def ok(self) -> bool:
        return not (
            self.fetch.failing_sources
            or self.fetch.at is None
            or self.translation.failed
            or self.send.failed
            or self.failed_imports
            or self.beat_ok is False
        )


def admin_health(now: datetime.datetime | None = None) -> Health:
    """What the admin index's status box shows: about eight small, indexed queries, whatever the history holds."""
    now = now or timezone.now()
    return Health(
        fetch=last_fetch(),
        translation=last_translation_run(now),
        send=last_send(),
        failed_imports=recent_failed_imports(now),
        beat_ok=None if tasks_run_in_process() else check_beat().ok,
    )


def last_fetch() -> LastFetch:
    enabled = Source.objects.filter(enabled=True)  # a handful of configured feeds
    last = enabled.aggregate(last=Max("last_fetched_at"))["last"]
    failing = list(enabled.filter(last_status="error").order_by("name").values_list("name", flat=True))
    return LastFetch(at=last, failing_sources=failing)


def last_translation_run(now: datetime.datetime) -> LastTranslationRun:
    """The newest request, and the requests of the day before it (a run's requests all fall in that window)."""
    newest = TranslationRequest.objects.order_by("-created_at").only("created_at", "model").first()
    if newest is None:
        return LastTranslationRun(at=None)
    window = TranslationRequest.objects.filter(created_at__gt=min(newest.created_at, now) - RECENT)
    ok = window.filter(status=TranslationRequest.Status.OK).count()
    failed = window.filter(status=TranslationRequest.Status.FAILED).count()
    return LastTranslationRun(at=newest.created_at, model=newest.model, translated=ok, failed=failed)


def last_send() -> LastSend:
    """The newest edition readers have started to receive, its failed deliveries and those still to go (read
    through the status index: failed and unsent rows are few, however many the edition sent)."""
    edition = Edition.objects.filter(status__in=Edition.PUBLISHED).order_by("-date", "kind").first()
    if edition is None:
        return LastSend(edition=None)
    rows = Delivery.objects.filter(edition=edition)
    failed = rows.filter(status=Delivery.Status.FAILED).count()
    waiting = rows.filter(status__in=(Delivery.Status.QUEUED, Delivery.Status.SENDING)).count()
    return LastSend(edition=edition, failed=failed, waiting=waiting)


def recent_failed_imports(now: datetime.datetime) -> int:
    newest = SubscriberImport.objects.order_by("-pk").values_list("status", "created_at")[:RECENT_IMPORTS]
    return sum(1 for status, created in newest if status == SubscriberImport.Status.FAILED and created > now - RECENT)
