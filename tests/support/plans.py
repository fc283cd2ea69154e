"""The PostgreSQL plan of the statement a piece of repository code ran last."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


async def planned(session: AsyncSession, run: Callable[[], Awaitable[T]]) -> tuple[T, str, str]:
    """Run `run()` in `session`, then EXPLAIN its last statement with the same parameters:
    the result, that statement and its plan."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    connection = await session.connection()
    event.listen(connection.sync_connection, "before_cursor_execute", capture)
    try:
        result = await run()
    finally:
        event.remove(connection.sync_connection, "before_cursor_execute", capture)
    statement, parameters = captured[-1]
    plan = await connection.exec_driver_sql("EXPLAIN " + statement, parameters)
    return result, statement, "\n".join(plan.scalars())
