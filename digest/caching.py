"""A small in-process cache for the sending hot path, and the key an edition's cached work is filed under."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django.conf import settings


class TimedCache:
    """A small per-process LRU with a time limit: consecutive batches of one variant share one render,
    memory stays bounded, and an editor's late fix shows up within VARIANT_CACHE_SECONDS."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get_or_make(self, key, make):
        hit = self._fresh(key)
        if hit is not None:
            return hit[1]
        value = make()
        self.put(key, value)
        return value

    def get(self, key):
        """The value if it is there and fresh, else None (without making it)."""
        hit = self._fresh(key)
        return hit[1] if hit is not None else None

    def _fresh(self, key) -> tuple | None:
        with self.lock:
            hit = self.items.get(key)
            if hit is not None and time.monotonic() - hit[0] < settings.VARIANT_CACHE_SECONDS:
                self.items.move_to_end(key)
                return hit
        return None

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = (time.monotonic(), value)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


def edition_stamp(edition) -> tuple[int, float]:
    """What a process's cached work for an edition is keyed by: its id AND the moment its row was created. An id
    alone is not an edition: a worker that outlives its database (a benchmark or test database dropped and created
    again under the same name, a restored dump) meets a new edition with the same id, and would pick every reader's
    papers from the old one's pool (an empty pool settled a whole send as "no papers")."""
    created = edition.created_at
    return (edition.pk, created.timestamp() if created is not None else 0.0)
