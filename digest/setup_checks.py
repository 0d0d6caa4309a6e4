"""Is this installation healthy? One line per part a day depends on: the database (migrated), the broker, a worker
answering, beat's last tick, the mail provider, the translator, and SITE_URL as the web serves it. `manage.py
check_setup` prints them and exits non-zero on any failure, so a self-hoster (or a container healthcheck) learns
what is wrong before the morning's email does not arrive.

Each check is a plain function returning a Check; none raises, so one broken part never hides the others.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from digest.delivery.providers import RateUnknown, amazon_ses
from digest.translation.check import NOT_CONFIGURED, TranslatorCheckFailed, check_translator, public_base_url

#: Beat's sweeper runs every 5 minutes (newsletter/celery.py); three missed ticks mean beat is not running.
BEAT_STALE_SECONDS = 15 * 60
#: Cache key the sweeper stamps on every beat tick (digest.tasks.resume_stalled).
BEAT_HEARTBEAT_KEY = "setup:beat-last-tick"
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def beat_ticked() -> None:
    """Called by beat's most frequent scheduled task: the time of its last tick, for check_beat."""
    cache.set(BEAT_HEARTBEAT_KEY, time.time(), None)


def check_database() -> Check:
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return Check("database", False, f"cannot connect: {_one_line(error)}")
    if plan:
        return Check("database", False, f"{connection.vendor}: {len(plan)} migrations not applied (run migrate)")
    return Check("database", True, f"{connection.vendor}, migrations applied")


def tasks_run_in_process() -> bool:
    """No broker configured: the settings default to Celery's in-memory transport and run tasks eagerly, so there is
    no broker to reach, no worker to answer and no beat to tick."""
    broker = settings.CELERY_BROKER_URL or ""
    return not broker or broker.startswith("memory://")


def check_broker() -> Check:
    from newsletter.celery import app

    if tasks_run_in_process():
        return Check("broker", True, "none: tasks run in-process (CELERY_BROKER_URL unset)")
    broker = public_base_url(settings.CELERY_BROKER_URL)
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
    except Exception as error:  # kombu raises transport-specific errors
        return Check("broker", False, f"cannot connect to {broker}: {_one_line(error)}")
    return Check("broker", True, f"{broker} answers")


def check_workers() -> Check:
    from newsletter.celery import app

    if tasks_run_in_process():
        return Check("workers", True, "none needed: tasks run in-process")
    try:
        replies = app.control.ping(timeout=TIMEOUT_SECONDS / 2) or []
    except Exception as error:
        return Check("workers", False, f"cannot ask: {_one_line(error)}")
    if not replies:
        return Check("workers", False, "no worker answered (start: celery -A newsletter worker)")
    return Check("workers", True, f"{len(replies)} answered")


def check_beat(now: float | None = None) -> Check:
    if tasks_run_in_process():
        return Check("beat", True, "none needed: run run_daily from cron or by hand without a broker")
    if "LocMemCache" in settings.CACHES["default"]["BACKEND"]:
        return Check("beat", False, "cannot tell: the cache is per process (set CACHE_URL to a shared Redis)")
    last = cache.get(BEAT_HEARTBEAT_KEY)
    if last is None:
        return Check("beat", False, "no tick seen yet (start exactly one: celery -A newsletter beat)")
    age = (now or time.time()) - float(last)
    if age > BEAT_STALE_SECONDS:
        return Check("beat", False, f"last tick {int(age // 60)} minutes ago (is beat running?)")
    return Check("beat", True, f"last tick {int(age)} s ago")


def check_mail() -> Check:
    backend = str(settings.EMAIL_BACKEND)
    if backend.endswith("OutboxEmailBackend"):
        outbox = Path(settings.EMAIL_OUTBOX_DIR)
        try:
            outbox.mkdir(parents=True, exist_ok=True)
            probe = outbox / ".check_setup"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            return Check("mail", False, f"outbox {outbox} is not writable: {_one_line(error)}")
        return Check("mail", True, f"outbox {outbox} (emails are written there, not sent)")
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        return _check_smtp()
    if backend in amazon_ses.BACKENDS:
        return _check_amazon_ses()
    if backend.startswith("anymail."):
        # Each provider checks credentials with its own API call; a missing setting is what we can see here.
        missing = [] if settings.ANYMAIL else ["ANYMAIL_* settings"]
        if missing:
            return Check("mail", False, f"{backend}: {', '.join(missing)} missing")
        return Check("mail", True, f"{backend}, settings present (credentials are checked by the first send)")
    return Check("mail", True, f"{backend} (not checked)")


def _check_smtp() -> Check:
    host, port = settings.EMAIL_HOST, int(settings.EMAIL_PORT)
    smtp_class = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
    try:
        with smtp_class(host, port, timeout=TIMEOUT_SECONDS) as server:
            code, _greeting = server.ehlo()
            if settings.EMAIL_USE_TLS:
                server.starttls()
            if settings.EMAIL_HOST_USER:
                server.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
    except (OSError, smtplib.SMTPException) as error:
        return Check("mail", False, f"SMTP {host}:{port}: {_one_line(error)}")
    login = ", login accepted" if settings.EMAIL_HOST_USER else ""
    return Check("mail", True, f"SMTP {host}:{port} answers EHLO ({code}){login}")


def _check_amazon_ses() -> Check:
    """Asking for the account's sending rate proves the credentials, the region and the endpoint the sends use."""
    try:
        rate = amazon_ses.account_send_rate()
    except RateUnknown as error:
        return Check("mail", False, f"Amazon SES: cannot read the account: {_one_line(error)}")
    configured = settings.SEND_RATE_PER_SECOND
    if not settings.SEND_RATE_LIMIT_REDIS_URL:  # the limiter's one-second windows live in Redis
        paced = "not paced: SEND_RATE_LIMIT_REDIS_URL is unset"
    elif configured:
        paced = f"SEND_RATE_PER_SECOND={configured} paces the sends"
    else:
        paced = "sends are paced to it"
    return Check("mail", True, f"Amazon SES answers: the account may send {rate:g} messages/s ({paced})")


def check_translation() -> Check:
    try:
        result = check_translator()
    except TranslatorCheckFailed as error:
        if str(error) == NOT_CONFIGURED:
            return Check("translator", True, "not configured: papers are shown in English with a note")
        return Check("translator", False, str(error))
    return Check("translator", True, f"{result.model} translated a sample paper in {result.latency_ms} ms")


def check_site_url() -> Check:
    url = settings.SITE_URL.rstrip("/") + "/"
    try:
        response = httpx.get(url, timeout=TIMEOUT_SECONDS, follow_redirects=True)
    except httpx.HTTPError as error:
        return Check("site", False, f"{url} does not answer: {error.__class__.__name__} (links in emails lead there)")
    if response.status_code >= 500:
        return Check("site", False, f"{url} answers HTTP {response.status_code}")
    return Check("site", True, f"{url} answers HTTP {response.status_code}")


CHECKS: dict[str, Callable[[], Check]] = {
    "database": check_database,
    "broker": check_broker,
    "workers": check_workers,
    "beat": check_beat,
    "mail": check_mail,
    "translator": check_translation,
    "site": check_site_url,
}


def run_checks(skip: tuple[str, ...] = ()) -> list[Check]:
    return [check() for name, check in CHECKS.items() if name not in skip]


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or error.__class__.__name__
    return text[:200]
