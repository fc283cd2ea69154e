"""Keep the push rate under a configured ceiling (FCM's default quota is 600,000/min/project).

With Redis the budget is shared by every worker (one counter per second); in the embedded mode
there is one worker, and the counter lives in its memory.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

import redis


class RateLimiter(Protocol):
    def acquire(self, count: int) -> None: ...


class NoLimit:
    def acquire(self, count: int) -> None:
        return None


class LocalRateLimiter:
    """Fixed one-second windows in process memory."""

    def __init__(self, per_second: int) -> None:
        self.per_second = per_second
        self._lock = threading.Lock()
        self._window = 0
        self._used = 0

    def acquire(self, count: int) -> None:
        while True:
            with self._lock:
                now = time.time()
                window = int(now)
                if window != self._window:
                    self._window, self._used = window, 0
                if self._used == 0 or self._used + count <= self.per_second:
                    self._used += count
                    return
            time.sleep(max(0.0, window + 1 - now))


class RedisRateLimiter:
    """Fixed one-second windows in Redis, shared by all workers."""

    def __init__(self, client: redis.Redis, per_second: int, key: str = "push:rate") -> None:
        self.client = client
        self.per_second = per_second
        self.key = key

    def acquire(self, count: int) -> None:
        while True:
            now = time.time()
            window = int(now)
            key = f"{self.key}:{window}"
            pipeline = self.client.pipeline()
            pipeline.incrby(key, count)
            pipeline.expire(key, 5)
            used = int(pipeline.execute()[0])
            if used == count or used <= self.per_second:
                return
            self.client.decrby(key, count)  # give the budget back and wait for the next second
            time.sleep(max(0.0, window + 1 - now))


def rate_limiter(per_second: int | None, redis_url: str | None) -> RateLimiter:
    if not per_second:
        return NoLimit()
    if redis_url:
        return RedisRateLimiter(redis.Redis.from_url(redis_url), per_second)
    return LocalRateLimiter(per_second)
