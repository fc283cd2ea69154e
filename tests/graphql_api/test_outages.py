"""A database, cache or broker that cannot be reached is SERVICE_UNAVAILABLE, which the app may
retry: HTTP 503 with Retry-After when nothing was answered. A bug is still a masked INTERNAL."""

from __future__ import annotations

import base64
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import kombu.exceptions
import pytest
from graphql import GraphQLError

from backend.app import create_app
from backend.graphql_api.errors import format_error
from backend.i18n import Locale
from backend.places import service as places_service
from backend.settings import Settings
from backend.worker.celery_app import create_celery
from tests.contract.test_operations import BY_NAME
from tests.support.graphql import only_error

WARDS = "{ wards(first: 1) { edges { cursor } } }"
SEARCH, SEARCH_HASH = BY_NAME["HealthFacilities"]["body"], BY_NAME["HealthFacilities"]["id"]
NEAR = {"near": {"latitude": 16.4637, "longitude": 107.5909}}
LOGIN = 'mutation { login(input: {identifier: "0905000001", password: "x"}) { accessToken } }'
CLOSED_POSTGRES = "postgresql+asyncpg://nobody@127.0.0.1:1/nothing"
UNAVAILABLE = {"code": "SERVICE_UNAVAILABLE", "retryAfterSeconds": 5}


@asynccontextmanager
async def client_for(tmp_path: Path, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    values: dict[str, Any] = {"CITIZEN_VAR_DIR": tmp_path / "var", **settings}
    app = create_app(Settings(**values))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://citizen.test") as client:
        yield client
    await app.state.services.close_database()


def unavailable(response: httpx.Response) -> dict[str, Any]:
    """The answer to a request nothing of which could be served: 503, retry in a moment."""
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    assert response.headers["cache-control"] == "private, no-store"
    error = only_error(response.json())
    assert error["extensions"] == UNAVAILABLE
    return error


def closed_port(_: Path) -> None:
    return None


def directory_removed(data: Path) -> None:
    shutil.rmtree(data)


def directory_replaced_by_a_file(data: Path) -> None:
    shutil.rmtree(data)
    data.write_text("")


def directory_unreadable(data: Path) -> None:
    data.chmod(0)


@pytest.mark.parametrize(
    ("database", "outage"),
    [
        ("postgres", closed_port),
        ("sqlite", directory_removed),
        ("sqlite", directory_replaced_by_a_file),
        pytest.param(
            "sqlite",
            directory_unreadable,
            marks=pytest.mark.skipif(os.geteuid() == 0, reason="root reads any directory"),
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
async def test_an_unreachable_database_is_a_retryable_503(
    tmp_path: Path, sqlite_template: Path, database: str, outage: Callable[[Path], None]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(sqlite_template, data / "citizen.db")
    url = CLOSED_POSTGRES if database == "postgres" else f"sqlite+aiosqlite:///{data}/citizen.db"

    async with client_for(tmp_path, DATABASE_URL=url) as client:
        outage(data)  # after start-up: the volume went away, or the server did
        query = await client.post(
            "/graphql", json={"query": WARDS}, headers={"accept-language": "en"}
        )
        mutation = await client.post("/graphql", json={"query": LOGIN})

    error = unavailable(query)
    assert error["message"] == (
        "The service is temporarily unavailable. Please try again in a moment."
    )
    assert query.json()["data"] is None
    error = unavailable(mutation)
    assert error["message"] == "Dịch vụ đang tạm thời gián đoạn. Vui lòng thử lại sau ít phút."
    assert mutation.json()["data"] == {"login": None}


async def test_a_partly_answered_request_keeps_200(tmp_path: Path) -> None:
    """Something was answered: the app shows it, and retries only what failed."""
    ward = base64.b64encode(f"Ward:{uuid.uuid4()}".encode()).decode()
    document = f'{{ __typename node(id: "{ward}") {{ id }} }}'

    async with client_for(tmp_path, DATABASE_URL=CLOSED_POSTGRES) as client:
        response = await client.post("/graphql", json={"query": document})

    assert response.status_code == 200
    assert "retry-after" not in response.headers
    body = response.json()
    assert body["data"] == {"__typename": "Query", "node": None}
    assert only_error(body)["extensions"] == UNAVAILABLE


async def test_an_unreachable_persisted_query_cache_is_a_503(tmp_path: Path) -> None:
    async with client_for(
        tmp_path,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/citizen.db",
        CACHE_REDIS_URL="redis://127.0.0.1:1/0",
    ) as client:
        response = await client.post(
            "/graphql",
            json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "a" * 64}}},
        )

    unavailable(response)


async def test_an_unreachable_answer_cache_is_a_503(tmp_path: Path) -> None:
    """An app's public question, looked up in the store before GraphQL runs and again by the
    schema: either way the store being out is a retryable 503, not a bug."""
    async with client_for(
        tmp_path,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/citizen.db",
        CACHE_REDIS_URL="redis://127.0.0.1:1/0",
        PUBLIC_ANSWER_TTL_SECONDS=30,
    ) as client:
        by_text = await client.post("/graphql", json={"query": SEARCH, "variables": NEAR})
        by_hash = await client.post(
            "/graphql",
            json={
                "variables": NEAR,
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": SEARCH_HASH}},
            },
        )

    unavailable(by_text)
    unavailable(by_hash)


async def test_a_broker_that_refuses_a_task_is_service_unavailable(tmp_path: Path) -> None:
    """What Celery raises when the broker is down (mutations send tasks after their commit and
    log a failure, so today this reaches a client only from a resolver that sends directly)."""
    settings = Settings(
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
        CITIZEN_VAR_DIR=tmp_path,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/citizen.db",
    )
    celery = create_celery(settings)
    celery.conf.broker_connection_timeout = 1
    with pytest.raises(kombu.exceptions.OperationalError) as raised:
        celery.send_task("notifications.deliver", args=[], retry=False)

    error = format_error(GraphQLError("sent", original_error=raised.value), Locale.EN)

    assert error.extensions == UNAVAILABLE
    assert error.message == "The service is temporarily unavailable. Please try again in a moment."


async def test_a_bug_is_still_a_masked_internal_error(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OSError of our own (a file we expected) is not an outage: nothing to retry."""

    async def broken(*_: Any, **__: Any) -> Any:
        raise FileNotFoundError("/srv/citizen/secret-ward-list.csv")

    monkeypatch.setattr(places_service, "list_wards", broken)
    database = tmp_path / "citizen.db"
    shutil.copy(sqlite_template, database)

    async with client_for(tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{database}") as client:
        response = await client.post(
            "/graphql", json={"query": WARDS}, headers={"accept-language": "en"}
        )

    assert response.status_code == 200
    error = only_error(response.json())
    assert error["extensions"] == {"code": "INTERNAL"}
    assert error["message"] == "Something went wrong. Please try again later."
    assert "secret" not in response.text
