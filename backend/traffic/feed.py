"""The police violation feed over HTTP: `POST /traffic/violations` with `Authorization: Bearer
<key>` and `{"violations": [ {<violations.FIELDS>}, … ]}` (at most 500: the API takes bodies up
to 256 KB). The answer counts what was added, updated and left unchanged, or names the first
refused record by index and field; a refused batch writes nothing.

Keys are created with `citizen traffic feed-key NAME` and stored as an HMAC-SHA256 under the
server's feed secret (`FEED_KEY_SECRET`)."""

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
from backend.errors import BadUserInput
from backend.traffic import violations
from backend.traffic.models import FeedKey

KEY_PREFIX = "tfk_"


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
    routes = APIRouter()

    @routes.post("/traffic/violations")
    async def receive(request: Request) -> JSONResponse:
        services = request.app.state.services
        authorization = request.headers.get("authorization", "")
        scheme, _, key = authorization.partition(" ")
        async with services.sessions() as session:
            allowed = scheme.lower() == "bearer" and await key_is_valid(
                session, services.settings.feed_secret, key.strip()
            )
        if not allowed:
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

    return routes
