"""`POST /sta/v1.1/ingest`: a station sends a batch of observations with its key.

The answer is 200 whenever the batch could be read, with counts and each refused row's index,
code and message: a station never resends good rows because one was bad (and a resent batch is
harmless, duplicates are ignored). Concurrent batches are committed together
(`group_commit`); a batch that could not be stored gets 503 `STORE_FAILED`, nothing of it
reported stored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.environment import ingest, keys
from backend.environment.group_commit import CommitFailed, GroupCommit, StoreFailed
from backend.graphql_api.context import AppServices
from backend.i18n import Locale, negotiate_locale, translate


def _problem(status: int, code: str, locale: Locale, **params: Any) -> JSONResponse:
    key = f"environment.ingest.{code.lower()}"
    return JSONResponse(
        {"code": code, "message": translate(key, locale, **params)}, status_code=status
    )


def ingest_router(services: AppServices) -> APIRouter:
    router = APIRouter()
    ingestor = ingest.Ingestor(services.engine)
    verified = keys.KeyCache(services.settings.station_key_cache_seconds)

    async def write(batches: Sequence[ingest.Batch]) -> list[ingest.Report]:
        stored = False
        try:
            async with UnitOfWork(services.sessions, services.celery) as uow:
                reports = await ingestor.store(uow, batches, utcnow())
                stored = True
        except Exception as exc:
            if stored:
                raise CommitFailed from exc
            raise
        return reports

    group = GroupCommit(
        write,
        max_rows=services.settings.ingest_group_max_rows,
        max_delay=services.settings.ingest_group_max_delay_ms / 1000,
        # SQLite has one writer at a time anyway.
        writers=(
            1
            if services.engine.dialect.name == "sqlite"
            else services.settings.ingest_group_writers
        ),
    )

    @router.post("/sta/v1.1/ingest")
    async def receive(request: Request) -> JSONResponse:
        locale = negotiate_locale(request.headers.get("accept-language"))
        scheme, _, presented = request.headers.get("authorization", "").partition(" ")
        now = utcnow()
        if scheme.lower() != "bearer" or not presented:
            return _problem(401, "UNAUTHENTICATED", locale)
        presented = presented.strip()
        station = verified.get(presented, now)
        if station is None:
            async with services.sessions() as session:
                found = await keys.station_of(
                    session,
                    pepper=services.settings.station_key_pepper,
                    presented=presented,
                    now=now,
                )
            if found is None:
                return _problem(401, "UNAUTHENTICATED", locale)
            station = found[0]
            verified.put(presented, *found)
        try:
            rows = ingest.as_rows(orjson.loads(await request.body()))
        except orjson.JSONDecodeError:  # a ValueError, invalid UTF-8 included
            rows = None
        if rows is None:
            return _problem(400, "BAD_REQUEST", locale)
        if len(rows) > ingest.MAX_BATCH:
            return _problem(413, "BATCH_TOO_LARGE", locale, max=ingest.MAX_BATCH)
        readings = [ingest.parse_row(row) for row in rows]
        batch = await ingestor.prepare(readings, station=station, now=now)
        try:
            report = await group.submit(batch)
        except StoreFailed:
            return _problem(503, "STORE_FAILED", locale)
        return JSONResponse(
            {
                "accepted": report.accepted,
                "duplicates": report.duplicates,
                "flagged": report.flagged,
                "refused": [
                    {
                        "index": r.index,
                        "code": r.code.value,
                        "message": translate(f"environment.ingest.{r.code.value.lower()}", locale),
                    }
                    for r in report.refused
                ],
            }
        )

    return router
