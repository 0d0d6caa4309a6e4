"""CSV import of subscribers: the whole file is read and checked first, then each row stored on its own.

Rows become active subscribers (the importer vouches for consent); bad rows are reported by line number and
good rows kept. Every value is checked against its column (length, type, choices, the follows/mutes schema) before
anything is stored, and each row is stored in its own savepoint: a row the database still refuses is reported with
its line and the others are kept. A file that cannot be read to its end (a bad byte, broken quoting) imports
nothing: a half-import that says "could not be imported" would leave the operator guessing which rows went in.
Unsubscribed and suppressed readers are reported and left as they are (subscribers.status). An import job always
ends, done or failed with its reason, and its file is deleted (run_import).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from digest import jobs
from digest.languages import LANGUAGE_CHOICES
from digest.models import Topic
from subscribers import status
from subscribers.addresses import normalize_address
from subscribers.interests import KINDS, InvalidInterest, parse_list
from subscribers.models import Subscriber, SubscriberImport

HEADER = ["email", "language", "topics", "bilingual", "max_papers"]
#: Columns a file may add after HEADER, in any order: frequency (daily or weekly) and follows/mutes, each a list
#: joined by ";" like topics. A file without them imports as before (daily, nothing followed or muted).
OPTIONAL_COLUMNS = [
    "frequency",
    *(f"{side}_{kind}" for side in ("follow", "mute") for kind in KINDS),
    # Written by the admin's export so a file round-trips; read and ignored: an import never sets a status.
    "status",
]
LANGUAGES = {code for code, _ in LANGUAGE_CHOICES}
Progress = Callable[[str, int, int], None]  # (phase "checking" | "storing", rows done, rows in all)
PROGRESS_EVERY = 200
#: Rows stored per transaction (each in its own savepoint): a commit per row made an import 2-3 times slower
#: (bench/import_bench.py, 5,000 rows: 128 rows/s against ~400 in chunks, as before rows were isolated).
STORE_CHUNK = 500

log = logging.getLogger(__name__)


class ImportFailed(Exception):
    """The file as a whole cannot be imported; nothing was stored. The message says why and where."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    total_rows: int = 0


def import_csv(content: bytes, *, dry_run: bool = False, progress: Progress | None = None) -> ImportReport:
    """Imports a whole CSV file (bytes) or raises ImportFailed having stored nothing."""
    progress = progress or (lambda phase, done, total: None)
    rows = _read_rows(content)
    report = ImportReport(total_rows=len(rows))
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    emails = [_stored_form(row.get("email")) for _, row in rows]
    existing = {s.email.lower(): s for s in Subscriber.objects.filter(email__in=[e for e in emails if e])}
    good: list[tuple[int, dict]] = []
    for done, (line, row) in enumerate(rows, start=1):
        try:
            values = _import_row(row, topics, existing)
            _check_columns(values)
            good.append((line, values))
        except ValidationError as error:
            report.errors.append((line, "; ".join(error.messages)))
        except Exception as error:  # a value of a shape nothing expected: this row is refused, not the file
            log.exception("import row refused line=%s", line)
            report.errors.append((line, f"unreadable row ({error.__class__.__name__})"))
        if done % PROGRESS_EVERY == 0:
            progress("checking", done, len(rows))
    if dry_run:
        report.updated = sum(values["email"] in existing for _, values in good)
        report.created = len(good) - report.updated
        return report
    for start in range(0, len(good), STORE_CHUNK):
        with transaction.atomic():  # one commit per chunk; each row in a savepoint of its own inside it
            for done, (line, values) in enumerate(good[start : start + STORE_CHUNK], start=start + 1):
                _store_or_report(line, values, existing, report)
                if done % PROGRESS_EVERY == 0:
                    progress("storing", done, len(good))
    report.errors.sort(key=lambda error: error[0])
    return report


def _store_or_report(line: int, values: dict, existing: dict[str, Subscriber], report: ImportReport) -> None:
    try:
        with transaction.atomic():  # a savepoint: this row or nothing of it; the file's other rows are not touched
            created = _store_row(values, existing)
    except Exception as error:  # the database refused this row (or a bug met it): reported, the rest kept
        log.exception("import row not stored line=%s", line)
        first_line = (str(error).splitlines() or [""])[0][:200]
        report.errors.append((line, f"not stored: {error.__class__.__name__}: {first_line}"))
        # Its in-memory state may not be what the database holds (a later row of the same address reads it).
        existing[values["email"]] = Subscriber.objects.filter(email=values["email"]).first()
        return
    report.created += created
    report.updated += not created


