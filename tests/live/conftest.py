"""Live tests run real API processes (`citizen serve`) on the test's database and Redis; the
test's own in-process app (`seeded`) publishes to the same Redis, as another API process would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from backend.settings import Settings
from tests.support.live import ApiProcess, api_processes

REPOSITORY = Path(__file__).resolve().parents[2]
OPERATIONS = REPOSITORY / "mobile_contract" / "operations" / "live"

NOTIFICATION_RECEIVED = (OPERATIONS / "NotificationReceived.graphql").read_text()
APPOINTMENT_CHANGED = (OPERATIONS / "AppointmentChanged.graphql").read_text()

Servers = Callable[..., AbstractContextManager[list[ApiProcess]]]


@pytest.fixture
def settings_overrides(redis_url: str) -> dict[str, Any]:
    return {"LIVE_REDIS_URL": redis_url}


@pytest.fixture
def servers(settings: Settings, seeded: Any, tmp_path: Path) -> Servers:
    """Start API processes on the test's (seeded) database, keys and Redis: `servers(2)`."""
    env = {
        "DATABASE_URL": settings.database_url,
        "CITIZEN_VAR_DIR": str(settings.var_dir),
        "CITIZEN_ENV": "development",
        "LIVE_REDIS_URL": settings.live_redis_url or "",
        "PYTHONPATH": str(REPOSITORY),
    }

    def start(count: int = 1, **overrides: str) -> AbstractContextManager[list[ApiProcess]]:
        return api_processes({**env, **overrides}, count, tmp_path)

    return start


@pytest.fixture
def server(servers: Servers) -> Iterator[ApiProcess]:
    with servers(1) as started:
        yield started[0]
