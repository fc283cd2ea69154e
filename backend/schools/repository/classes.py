"""Class management: the school, its classes by name, its students by id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.schools.models import ClassTeacher, School, SchoolClass, Student
from backend.schools.repository import rows
from backend.schools.repository.rows import ClassRow


async def school_by_id(session: AsyncSession, school_id: uuid.UUID) -> School | None:
    return await session.get(School, school_id)


async def class_named(
    session: AsyncSession, school_id: uuid.UUID, school_year: str, name: str
) -> uuid.UUID | None:
    found: uuid.UUID | None = await session.scalar(
        select(SchoolClass.id).where(
            SchoolClass.school_id == school_id,
            SchoolClass.school_year == school_year,
            SchoolClass.name == name,
        )
    )
    return found


async def students_for_update(
    session: AsyncSession, student_ids: Sequence[uuid.UUID]
) -> list[Student]:
    statement = select(Student).where(Student.id.in_(student_ids)).with_for_update()
    return list((await session.scalars(statement)).all())


def add_teacher(session: AsyncSession, class_id: uuid.UUID, user_id: uuid.UUID) -> None:
    session.add(ClassTeacher(class_id=class_id, user_id=user_id))


async def classes_of_school(
    session: AsyncSession,
    school_id: uuid.UUID,
    school_year: str,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[ClassRow]:
    """A school's classes of a year, by name."""
    statement = (
        select(*rows.CLASS)
        .where(SchoolClass.school_id == school_id, SchoolClass.school_year == school_year)
        .order_by(SchoolClass.name, SchoolClass.id)
    )
    if after is not None:
        name, last = after
        statement = statement.where(
            (SchoolClass.name > name) | ((SchoolClass.name == name) & (SchoolClass.id > last))
        )
    return [ClassRow.of(row) for row in await session.execute(statement.limit(limit))]
