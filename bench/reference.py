"""The references citizen-hub is measured against, in one FastAPI app:

- `POST /plain`: a FastAPI endpoint returning a small dict (the floor of an empty request);
- `POST /floor/<name>`: the API's own SQL statements for one operation (captured by
  bench/readpath.py into `$BENCH_STATEMENTS_DIR/<name>.pickle`), replayed through an asyncpg
  pool, rows → dicts → JSON.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
from fastapi import FastAPI, Response
from sqlalchemy.engine import make_url


def create_reference() -> FastAPI:
    folder = Path(os.environ["BENCH_STATEMENTS_DIR"])
    statements: dict[str, list[tuple[str, tuple[Any, ...]]]] = {
        path.stem: pickle.loads(path.read_bytes())  # noqa: S301 - our own files
        for path in folder.glob("*.pickle")
    }
    dsn = make_url(os.environ["DATABASE_URL"]).set(drivername="postgresql")
    pools: dict[str, asyncpg.Pool] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pools["main"] = await asyncpg.create_pool(
            dsn.render_as_string(hide_password=False), min_size=10, max_size=20
        )
        yield
        await pools["main"].close()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None)

    @app.post("/plain")
    async def plain() -> dict[str, Any]:
        return {"data": {"__typename": "Query"}}

    @app.post("/floor/{name}")
    async def floor(name: str) -> Response:
        results = []
        async with pools["main"].acquire() as connection:
            for statement, parameters in statements[name]:
                rows = await connection.fetch(statement, *parameters)
                results.append([dict(row) for row in rows])
        return Response(json.dumps(results, default=str), media_type="application/json")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
