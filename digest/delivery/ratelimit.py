"""A messages-per-second limit shared by every sending thread and worker, kept in Redis.

Written by hand (a fixed one-second window with INCR) because the limit must hold across processes and
machines; Celery's own rate_limit is per worker and per task, not per provider.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache

import redis
from django.conf import settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.SEND_RATE_LIMIT_REDIS_URL, socket_timeout=2)


def wait_for_slot(count: int = 1) -> None:
    """Blocks until this process may send `count` more messages within one second (a batch request
    counts each reader). All or nothing: the provider sees a batch arrive at once, so it must fit in one
    second's allowance; senders cut batches to at most SEND_RATE_PER_SECOND (see providers.batching.chunks)."""
    limit = settings.SEND_RATE_PER_SECOND
    if not limit or not settings.SEND_RATE_LIMIT_REDIS_URL:
        return
    count = min(count, limit)
    while True:
        second = int(time.time())
        key = f"newsletter:send-rate:{second}"
        try:
            pipe = _client().pipeline()
            pipe.incrby(key, count)
            pipe.expire(key, 5)
            used = pipe.execute()[0]
            if used <= limit:
                return
            _client().decrby(key, count)  # give the slots back: smaller sends may still fit this second
        except (OSError, redis.RedisError) as error:  # a broken limiter must not stop the send
            log.warning("rate limiter unavailable; sending unthrottled reason=%s", error)
            return
        time.sleep(max(0.0, second + 1 - time.time()) + 0.001)
