"""Stations' ingest keys: `<key_id>.<secret>`, 32 random bytes of secret, stored as an
HMAC-SHA256 under the server's station-key secret. A fast hash suffices for a high-entropy key
(a slow one like Argon2 guards guessable passwords and would cost every ingest request).

Operators rotate a key with an overlap: the new key works at once, the old ones until the
overlap ends."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.environment.models import StationKey, Thing
from backend.errors import NotFound


@dataclass(frozen=True, slots=True)
class IssuedKey:
    thing_id: uuid.UUID
    key: str
    previous_expire_at: datetime | None


def digest(pepper: bytes, secret: str) -> str:
    return hmac.new(pepper, secret.encode(), hashlib.sha256).hexdigest()


async def issue(
    session: AsyncSession,
    *,
    pepper: bytes,
    station_code: str,
    now: datetime,
    overlap: timedelta,
) -> IssuedKey:
    """A new key for the station; its keys still valid expire after `overlap` (zero: now)."""
    thing_id = await session.scalar(select(Thing.id).where(Thing.code == station_code))
    if thing_id is None:
        raise NotFound("environment.station_not_found", field="station")
    expire_at = now + overlap
    changed = await session.execute(
        update(StationKey)
        .where(
            StationKey.thing_id == thing_id,
            or_(StationKey.expires_at.is_(None), StationKey.expires_at > expire_at),
        )
        .values(expires_at=expire_at)
    )
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    session.add(
        StationKey(
            id=uuid.uuid4(),
            thing_id=thing_id,
            key_id=key_id,
            digest=digest(pepper, secret),
            expires_at=None,
            created_at=now,
        )
    )
    await session.flush()
    rotated = getattr(changed, "rowcount", 0) or 0
    return IssuedKey(thing_id, f"{key_id}.{secret}", expire_at if rotated else None)


async def station_of(
    session: AsyncSession, *, pepper: bytes, presented: str, now: datetime
) -> tuple[uuid.UUID, datetime | None] | None:
    """The station a presented key belongs to and the key's expiry, if it is valid now."""
    key_id, dot, secret = presented.partition(".")
    if not dot or not key_id or not secret or len(key_id) > 32:
        return None
    found = (
        await session.execute(
            select(StationKey.thing_id, StationKey.digest, StationKey.expires_at).where(
                StationKey.key_id == key_id
            )
        )
    ).one_or_none()
    if found is None:
        return None
    thing_id, stored, expires_at = found
    if not hmac.compare_digest(stored, digest(pepper, secret)):
        return None
    if expires_at is not None and expires_at <= now:
        return None
    return thing_id, expires_at


class KeyCache:
    """Keys verified recently, per process, for `seconds`: a station posting every few seconds
    costs no lookup each time. A key's expiry is still honoured to the second; a key expired
    early by a rotation stops working here within `seconds`."""

    def __init__(self, seconds: float = 60.0) -> None:
        self._seconds = seconds
        self._found: dict[str, tuple[float, uuid.UUID, datetime | None]] = {}

    def get(self, presented: str, now: datetime) -> uuid.UUID | None:
        entry = self._found.get(presented)
        if entry is None:
            return None
        cached_at, thing_id, expires_at = entry
        if time.monotonic() - cached_at > self._seconds or (
            expires_at is not None and expires_at <= now
        ):
            del self._found[presented]
            return None
        return thing_id

    def put(self, presented: str, thing_id: uuid.UUID, expires_at: datetime | None) -> None:
        if len(self._found) > 10_000:
            self._found.clear()
        self._found[presented] = (time.monotonic(), thing_id, expires_at)
