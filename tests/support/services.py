"""The services tests run against, PostgreSQL+PostGIS and Redis, and what happens when one is
missing: a skip, or a failure with `CITIZEN_TEST_REQUIRE_SERVICES=1` (CI)."""

from __future__ import annotations

import os
from typing import NoReturn
from urllib.parse import urlsplit, urlunsplit

import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "CITIZEN_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_SERVICES = os.environ.get("CITIZEN_TEST_REQUIRE_SERVICES") == "1"


def unavailable(what: str, reason: object) -> NoReturn:
    message = f"{what} unavailable: {reason}"
    if REQUIRE_SERVICES:
        pytest.fail(message + " (CITIZEN_TEST_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(message)


def worker_index() -> int:
    """0 without pytest-xdist, else the number of this xdist worker (`gw3` is 3)."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


def redis_url() -> str:
    """`CITIZEN_TEST_REDIS_URL` (default database 15), one database lower per xdist worker:
    tests flush their database, and must not flush another worker's."""
    parts = urlsplit(os.environ.get("CITIZEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    database = int(parts.path.strip("/") or 0) - worker_index()
    assert database >= 0, f"not enough Redis databases for xdist worker {worker_index()}"
    return urlunsplit(parts._replace(path=f"/{database}"))
