"""Adding rows, and the dialect's INSERT construct shared by the upserts of this package."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_insert(session: AsyncSession) -> Any:
    """The dialect's INSERT construct, for ON CONFLICT clauses."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


async def add(session: AsyncSession, row: object) -> None:
    session.add(row)
    await session.flush()


async def add_all(session: AsyncSession, rows: Sequence[object]) -> None:
    session.add_all(rows)
    await session.flush()
