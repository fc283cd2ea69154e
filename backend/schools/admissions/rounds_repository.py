"""Writes of rounds and places: a round by year and grade, the places a school offers."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.schools.admissions.models import EnrolmentPlaces, EnrolmentRound
from backend.schools.models import School


async def round_exists(session: AsyncSession, school_year: str, grade: int) -> bool:
    statement = select(EnrolmentRound.id).where(
        EnrolmentRound.school_year == school_year, EnrolmentRound.grade == grade
    )
    return (await session.scalar(statement)) is not None


async def school_grades(session: AsyncSession, school_id: uuid.UUID) -> list[int] | None:
    found: list[int] | None = await session.scalar(
        select(School.grades).where(School.id == school_id)
    )
    return found


async def set_places(
    session: AsyncSession, round_id: uuid.UUID, school_id: uuid.UUID, places: int
) -> bool:
    """Change the places, unless more were admitted already: one conditional UPDATE, so an
    admission running at the same time is either counted in or waits for it."""
    result = await session.execute(
        update(EnrolmentPlaces)
        .where(
            EnrolmentPlaces.round_id == round_id,
            EnrolmentPlaces.school_id == school_id,
            EnrolmentPlaces.admitted <= places,
        )
        .values(places=places)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def places_row(
    session: AsyncSession, round_id: uuid.UUID, school_id: uuid.UUID
) -> EnrolmentPlaces | None:
    return await session.get(EnrolmentPlaces, (round_id, school_id), populate_existing=True)
