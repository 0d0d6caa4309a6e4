"""Queueing work for the workers by task name, once the rows it reads are committed.

Services decide *that* work must happen (send these deliveries, fetch this source); `digest.tasks` holds
the thin Celery wrappers that do it. Naming the task instead of importing `digest.tasks` keeps the
dependency one way (tasks -> services, never back), so there is no import circle between them.
"""

from __future__ import annotations

import logging
from importlib import import_module

from celery import current_app
from django.db import transaction

log = logging.getLogger(__name__)

FETCH_SOURCE = "digest.tasks.fetch_papers"
SEND_DELIVERIES = "digest.tasks.send_deliveries"
RETRANSLATE_PAPER = "digest.tasks.retranslate_paper"
SEND_CONFIRMATION = "subscribers.tasks.send_confirmation"
IMPORT_SUBSCRIBERS = "subscribers.tasks.import_subscribers"


def enqueue_on_commit(task_name: str, *args: object) -> None:
    """Sends the task after the current transaction commits (at once outside one), so a worker never
    picks up an id whose row it cannot see yet."""
    transaction.on_commit(lambda: _send(task_name, args))


def enqueue(task_name: str, *args: object) -> None:
    """Sends the task now: for a caller whose own transaction has already committed what the task reads
    (the task must still cope with a row it cannot see, by retrying)."""
    _send(task_name, args)


def _send(task_name: str, args: tuple) -> None:
    app = current_app
    if app.conf.task_always_eager:
        # In-process runs (no broker): send_task would ignore eager mode, so run the registered task.
        import_module(task_name.rpartition(".")[0])
        app.tasks[task_name].apply_async(args=args)
    else:
        app.send_task(task_name, args=args)
