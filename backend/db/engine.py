"""Engines and session factories, tuned per dialect."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from backend.db import aggregates, spatial, text_search
from backend.settings import Settings


def create_engine(
    settings: Settings, *, server_settings: Mapping[str, str] | None = None
) -> AsyncEngine:
    """`server_settings`: PostgreSQL settings for every connection of this engine (sent with
    the connection's start-up, no round trip); ignored on SQLite."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            _ensure_parent(url.database)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        return engine
    # No ping per checkout (a round trip on every request): a connection the server dropped
    # fails its statement, which the API answers as SERVICE_UNAVAILABLE (retry), and the pool
    # replaces every connection of that generation. Recycling keeps them from going stale.
    return create_async_engine(
        url,
        json_deserializer=_json_loads,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_pool_size,
        pool_pre_ping=False,
        pool_recycle=1800,
        connect_args={"server_settings": dict(server_settings)} if server_settings else {},
    )


def _json_loads(text: str | bytes) -> Any:
    """JSON columns as `json.loads` reads them, by orjson (several times faster: a page of 21
    attractions holds 150 JSON values); what orjson refuses (NaN, integers past 64 bits) falls
    back to the standard library."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def _ensure_parent(database: str) -> None:
    Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    spatial.register_sqlite_functions(dbapi_connection)
    aggregates.register_sqlite_functions(dbapi_connection)
    text_search.register_sqlite_functions(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
