"""The push rate stays under its ceiling, also when several workers share it through Redis."""

from __future__ import annotations

import threading
import time

import redis

from notifications.rate_limiter import LocalRateLimiter, RedisRateLimiter


def test_local_limiter_spaces_sends() -> None:
    limiter = LocalRateLimiter(per_second=1000)
    started = time.monotonic()
    for _ in range(5):
        limiter.acquire(100)  # 500 messages at 1,000/s: the last may start after 0.4 s
    assert time.monotonic() - started >= 0.39


def test_workers_sharing_redis_share_one_budget(redis_url: str) -> None:
    workers = [
        RedisRateLimiter(redis.Redis.from_url(redis_url), per_second=1000, key="test:rate")
        for _ in range(2)
    ]
    started = time.monotonic()

    def send(limiter: RedisRateLimiter) -> None:
        for _ in range(3):
            limiter.acquire(100)

    threads = [threading.Thread(target=send, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    # 600 messages at 1,000/s between both workers: the last starts after 0.5 s.
    assert time.monotonic() - started >= 0.49
