"""Keep the push rate under a configured ceiling (FCM's default quota is 600,000/min/project).

A generic cell-rate algorithm: each send of n messages reserves n/rate seconds on a shared
timeline and waits for its turn, so sends are spaced evenly instead of bursting at the start of
each second. With Redis the timeline is shared by every worker; in the embedded mode there is one
worker and it lives in memory.
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
    def __init__(self, per_second: int) -> None:
        self.per_second = per_second
        self._lock = threading.Lock()
        self._next_free = 0.0

    def acquire(self, count: int) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(self._next_free, now)
            self._next_free = start + count / self.per_second
        time.sleep(start - now)


# Reserve ARGV[1] seconds on the timeline in KEYS[1]; return how long to wait (seconds).
_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local next_free = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(next_free, now)
local cost = tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(start + cost), 'EX', math.ceil(start + cost - now) + 60)
return tostring(start - now)
"""


class RedisRateLimiter:
    def __init__(self, client: redis.Redis, per_second: int, key: str = "push:rate") -> None:
        self.per_second = per_second
        self.key = key
        self._reserve = client.register_script(_RESERVE)

    def acquire(self, count: int) -> None:
        wait = float(self._reserve(keys=[self.key], args=[count / self.per_second]))
        time.sleep(max(0.0, wait))


def rate_limiter(per_second: int | None, redis_url: str | None) -> RateLimiter:
    if not per_second:
        return NoLimit()
    if redis_url:
        return RedisRateLimiter(redis.Redis.from_url(redis_url), per_second)
    return LocalRateLimiter(per_second)
