"""The day's one pipeline: fetch -> translate -> build -> send (daily and weekly), as plain functions taking and
returning plain values so Celery can chain them. Tasks and commands call these steps; none rebuilds them. Starting
a send after an editor's approval is here too, so editions never reach into delivery."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.cache import cache
from django.core.mail import mail_admins
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from digest import jobs
from digest.delivery.fanout import SendError, SendReport, send_edition, send_scheduled
from digest.editions import approval
from digest.editions.build import EditionError, build_edition, build_weekly_edition
from digest.models import Edition, Source
from digest.papers.classify import classify
from digest.papers.ingest import IngestResult, fetch_source
from digest.papers.selectors import candidate_papers, latest_announcement_date
from digest.personalization.training import RetrainReport, retrain_readers
from digest.sources import FeedError
from digest.translation import get_translator
from digest.translation.service import TranslateRun, translate_papers
from digest.translation.translators import Translator
from subscribers.models import Feedback, ReaderModel

log = logging.getLogger(__name__)


@dataclass
class FetchReport:
    results: list[IngestResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def all_failed(self) -> bool:
        return bool(self.errors) and not self.results

    @property
    def new_papers(self) -> int:
        return sum(r.created for r in self.results)


def fetch_enabled_sources(
    slug: str | None = None,
    *,
    progress: Callable[[str], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> FetchReport:
    """Fetches every enabled source (or one); a failing source is reported and the others still run.

    A weekday that brings nothing, or where every source failed, is mailed to the ADMINS: a log line alone
    is read by nobody until readers ask where their email went."""
    report = FetchReport()
    sources = list(Source.objects.filter(enabled=True) if slug is None else Source.objects.filter(slug=slug))
    if on_total:
        on_total(len(sources))
    for source in sources:
        try:
            report.results.append(fetch_source(source))
        except FeedError as error:
            report.errors.append(str(error))
            log.error("source failed source=%s reason=%s", source.slug, error.reason)
        if progress:
            progress(source.slug)
    if report.all_failed:
        _tell_admins("all-failed", f"every source failed ({len(report.errors)})", report)
    elif report.new_papers == 0 and timezone.localdate().weekday() < 5 and slug is None:
        log.warning("weekday fetch found no new papers sources=%s errors=%s", len(report.results), len(report.errors))
        _tell_admins("nothing-new", "a weekday fetch found no new papers", report)
    return report


def _tell_admins(kind: str, what: str, report: FetchReport) -> None:
    """Once a day for each kind of trouble: a re-run after the morning's run finds nothing new either."""
    if not cache.add(f"daily:admins-told:{timezone.localdate()}:{kind}", True, 24 * 3600):
        return
    lines = [f"{what} on {timezone.localdate():%Y-%m-%d}.", ""]
    lines += [f"{result.summary()}" for result in report.results]
    lines += [f"failed: {error}" for error in report.errors]
    lines += ["", "No edition is built from an empty day; check the sources in the admin (Sources)."]
    mail_admins(what, "\n".join(lines), fail_silently=True)


def queue_fetch(sources: Iterable[Source]) -> list[str]:
    """Queues a fetch of each source on the workers (after the commit), as the daily run would fetch it.

    An editor's "Fetch now" goes through here so the request returns at once; a slow or broken feed costs
    a worker its timeout, not the editor's page. Returns the slugs queued.
    """
    slugs = [source.slug for source in sources]
    for slug in slugs:
        jobs.enqueue_on_commit(jobs.FETCH_SOURCE, slug)
    log.info("fetch queued sources=%s", ",".join(slugs))
    return slugs


def edition_date_to_build() -> date | None:
    """The newest announcement day whose edition has not gone out yet (None: nothing new)."""
    latest = latest_announcement_date()
    if latest is None:
        return None
    edition = Edition.objects.filter(date=latest, kind=Edition.Kind.DAILY).first()
    if edition is not None and edition.status == Edition.Status.SENT:
        return None
    return latest


def translate_day(on_date: date) -> TranslateRun | None:
    translator = get_translator()
    if translator is None:
        log.info("no translator configured (TRANSLATOR_BASE_URL/TRANSLATOR_MODEL); papers stay in English")
        return None
    try:
        return translate_and_classify(on_date, translator)
    except Exception:
        # Translation is an improvement, not a precondition: whatever went wrong, the day's email still goes
        # out, untranslated papers in English with a note.
        log.exception("translation step failed date=%s; sending with the translations we have", on_date)
        return None


def translate_and_classify(on_date: date, translator: Translator, **options) -> TranslateRun:
    """Translates the day's papers (options: digest.translation.service.translate_papers), then files them again:
    the model may have named topics for the papers it translated, and they join the rules' evidence."""
    run = translate_papers(on_date=on_date, translator=translator, **options)
    if not options.get("dry_run"):
        classify(candidate_papers(on_date).prefetch_related("translations"))
    return run


def retrain_if_due() -> RetrainReport | None:
    """Retrains readers' models before a day is picked when votes arrived since the last training (the nightly
    task may not have run: no beat, or a run by hand); None when nothing new was voted."""
    last_trained = ReaderModel.objects.aggregate(last=Max("trained_at"))["last"]
    newer = Feedback.objects.all() if last_trained is None else Feedback.objects.filter(updated_at__gt=last_trained)
    if not newer.exists():
        return None
    return retrain_readers()


def run_day() -> SendReport | None:
    """The whole day in this process: fetch, retrain readers' models if votes came in, then translate, build and
    send the newest day not yet sent."""
    fetch_enabled_sources()
    retrain_if_due()
    on_date = edition_date_to_build()
    if on_date is None:
        log.info("nothing new to send")
        return None
    translate_day(on_date)
    return build_and_send(on_date)


def build_and_send(on_date: date) -> SendReport | None:
    try:
        edition = build_edition(on_date)
    except EditionError as error:
        log.warning("no edition date=%s reason=%s", on_date, error)
        return None
    try:
        return send_scheduled(edition)
    except SendError as error:
        # Waiting for an editor's approval, or the kill switch: the edition is built, approval sends it.
        log.warning("edition not sent yet date=%s reason=%s", on_date, error)
        return None


def build_and_send_now(on_date: date) -> SendReport:
    """Builds the day's edition and sends it to every reader at once, whatever the schedule (the demo's day)."""
    return send_edition(build_edition(on_date))


def build_and_send_weekly(today: date) -> Edition | None:
    """Mondays: the week's top papers for weekly readers, sent the way the daily edition is."""
    try:
        edition = build_weekly_edition(today)
    except EditionError as error:
        log.warning("no weekly edition reason=%s", error)
        return None
    try:
        send_scheduled(edition)  # everyone now, or the readers whose local hour has come
    except SendError as error:  # held for approval, or the kill switch: the beat sends it later
        log.warning("weekly edition waits edition=%s reason=%s", edition.date, error)
    return edition


def approve_and_send(edition: Edition, user, *, now: datetime | None = None) -> approval.ApprovalResult:
    """An editor's approval; when the send time has come, the send starts once the approval is committed (so
    the workers see the approved row)."""
    with transaction.atomic():
        result = approval.approve(edition, user, now=now)
        if result.send_due:
            transaction.on_commit(lambda: _send_after_approval(edition.pk))
    return result


def _send_after_approval(edition_id: int) -> None:
    edition = Edition.objects.get(pk=edition_id)
    try:
        send_scheduled(edition)
    except SendError as error:
        # The kill switch or an empty edition: the approval stands; the next run (or a manual send) retries.
        log.warning("approved edition not sent edition=%s reason=%s", edition.date, error)
