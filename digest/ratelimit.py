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


def wait_for_slot() -> None:
    """Blocks until this process may send one more message this second (no-op when unlimited)."""
    limit = settings.SEND_RATE_PER_SECOND
    if not limit or not settings.SEND_RATE_LIMIT_REDIS_URL:
        return
    while True:
        second = int(time.time())
        key = f"newsletter:send-rate:{second}"
        try:
            pipe = _client().pipeline()
            pipe.incr(key)
            pipe.expire(key, 5)
            count = pipe.execute()[0]
        except (OSError, redis.RedisError) as error:  # a broken limiter must not stop the send
            log.warning("rate limiter unavailable; sending unthrottled reason=%s", error)
            return
        if count <= limit:
            return
        time.sleep(max(0.0, second + 1 - time.time()) + 0.001)
