"""The provider's messages-per-second limit holds across sending threads (and so across workers: the
window lives in Redis)."""

import threading
import time
from collections import Counter

import pytest
import redis

from digest.delivery import ratelimit
from tests.workers import TEST_REDIS_URL


@pytest.fixture
def limited(settings):
    settings.SEND_RATE_PER_SECOND = 5
    settings.SEND_RATE_LIMIT_REDIS_URL = TEST_REDIS_URL
    ratelimit._client.cache_clear()
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    yield
    ratelimit._client.cache_clear()


def test_no_second_sees_more_sends_than_the_limit(limited):
    stamps, lock = [], threading.Lock()

    def sender():
        for _ in range(5):
            ratelimit.wait_for_slot()
            with lock:
                stamps.append(int(time.time()))

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    per_second = Counter(stamps)
    assert sum(per_second.values()) == 15
    assert max(per_second.values()) <= 5
    assert len(per_second) >= 3


def test_unreachable_redis_does_not_stop_sending(settings, caplog):
    settings.SEND_RATE_PER_SECOND = 1
    settings.SEND_RATE_LIMIT_REDIS_URL = "redis://127.0.0.1:9/0"
    ratelimit._client.cache_clear()
    with caplog.at_level("WARNING", logger="digest.delivery.ratelimit"):
        for _ in range(3):
            ratelimit.wait_for_slot()  # each call gives up on the limiter instead of raising or waiting
    ratelimit._client.cache_clear()
    unthrottled = [r for r in caplog.records if "rate limiter unavailable; sending unthrottled" in r.getMessage()]
    assert len(unthrottled) == 3
