"""A messages-per-second limit shared by every sending thread and worker, kept in Redis.

Written by hand (a fixed one-second window with INCR) because the limit must hold across processes and
machines; Celery's own rate_limit is per worker and per task, not per provider.

The limit is SEND_RATE_PER_SECOND when set, else the rate the provider reports for the account where it can tell
one (Amazon SES: GetAccount's MaxSendRate), asked once per PROVIDER_RATE_SECONDS in each process.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import lru_cache

import redis
from django.conf import settings

from digest.delivery.providers import RateUnknown, for_backend

log = logging.getLogger(__name__)

#: How long a process keeps the provider's own rate before asking again: an account's rate changes rarely (SES
#: raises it on request), and asking costs a request.
PROVIDER_RATE_SECONDS = 600.0
_provider_rates: dict[str, tuple[float, int]] = {}  # backend -> (when asked, monotonic; messages per second)
_provider_rates_lock = threading.Lock()


def send_rate() -> int:
    """Messages per second every worker together may send: SEND_RATE_PER_SECOND when set, else the provider's
    rate for the account when it can tell one; 0: no limit. A provider that cannot be asked is not paced (its own
    throttling answers are retried with backoff) and says so in the log, once per PROVIDER_RATE_SECONDS."""
    if settings.SEND_RATE_PER_SECOND:
        return settings.SEND_RATE_PER_SECOND
    provider = for_backend()
    if provider.send_rate is None:
        return 0
    with _provider_rates_lock:
        known = _provider_rates.get(settings.EMAIL_BACKEND)
        if known is not None and time.monotonic() - known[0] < PROVIDER_RATE_SECONDS:
            return known[1]
        try:
            rate = max(1, int(provider.send_rate()))
            log.info("pacing to the provider's rate provider=%s rate_per_second=%s", provider.name, rate)
        except RateUnknown as error:
            log.warning("provider's sending rate unknown; sending unpaced provider=%s reason=%s", provider.name, error)
            rate = 0
        _provider_rates[settings.EMAIL_BACKEND] = (time.monotonic(), rate)
        return rate


def forget_provider_rates() -> None:
    """Ask the provider again at the next send (tests, or after the account's rate was raised)."""
    with _provider_rates_lock:
        _provider_rates.clear()


@lru_cache(maxsize=1)
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.SEND_RATE_LIMIT_REDIS_URL, socket_timeout=2)


def wait_for_slot(count: int = 1) -> None:
    """Blocks until this process may send `count` more messages within one second (a batch request
    counts each reader). All or nothing: the provider sees a batch arrive at once, so it must fit in one
    second's allowance; senders cut batches to at most send_rate() (see providers.batching.chunks)."""
    limit = send_rate()
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
