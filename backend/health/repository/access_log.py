"""The record of who read or changed which appointment."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from backend.health.models import AccessLogEntry


async def log_access(session: AsyncSession, entries: Sequence[AccessLogEntry]) -> None:
    session.add_all(entries)
    await session.flush()
