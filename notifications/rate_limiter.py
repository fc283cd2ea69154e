"""Keep the push rate under a configured ceiling (FCM's default quota is 600,000/min/project).

A generic cell-rate algorithm: each send of n messages reserves n/rate seconds on a shared
timeline and is told how long to wait for its turn, so sends are spaced evenly instead of
bursting at the start of each second. With Redis the timeline is shared by every worker; in the
embedded mode there is one worker and it lives in memory. When FCM answers 429 or 503, `defer`
pushes the timeline forward, so every worker backs off together. The limiter never sleeps: the
dispatcher awaits a short wait and turns a long one into a task retry.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

import redis


class RateLimiter(Protocol):
    def reserve(self, count: int) -> float:
        """Book `count` messages; return the seconds to wait before sending them."""
        ...

    def defer(self, seconds: float) -> None:
        """Let nobody send for the next `seconds` (FCM asked us to back off)."""
        ...


class NoLimit:
    def reserve(self, count: int) -> float:
        return 0.0

    def defer(self, seconds: float) -> None:
        return None


class LocalRateLimiter:
    def __init__(self, per_second: int) -> None:
        self.per_second = per_second
        self._lock = threading.Lock()
        self._next_free = 0.0

    def reserve(self, count: int) -> float:
        with self._lock:
            now = time.monotonic()
            start = max(self._next_free, now)
            self._next_free = start + count / self.per_second
        return start - now

    def defer(self, seconds: float) -> None:
        with self._lock:
            self._next_free = max(self._next_free, time.monotonic() + seconds)


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

# Move the timeline in KEYS[1] to at least now + ARGV[1] seconds.
_DEFER = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local next_free = tonumber(redis.call('GET', KEYS[1]) or '0')
local until_ = math.max(next_free, now + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], tostring(until_), 'EX', math.ceil(until_ - now) + 60)
return tostring(until_ - now)
"""


class RedisRateLimiter:
    def __init__(self, client: redis.Redis, per_second: int, key: str = "push:rate") -> None:
        self.per_second = per_second
        self.key = key
        self._reserve = client.register_script(_RESERVE)
        self._defer = client.register_script(_DEFER)

    def reserve(self, count: int) -> float:
        return max(0.0, float(self._reserve(keys=[self.key], args=[count / self.per_second])))

    def defer(self, seconds: float) -> None:
        self._defer(keys=[self.key], args=[seconds])


def rate_limiter(per_second: int | None, redis_url: str | None) -> RateLimiter:
    if not per_second:
        return NoLimit()
    if redis_url:
        return RedisRateLimiter(redis.Redis.from_url(redis_url), per_second)
    return LocalRateLimiter(per_second)
