"""A table the editors edit in the admin (glossary terms, variant phrases), read from the database at most once
per `seconds` in each process.

A save or delete clears it at once in the process that made it (model signals); other processes see the edit
within `seconds`. Both tables are read for every conversion, so a query each time would cost more than the
conversion.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db.models.signals import post_delete, post_save

T = TypeVar("T")


class ReloadedTable(Generic[T]):
    def __init__(self, load: Callable[[], T], model: str, seconds: float) -> None:
        self.load, self.seconds = load, seconds
        self._lock = threading.Lock()
        self._cached: tuple[float, T] | None = None
        post_save.connect(self.forget, sender=model, dispatch_uid=f"reloaded-{model}-saved", weak=False)
        post_delete.connect(self.forget, sender=model, dispatch_uid=f"reloaded-{model}-deleted", weak=False)

    def get(self) -> T:
        with self._lock:
            if self._cached is not None and time.monotonic() - self._cached[0] < self.seconds:
                return self._cached[1]
        value = self.load()
        with self._lock:
            self._cached = (time.monotonic(), value)
        return value

    def forget(self, **_kwargs: object) -> None:
        with self._lock:
            self._cached = None
