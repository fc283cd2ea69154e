"""Fixtures: every API test runs on SQLite and on PostgreSQL+PostGIS, migrated by Alembic.

Each test gets a database of its own, copied from a template migrated once per session; tests
using `seeded` get a copy of one that also holds the demo data. PostgreSQL and Redis are used
when reachable (`CITIZEN_TEST_POSTGRES_URL`, `CITIZEN_TEST_REDIS_URL`); with
`CITIZEN_TEST_REQUIRE_SERVICES=1` (CI) a missing one is a failure, not a skip.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy.engine import make_url

from backend.db.base import load_all_models
from backend.identity import passwords
from backend.settings import Settings
from tests.support.api import Api, open_api
from tests.support.databases import Templates, postgres_reachable
from tests.support.services import redis_url as worker_redis_url
from tests.support.services import unavailable

pytest_plugins = ["tests.support.clock"]

load_all_models()

# Argon2 at its minimum: most tests sign in, none of them is about the cost of hashing.
CHEAP_PASSWORDS = passwords.Cost(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def password_cost() -> passwords.Cost:
    """The Argon2 cost a test hashes with; tests/identity overrides it with production's."""
    return CHEAP_PASSWORDS


@pytest.fixture(autouse=True)
def password_hashing(password_cost: passwords.Cost) -> Iterator[passwords.Cost]:
    """Every test hashes at `password_cost`, and so do the seeded templates built for it."""
    previous = passwords.current_cost()
    passwords.use_cost(password_cost)
    yield password_cost
    passwords.use_cost(previous)


# --- the database every API test is parametrised over ------------------------------------------


@pytest.fixture(scope="session")
def postgres_available() -> bool | str:
    return postgres_reachable()


@pytest.fixture(scope="session")
def templates(
    tmp_path_factory: pytest.TempPathFactory, postgres_available: bool | str
) -> Iterator[Templates]:
    """The session's template databases: one set per xdist worker, like every session fixture."""
    found = Templates(tmp_path_factory.mktemp("templates"), postgres_available)
    yield found
    found.drop()


@pytest.fixture(scope="session")
def sqlite_template(templates: Templates) -> Path:
    """A migrated SQLite database file, not to be written: copy it."""
    return templates.sqlite(seeded=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    templates: Templates,
    password_hashing: passwords.Cost,
) -> Iterator[str]:
    """A database of the test's own, migrated; holding the demo data if the test uses `seeded`
    (directly or through another fixture), with password hashes of the test's Argon2 cost."""
    seeded = "seeded" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "citizen.db"
        shutil.copy(templates.sqlite(seeded=seeded), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    url = templates.postgres_copy(seeded=seeded)
    yield url
    templates.release(url)


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


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    async with open_api(settings) as opened:
        yield opened


@pytest.fixture
async def seeded(api: Api) -> Api:
    """`api` on a database holding the demo data (see `database_url`), no SQL recorded yet."""
    api.sql.clear()
    return api


# --- Redis --------------------------------------------------------------------------------------


@pytest.fixture
def redis_url() -> Iterator[str]:
    url = worker_redis_url()
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()
