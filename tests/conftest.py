"""Fixtures: every API test runs on SQLite and on PostgreSQL+PostGIS, migrated by Alembic.

PostgreSQL and Redis are used when reachable (`CITIZEN_TEST_POSTGRES_URL`,
`CITIZEN_TEST_REDIS_URL`); with `CITIZEN_TEST_REQUIRE_SERVICES=1` (CI) a missing one is a
failure, not a skip.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import redis
from sqlalchemy import event
from sqlalchemy.engine import make_url

from backend.app import create_app
from backend.db import migrate
from backend.db.base import Base, load_all_models
from backend.db.engine import create_session_factory
from backend.seed.demo import seed_demo
from backend.settings import Settings

load_all_models()

POSTGRES_ADMIN_URL = os.environ.get(
    "CITIZEN_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("CITIZEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRE_SERVICES = os.environ.get("CITIZEN_TEST_REQUIRE_SERVICES") == "1"


def _unavailable(what: str, reason: object) -> None:
    message = f"{what} unavailable: {reason}"
    if REQUIRE_SERVICES:
        pytest.fail(message + " (CITIZEN_TEST_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(message)


# --- PostgreSQL --------------------------------------------------------------------------------


def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def create_postgres_database() -> str:
    """A new, empty database; returns its SQLAlchemy URL."""
    name = f"citizen_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_available() -> bool | str:
    try:
        asyncio.run(_admin("SELECT 1"))
    except Exception as exc:
        return str(exc)
    return True


@pytest.fixture(scope="session")
def postgres_template(postgres_available: bool | str) -> Iterator[str | None]:
    """One migrated database per test session; tests truncate what they wrote."""
    if postgres_available is not True:
        yield None
        return
    url = create_postgres_database()
    migrate.upgrade(Settings(DATABASE_URL=url))
    yield url
    drop_postgres_database(url)


async def truncate_all(url: str) -> None:
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await connection.execute(f"TRUNCATE {tables} CASCADE")
    finally:
        await connection.close()


# --- SQLite -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "citizen.db"
    migrate.upgrade(Settings(DATABASE_URL=f"sqlite+aiosqlite:///{path}"))
    return path


# --- The database every API test is parametrised over ------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_template: str | None,
    postgres_available: bool | str,
) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "citizen.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    if postgres_template is None:
        _unavailable("PostgreSQL", postgres_available)
    assert postgres_template is not None
    yield postgres_template
    asyncio.run(truncate_all(postgres_template))


@pytest.fixture
def dialect(database_url: str) -> str:
    return make_url(database_url).get_backend_name()


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Tests override this to change settings (names as env vars)."""
    return {}


@pytest.fixture
def settings(database_url: str, tmp_path: Path, settings_overrides: dict[str, Any]) -> Settings:
    values: dict[str, Any] = {
        "DATABASE_URL": database_url,
        "CITIZEN_VAR_DIR": tmp_path / "var",
        "CITIZEN_ENV": "development",
        **settings_overrides,
    }
    return Settings(**values)


@dataclass
class StatementLog:
    statements: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.statements.clear()

    @property
    def count(self) -> int:
        return len(self.statements)


@dataclass
class Api:
    """The app as the mobile client sees it: GraphQL over HTTP."""

    client: httpx.AsyncClient
    sql: StatementLog
    app: Any

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        language: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if language:
            sent["Accept-Language"] = language
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    @property
    def sessions(self) -> Any:
        return self.app.state.services.sessions


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    app = create_app(settings)
    log = StatementLog()

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        log.statements.append(statement)

    engine = app.state.engine
    event.listen(engine.sync_engine, "before_cursor_execute", record)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://citizen.test") as client:
        yield Api(client=client, sql=log, app=app)
    await engine.dispose()


@pytest.fixture
async def seeded(api: Api) -> Api:
    await seed_demo(create_session_factory(api.app.state.engine))
    api.sql.clear()
    return api


# --- Redis --------------------------------------------------------------------------------------


@pytest.fixture
def redis_url() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        _unavailable("Redis", exc)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()
