"""Probes and metrics for the load balancer and Prometheus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from backend.app import create_app
from backend.settings import Settings


async def test_healthz_readyz_and_metrics(api: Any) -> None:
    assert (await api.client.get("/healthz")).json() == {"status": "ok"}
    ready = await api.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "broker": "ok"}

    await api("{ wards(first: 1) { edges { cursor } } }")
    metrics = (await api.client.get("/metrics")).text
    assert 'citizen_http_requests_total{route="/graphql",status="200"} 1.0' in metrics


async def test_readyz_reports_an_unreachable_database_and_broker(tmp_path: Path) -> None:
    settings = Settings(
        DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1:1/nothing",
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",
        CITIZEN_VAR_DIR=tmp_path,
    )
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        ready = await client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "broker": "unavailable",
    }
    await app.state.engine.dispose()


async def test_oversized_requests_are_refused_declared_or_streamed(api: Any) -> None:
    body = (
        b'{"query": "{ wards { edges { cursor } } }", "variables": {"x": "'
        + b"x" * 300_000
        + b'"}}'
    )
    headers = {"content-type": "application/json"}
    declared = await api.client.post("/graphql", content=body, headers=headers)

    async def chunks() -> Any:
        for start in range(0, len(body), 65_536):
            yield body[start : start + 65_536]

    streamed = await api.client.post("/graphql", content=chunks(), headers=headers)

    assert declared.status_code == 413
    assert streamed.status_code == 413
    assert api.sql.count == 0
