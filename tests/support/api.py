"""The app as the mobile client sees it: GraphQL over HTTP, with the SQL it ran recorded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import event

from backend.app import create_app
from backend.settings import Settings


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


@asynccontextmanager
async def open_api(settings: Settings) -> AsyncIterator[Api]:
    """An app on `settings`, called from a fixed client address; its engine is disposed after."""
    app = create_app(settings)
    log = StatementLog()

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        log.statements.append(statement)

    engine = app.state.engine
    event.listen(engine.sync_engine, "before_cursor_execute", record)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://citizen.test") as client:
            yield Api(client=client, sql=log, app=app)
    finally:
        await app.state.services.close_database()
