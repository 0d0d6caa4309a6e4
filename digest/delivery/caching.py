"""A small in-process cache for the sending hot path."""

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
        now = time.monotonic()
        with self.lock:
            hit = self.items.get(key)
            if hit is not None and now - hit[0] < settings.VARIANT_CACHE_SECONDS:
                self.items.move_to_end(key)
                return hit[1]
        value = make()
        self.put(key, value)
        return value

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = (time.monotonic(), value)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
