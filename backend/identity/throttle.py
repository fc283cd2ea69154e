"""Brute-force protection: failed sign-ins first slow an account down, then lock it for a while.

Counters live in the database, so every API process and every attempt counts, including many
aliased `login` fields in one GraphQL document. An account is keyed by its id, so its phone and
email share one counter; an identifier with no account is keyed by its normalised form.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import RateLimited
from backend.identity import repository
from backend.identity.models import LoginThrottle

ACCOUNT = "account"
ADDRESS = "address"
MAX_DELAY_SECONDS = 300


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    delay_after: int  # failures before each further attempt must wait (doubling)
    lock_after: int  # failures that lock the account
    address_lock_after: int  # failures from one address that lock the address
    lock_for: timedelta

    def limit(self, scope: str) -> int:
        return self.lock_after if scope == ACCOUNT else self.address_lock_after


def keys(account_key: str, client_address: str | None) -> list[tuple[str, str]]:
    found = [(ACCOUNT, account_key)]
    if client_address:
        found.append((ADDRESS, client_address))
    return found


async def check_and_hold(
    session: AsyncSession,
    policy: ThrottlePolicy,
    throttle_keys: list[tuple[str, str]],
    now: datetime,
) -> list[LoginThrottle]:
    """Lock the counters for this attempt; refuse (and count) it while locked or slowed down."""
    await repository.ensure_throttles(session, throttle_keys, now)
    counters = await repository.throttles(session, throttle_keys, for_update=True)
    for counter in counters:
        if now - counter.last_failure_at > policy.lock_for:
            counter.failures = 0  # old failures are forgiven
    for counter in counters:
        if counter.locked_until is not None and counter.locked_until > now:
            raise RateLimited(
                "auth.locked",
                retry_after_seconds=_seconds(counter.locked_until - now),
                keep_changes=True,
            )
    account = next((c for c in counters if c.scope == ACCOUNT), None)
    if account is not None and account.failures >= policy.delay_after:
        wait = timedelta(
            seconds=min(2 ** (account.failures - policy.delay_after), MAX_DELAY_SECONDS)
        )
        ready_at = account.last_failure_at + wait
        if ready_at > now:
            locked = record_failure(policy, counters, now)
            if locked is not None:
                raise RateLimited("auth.locked", retry_after_seconds=locked, keep_changes=True)
            raise RateLimited(
                "auth.slow_down",
                retry_after_seconds=_seconds(ready_at - now),
                keep_changes=True,
            )
    return counters


def record_failure(
    policy: ThrottlePolicy, counters: list[LoginThrottle], now: datetime
) -> int | None:
    """Count one failure on every counter; return the lock's length in seconds if one locked."""
    locked: int | None = None
    for counter in counters:
        counter.failures += 1
        counter.last_failure_at = now
        if counter.failures >= policy.limit(counter.scope):
            counter.locked_until = now + policy.lock_for
            locked = _seconds(policy.lock_for)
    return locked


async def clear_account(session: AsyncSession, account_key: str) -> None:
    await repository.delete_throttle(session, ACCOUNT, account_key)


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))
