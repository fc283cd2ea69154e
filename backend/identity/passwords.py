"""Argon2id password hashing, run off the event loop (the C code releases the GIL)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from argon2 import DEFAULT_MEMORY_COST, DEFAULT_PARALLELISM, DEFAULT_TIME_COST, PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend.errors import BadUserInput

MIN_LENGTH = 10
MAX_LENGTH = 256


@dataclass(frozen=True)
class Cost:
    """Argon2id work factors: passes over memory, memory in KiB, lanes. The defaults are
    argon2-cffi's (RFC 9106's low-memory profile)."""

    time_cost: int = DEFAULT_TIME_COST
    memory_cost: int = DEFAULT_MEMORY_COST
    parallelism: int = DEFAULT_PARALLELISM


PRODUCTION = Cost()

_cost = PRODUCTION
_hasher = PasswordHasher()
# Verified against when the account does not exist, so timing does not reveal which accounts do.
# One per cost, so the dummy always costs what a real verification costs.
_dummy_hashes = {PRODUCTION: _hasher.hash("citizen-hub timing equaliser")}


def use_cost(cost: Cost) -> None:
    """Hash with `cost` from now on. Production keeps `PRODUCTION`; the test suite lowers it so
    that a sign-in does not cost a full Argon2 run. Hashes of any cost still verify (a hash
    carries its own parameters), and `needs_rehash` reports those of another cost."""
    global _cost, _hasher
    hasher = PasswordHasher(
        time_cost=cost.time_cost, memory_cost=cost.memory_cost, parallelism=cost.parallelism
    )
    if cost not in _dummy_hashes:
        _dummy_hashes[cost] = hasher.hash("citizen-hub timing equaliser")
    _cost, _hasher = cost, hasher


def current_cost() -> Cost:
    return _cost


def check_policy(password: str, *, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise BadUserInput("input.password_short", field=field, min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise BadUserInput("input.too_long", field=field, max=MAX_LENGTH)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-effort check; `None` (no such account) still spends one verification."""
    dummy = _dummy_hashes[_cost]
    return await asyncio.to_thread(_verify, password_hash or dummy, password, password_hash)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def _verify(password_hash: str, password: str, real_hash: str | None) -> bool:
    try:
        _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return real_hash is not None
