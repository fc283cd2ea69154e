"""The police violation feed over HTTP: `POST /traffic/violations` with `Authorization: Bearer
<key>` and `{"violations": [ {<violations.FIELDS>}, … ]}` (at most 500: the API takes bodies up
to 256 KB). The answer counts what was added, updated and left unchanged, or names the first
refused record by index and field; a refused batch writes nothing.

Keys are created with `citizen traffic feed-key NAME` and stored as an HMAC-SHA256 under the
server's feed secret (`FEED_KEY_SECRET`). Counting stations send `POST /traffic/readings` with
the same keys: counts by class per interval and speed samples, keyed so a re-sent batch changes
nothing."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, DomainError
from backend.traffic import statistics, violations
from backend.traffic.models import FeedKey

KEY_PREFIX = "tfk_"
MAX_READINGS = 1000


def key_hash(secret: bytes, key: str) -> str:
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


async def create_key(
    sessions: async_sessionmaker[AsyncSession], secret: bytes, name: str, now: datetime
) -> str:
    """A new key for `name`; only its HMAC is stored, so this is the one time it is shown."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    async with UnitOfWork(sessions) as uow:
        uow.session.add(
            FeedKey(id=uuid.uuid4(), name=name, key_hash=key_hash(secret, key), created_at=now)
        )
    return key


async def key_is_valid(session: AsyncSession, secret: bytes, key: str) -> bool:
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return False
    found = await session.scalar(
        select(FeedKey.id).where(
            FeedKey.key_hash == key_hash(secret, key), FeedKey.revoked_at.is_(None)
        )
    )
    return found is not None


def _problem(status: int, code: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, **extra}}, status_code=status)


def router() -> APIRouter:
    """The feeds, and the planners' CSV exports."""
    from backend.traffic.export import router as exports

    routes = APIRouter()
    routes.include_router(exports())

    @routes.post("/traffic/violations")
    async def receive(request: Request) -> JSONResponse:
        services = request.app.state.services
        if not await _authorized(request):
            return _problem(401, "UNAUTHENTICATED")
        try:
            body = await request.json()
        except ValueError:
            return _problem(400, "BAD_REQUEST")
        batch = body.get("violations") if isinstance(body, dict) else None
        if not isinstance(batch, list) or not 1 <= len(batch) <= violations.MAX_BATCH:
            return _problem(400, "BAD_USER_INPUT", field="violations", max=violations.MAX_BATCH)
        records = []
        for index, item in enumerate(batch):
            if not isinstance(item, dict):
                return _problem(400, "BAD_USER_INPUT", index=index, field="*")
            try:
                records.append(violations.checked_record(item))
            except BadUserInput as refusal:
                return _problem(
                    400,
                    "BAD_USER_INPUT",
                    index=index,
                    field=refusal.field,
                    reason=refusal.message_key,
                )
        async with UnitOfWork(services.sessions, services.celery) as uow:
            report = await violations.save_records(uow, records, now=utcnow())
        return JSONResponse(
            {"added": report.added, "updated": report.updated, "unchanged": report.unchanged}
        )

    @routes.post("/traffic/readings")
    async def readings(request: Request) -> JSONResponse:
        """Counting stations: `{"counts": [...], "speeds": [...]}`, at most 1,000 of each."""
        services = request.app.state.services
        if not await _authorized(request):
            return _problem(401, "UNAUTHENTICATED")
        try:
            body = await request.json()
        except ValueError:
            return _problem(400, "BAD_REQUEST")
        if not isinstance(body, dict):
            return _problem(400, "BAD_REQUEST")
        counts, speeds = body.get("counts", []), body.get("speeds", [])
        for name, items in (("counts", counts), ("speeds", speeds)):
            if not isinstance(items, list) or len(items) > MAX_READINGS:
                return _problem(400, "BAD_USER_INPUT", field=name, max=MAX_READINGS)
            if not all(isinstance(item, dict) for item in items):
                return _problem(400, "BAD_USER_INPUT", field=name)
        try:
            async with UnitOfWork(services.sessions) as uow:
                saved_counts, saved_speeds = await statistics.save_readings(uow, counts, speeds)
        except DomainError as refusal:
            return _problem(
                400, refusal.code.value, field=refusal.field, reason=refusal.message_key
            )
        return JSONResponse(
            {
                "counts": _report(saved_counts),
                "speeds": _report(saved_speeds),
            }
        )

    return routes


def _report(report: statistics.SaveReport) -> dict[str, int]:
    return {"added": report.added, "updated": report.updated, "unchanged": report.unchanged}


async def _authorized(request: Request) -> bool:
    services = request.app.state.services
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    async with services.sessions() as session:
        return await key_is_valid(session, services.settings.feed_secret, key.strip())