def _store_row(values: dict, existing: dict[str, Subscriber]) -> bool:
    """Stores one checked row (inside the caller's savepoint); True when the reader is new."""
    subscriber = existing.get(values["email"]) or Subscriber(email=values["email"])
    created = subscriber.pk is None
    status.activate_imported(subscriber)
    for name, value in values.items():
        if name not in ("email", "topics"):
            setattr(subscriber, name, value)
    subscriber.save()
    subscriber.topics.set(values["topics"])
    existing[values["email"]] = subscriber  # the same address twice in one file: the second updates
    return created


def _check_columns(values: dict) -> None:
    """Each value against its Subscriber column (max_length, integer range, choices, validators such as the
    follows/mutes schema), so a value the database would refuse is this row's error, in words, before storing."""
    with translation.override("en"):  # the report is kept and logged in English
        for name, value in values.items():
            if name == "topics":
                continue
            try:
                Subscriber._meta.get_field(name).clean(value, None)
            except ValidationError as error:
                raise ValidationError(f"{name}: {'; '.join(error.messages)}") from None


def _read_rows(content: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ImportFailed(f"line {line}: not UTF-8 (byte {content[error.start]:#04x}); nothing was imported") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        names = [name.strip() for name in (reader.fieldnames or [])]
        extra = names[len(HEADER) :]
        unknown = [n for n in extra if n not in OPTIONAL_COLUMNS]
        if names[: len(HEADER)] != HEADER or unknown or len(set(extra)) < len(extra):
            found = ",".join(reader.fieldnames or [])
            raise ImportFailed(
                f"header must be {','.join(HEADER)}, optionally followed by any of {','.join(OPTIONAL_COLUMNS)}; "
                f"found {found}"
            )
        reader.fieldnames = names
        return [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise ImportFailed(f"line {reader.line_num + 1}: {error}; nothing was imported") from None


def _stored_form(email: str | None) -> str:
    """The address as stored and looked up (subscribers.addresses), or "" when the rule refuses it."""
    try:
        return normalize_address(email or "")
    except ValidationError:
        return ""


def _import_row(row: dict[str, str], topics: dict[str, Topic], existing: dict[str, Subscriber]) -> dict:
    try:
        email = normalize_address(row.get("email") or "")
    except ValidationError:
        raise ValidationError(f"invalid email {(row.get('email') or '').strip()!r}") from None
    known = existing.get(email)
    if known is not None and known.status == Subscriber.Status.SUPPRESSED:
        raise ValidationError(f"{email} is suppressed (bounce or complaint); not re-imported")
    if known is not None and known.status == Subscriber.Status.UNSUBSCRIBED:
        raise ValidationError(f"{email} unsubscribed; only the reader can subscribe again")
    language = (row.get("language") or "").strip()
    if language not in LANGUAGES:
        raise ValidationError(f"language must be one of {', '.join(sorted(LANGUAGES))}, not {language!r}")
    slugs = [s.strip() for s in (row.get("topics") or "").split(";") if s.strip()]
    unknown = [s for s in slugs if s not in topics]
    if unknown:
        raise ValidationError(f"unknown topics: {', '.join(unknown)}")
    bilingual_text = (row.get("bilingual") or "").strip().lower()
    if bilingual_text not in ("", "0", "1", "true", "false", "yes", "no"):
        raise ValidationError(f"bilingual must be true or false, not {bilingual_text!r}")
    max_text = (row.get("max_papers") or "").strip()
    if max_text and (not max_text.isdigit() or not 1 <= int(max_text) <= 50):
        raise ValidationError(f"max_papers must be a whole number from 1 to 50, not {max_text!r}")
    values = {
        "email": email,
        "language": language,
        "topics": [topics[s] for s in slugs],
        "bilingual": bilingual_text in ("1", "true", "yes"),
        "max_papers": int(max_text) if max_text else settings.DEFAULT_MAX_PAPERS,
    }
    return values | _optional_values(row)


def _optional_values(row: dict[str, str]) -> dict:
    """frequency and follows/mutes, when the file has those columns."""
    values: dict = {}
    if "frequency" in row:
        frequency = (row.get("frequency") or "").strip().lower() or Subscriber.Frequency.DAILY
        if frequency not in Subscriber.Frequency.values:
            raise ValidationError(f"frequency must be daily or weekly, not {frequency!r}")
        values["frequency"] = frequency
    for side in ("follows", "mutes"):
        columns = {kind: f"{side[:-1]}_{kind}" for kind in KINDS}
        if any(column in row for column in columns.values()):
            try:
                values[side] = {kind: parse_list(row.get(column) or "", kind) for kind, column in columns.items()}
            except InvalidInterest as error:
                raise ValidationError(f"{side}: {error}") from None
    return values


def queue_import(*, user, filename: str, content: bytes, dry_run: bool) -> SubscriberImport:
    """Keeps the file as an import job and queues it for a worker (a big file outlives a web request)."""
    job = SubscriberImport.objects.create(
        created_by=user, filename=(filename or "")[:200], content=content, dry_run=dry_run
    )
    try:
        jobs.enqueue(jobs.IMPORT_SUBSCRIBERS, job.pk)
    except Exception as error:  # the broker is down: the job ends here, failed with the reason, its file deleted
        log.exception("CSV import could not be queued import=%s", job.pk)
        SubscriberImport.objects.filter(pk=job.pk, status=SubscriberImport.Status.QUEUED).update(
            status=SubscriberImport.Status.FAILED,
            failure=f"could not be queued ({error.__class__.__name__}: {str(error)[:200]}); nothing was imported",
            content=b"",
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
    return job


def export_rows(subscribers: Iterable[Subscriber]) -> Iterator[list[object]]:
    """The import format (plus each reader's status) as rows, header first: what an export gives back imports as
    it was. A cell a spreadsheet would run as a formula is quoted."""
    yield [*HEADER, "status"]
    for subscriber in subscribers:
        yield [
            _safe_cell(subscriber.email),
            subscriber.language,
            ";".join(t.slug for t in subscriber.topics.all()),
            "true" if subscriber.bilingual else "false",
            subscriber.max_papers,
            subscriber.status,
        ]


def _safe_cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; such a cell is quoted with '."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def progress_key(import_id: int) -> str:
    return f"subscriber-import:{import_id}:progress"


def run_import(import_id: int) -> SubscriberImport | None:
    """What the worker does with an uploaded file: import it, keep the report on the row, log it for the admin.
    Progress goes to the shared cache. The job always ends, done (with its report) or failed (with the reason),
    and its file is deleted, whatever the import raised. A job left running by a worker that died is run again when
    its task is delivered again (acks_late): rows already stored are updated, not doubled."""
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    unfinished = (SubscriberImport.Status.QUEUED, SubscriberImport.Status.RUNNING)
    if not SubscriberImport.objects.filter(pk=import_id, status__in=unfinished).update(
        status=SubscriberImport.Status.RUNNING
    ):
        return None  # already run (a redelivered task) or deleted
    job = SubscriberImport.objects.get(pk=import_id)

    def progress(phase: str, done: int, total: int) -> None:
        cache.set(progress_key(job.pk), {"phase": phase, "done": done, "total": total}, timeout=3600)

    try:
        report = import_csv(bytes(job.content), dry_run=job.dry_run, progress=progress)
    except ImportFailed as error:
        job.status, job.failure = SubscriberImport.Status.FAILED, str(error)
    except Exception as error:  # the database went away, a bug: the job still ends, with the reason
        log.exception("CSV import failed import=%s", job.pk)
        job.status = SubscriberImport.Status.FAILED
        job.failure = f"unexpected error: {error.__class__.__name__}: {(str(error).splitlines() or [''])[0][:300]}"
    else:
        job.status = SubscriberImport.Status.DONE
        job.total_rows, job.created, job.updated = report.total_rows, report.created, report.updated
        job.errors = [list(error) for error in report.errors]
    finally:
        job.content, job.finished_at = b"", timezone.now()
        SubscriberImport.objects.filter(pk=job.pk).update(
            status=job.status if job.status != SubscriberImport.Status.RUNNING else SubscriberImport.Status.FAILED,
            failure=job.failure or ("" if job.status != SubscriberImport.Status.RUNNING else "interrupted"),
            total_rows=job.total_rows, created=job.created, updated=job.updated, errors=job.errors,
            content=b"", finished_at=job.finished_at,
        )  # fmt: skip
        cache.delete(progress_key(job.pk))
    job.refresh_from_db()
    if job.status == SubscriberImport.Status.DONE and not job.dry_run and job.created_by_id:
        LogEntry.objects.create(
            user_id=job.created_by_id,
            content_type=ContentType.objects.get_for_model(Subscriber),
            object_repr="CSV import",
            action_flag=ADDITION,
            change_message=f"CSV import: created {job.created}, updated {job.updated}, {len(job.errors)} rows refused",
        )
    return job
