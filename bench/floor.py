"""The floor for bench/facilities.py: the API's own SQL statements for one request, replayed
through an asyncpg pool behind a bare Starlette endpoint that returns the rows as JSON."""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def create_floor() -> Starlette:
    statements: list[tuple[str, tuple[Any, ...]]] = pickle.loads(  # noqa: S301 - our own file
        Path(os.environ["BENCH_STATEMENTS"]).read_bytes()
    )
    dsn = make_url(os.environ["DATABASE_URL"]).set(drivername="postgresql")
    pool: dict[str, asyncpg.Pool] = {}

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        pool["main"] = await asyncpg.create_pool(
            dsn.render_as_string(hide_password=False), min_size=10, max_size=20
        )
        yield
        await pool["main"].close()

    async def floor(_: Request) -> Response:
        results = []
        async with pool["main"].acquire() as connection:
            for statement, parameters in statements:
                rows = await connection.fetch(statement, *parameters)
                results.append([dict(row) for row in rows])
        return Response(json.dumps(results, default=str), media_type="application/json")

    async def healthz(_: Request) -> Response:
        return Response("ok")

    return Starlette(
        routes=[Route("/floor", floor, methods=["POST"]), Route("/healthz", healthz)],
        lifespan=lifespan,
    )
