"""Argon2id password hashing, run off the event loop (the C code releases the GIL)."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend.errors import BadUserInput

MIN_LENGTH = 10
MAX_LENGTH = 256

_hasher = PasswordHasher()
# Verified against when the account does not exist, so timing does not reveal which accounts do.
_DUMMY_HASH = _hasher.hash("citizen-hub timing equaliser")


def check_policy(password: str, *, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise BadUserInput("input.password_short", field=field, min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise BadUserInput("input.too_long", field=field, max=MAX_LENGTH)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-effort check; `None` (no such account) still spends one verification."""
    return await asyncio.to_thread(_verify, password_hash or _DUMMY_HASH, password, password_hash)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def _verify(password_hash: str, password: str, real_hash: str | None) -> bool:
    try:
        _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return real_hash is not None
