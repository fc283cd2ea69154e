"""The push rate stays under its ceiling, also when several workers share it through Redis, and
a 429/503 seen by one worker makes every worker wait."""

from __future__ import annotations

import threading

import pytest
import redis

from notifications.rate_limiter import LocalRateLimiter, RedisRateLimiter


def test_local_limiter_spaces_sends() -> None:
    limiter = LocalRateLimiter(per_second=1000)

    waits = [limiter.reserve(100) for _ in range(5)]

    # 500 messages at 1,000/s: the last may start after 0.4 s.
    assert waits[0] == pytest.approx(0.0, abs=0.01)
    assert waits[-1] == pytest.approx(0.4, abs=0.01)


def test_workers_sharing_redis_share_one_budget(redis_url: str) -> None:
    workers = [
        RedisRateLimiter(redis.Redis.from_url(redis_url), per_second=1000, key="test:rate")
        for _ in range(2)
    ]
    waits: list[float] = []

    def send(limiter: RedisRateLimiter) -> None:
        waits.extend(limiter.reserve(100) for _ in range(3))

    threads = [threading.Thread(target=send, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    # 600 messages at 1,000/s between both workers: the last starts after 0.5 s.
    assert max(waits) == pytest.approx(0.5, abs=0.05)


def test_a_back_off_seen_by_one_worker_holds_them_all(redis_url: str) -> None:
    one, other = (
        RedisRateLimiter(redis.Redis.from_url(redis_url), per_second=1000, key="test:defer")
        for _ in range(2)
    )

    one.defer(30)
    one.defer(2)  # a shorter back-off never shortens a longer one

    assert other.reserve(10) == pytest.approx(30, abs=0.5)
    local = LocalRateLimiter(per_second=1000)
    local.defer(12)
    assert local.reserve(1) == pytest.approx(12, abs=0.1)
