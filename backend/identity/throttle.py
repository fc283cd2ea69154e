"""Brute-force protection that protects without excluding.

Failed sign-ins slow down the pair (account, device) first: after a few, each next attempt from
that device must wait 1, 2, 4 … s, so guessing from one place is slow while the owner, elsewhere,
is untouched. A device is the app installation when it sends one, else the client address. Two
ceilings stop wide attacks: an account locks after many failures from everywhere (a device that
signed in to it before is exempt, so the owner keeps their phone), and an address spraying many
accounts locks.

Counters live in the database, so every API process and every attempt counts. An account is
keyed by its id (its phone and email share one counter); an identifier with no account by its
normalised form.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import RateLimited
from backend.identity import repository
from backend.identity.models import KNOWN_SCOPE, LoginThrottle

ACCOUNT = "account"
PAIR = "pair"
ADDRESS = "address"
KNOWN = KNOWN_SCOPE
MAX_DELAY_SECONDS = 300


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    delay_after: int  # failures of one pair before its attempts must wait (doubling)
    lock_after: int  # failures from everywhere that lock the account (for unknown devices)
    address_lock_after: int  # failures from one address that lock the address
    lock_for: timedelta


@dataclass(frozen=True, slots=True)
class Attempt:
    account_key: str
    device: str | None
    client_address: str | None

    @property
    def pair_key(self) -> str:
        raw = f"{self.account_key}|{self.device or '-'}"
        return hashlib.sha256(raw.encode()).hexdigest()

    def counted(self) -> list[tuple[str, str]]:
        found = [(ACCOUNT, self.account_key), (PAIR, self.pair_key)]
        if self.client_address:
            found.append((ADDRESS, self.client_address))
        return found


async def check_and_hold(
    session: AsyncSession, policy: ThrottlePolicy, attempt: Attempt, now: datetime
) -> dict[str, LoginThrottle]:
    """Lock the counters for this attempt; refuse it while locked or while its pair must wait
    (a refusal during the wait counts on the pair alone, doubling its own wait)."""
    counted = attempt.counted()
    await repository.ensure_throttles(session, counted, now)
    rows = await repository.throttles(
        session, [*counted, (KNOWN, attempt.pair_key)], for_update=True
    )
    counters = {row.scope: row for row in rows}
    for counter in counters.values():
        if counter.scope != KNOWN and now - counter.last_failure_at > policy.lock_for:
            counter.failures = 0  # old failures are forgiven
            counter.locked_until = None
    ceilings = [counters.get(ADDRESS)]
    if KNOWN not in counters:
        ceilings.append(counters[ACCOUNT])
    for ceiling in ceilings:
        if ceiling is not None and ceiling.locked_until is not None and ceiling.locked_until > now:
            raise RateLimited(
                "auth.locked", retry_after_seconds=_seconds(ceiling.locked_until - now)
            )
    pair = counters[PAIR]
    if pair.failures >= policy.delay_after and pair.last_failure_at + _wait(policy, pair) > now:
        pair.failures += 1
        pair.last_failure_at = now
        await session.flush()
        raise RateLimited(
            "auth.slow_down",
            retry_after_seconds=_seconds(_wait(policy, pair)),
            keep_changes=True,
        )
    return counters


def record_failure(
    policy: ThrottlePolicy, counters: dict[str, LoginThrottle], now: datetime
) -> tuple[str, int] | None:
    """Count one failure; return (scope, seconds) when the account or the address locked."""
    locked: tuple[str, int] | None = None
    limits = {ACCOUNT: policy.lock_after, ADDRESS: policy.address_lock_after}
    for scope, counter in counters.items():
        if scope == KNOWN:
            continue
        counter.failures += 1
        counter.last_failure_at = now
        limit = limits.get(scope)
        if limit is not None and counter.failures == limit:
            counter.locked_until = now + policy.lock_for
            locked = (scope, _seconds(policy.lock_for))
    return locked


async def succeeded(session: AsyncSession, attempt: Attempt, now: datetime) -> None:
    """The pair starts afresh and becomes known; the account's failures elsewhere stay counted
    (a success here says nothing about the attacker there)."""
    await repository.delete_throttle(session, PAIR, attempt.pair_key)
    await repository.ensure_throttles(session, [(KNOWN, attempt.pair_key)], now)


def _wait(policy: ThrottlePolicy, pair: LoginThrottle) -> timedelta:
    exponent = pair.failures - policy.delay_after
    return timedelta(seconds=min(2**exponent, MAX_DELAY_SECONDS))


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))
