"""Proof that a refused operation changed nothing: the written tables before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from tests.support.graphql import only_error

# Everything a booking, a cancellation or a closure can write.
WRITTEN_TABLES = (
    "health_appointments",
    "health_slots",
    "health_reminders",
    "health_queue_counters",
    "health_access_log",
    "health_dependants",
    "health_closures",
    "health_schedules",
    "health_booking_locks",
    "notifications",
)


async def snapshot(api: Any) -> dict[str, list[str]]:
    """The rows of the tables the health domain writes, to prove a refusal changed nothing.
    Of the ~1,200 slots only the count and those with a booked seat or blocked are kept."""
    found: dict[str, list[str]] = {}
    async with api.sessions() as session:
        for table in WRITTEN_TABLES:
            where = " WHERE booked <> 0 OR blocked" if table == "health_slots" else ""
            result = await session.execute(text(f"SELECT * FROM {table}{where}"))  # noqa: S608
            found[table] = sorted(repr(tuple(row)) for row in result.all())
        count = await session.execute(text("SELECT COUNT(*) FROM health_slots"))
        found["slot count"] = [repr(count.scalar_one())]
    return found


async def refused(
    api: Any, document: str, variables: dict[str, Any], bearer: str
) -> dict[str, Any]:
    """Send an operation that must be refused; return its one error, checking nothing changed."""
    before = await snapshot(api)
    body = await api(document, variables, token=bearer, language="en")
    error = only_error(body)
    assert body["data"] is None or set(body["data"].values()) == {None}
    assert await snapshot(api) == before
    return error
