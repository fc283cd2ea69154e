"""Class management: the school, its classes by name, its students by id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.schools.models import (
    ClassTeacher,
    ClassTeacherEvent,
    ClassTeacherSubject,
    School,
    SchoolClass,
    Student,
    Subject,
)
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


async def known_subjects(session: AsyncSession, codes: Sequence[str]) -> set[str]:
    return set(await session.scalars(select(Subject.code).where(Subject.code.in_(codes))))


async def students_for_update(
    session: AsyncSession, student_ids: Sequence[uuid.UUID]
) -> list[Student]:
    statement = select(Student).where(Student.id.in_(student_ids)).with_for_update()
    return list((await session.scalars(statement)).all())


async def class_for_update(session: AsyncSession, class_id: uuid.UUID) -> SchoolClass | None:
    statement = select(SchoolClass).where(SchoolClass.id == class_id).with_for_update()
    found: SchoolClass | None = await session.scalar(statement)
    return found


async def link_of(
    session: AsyncSession, class_id: uuid.UUID, user_id: uuid.UUID
) -> ClassTeacher | None:
    return await session.get(ClassTeacher, (class_id, user_id))


async def homeroom_link(session: AsyncSession, class_id: uuid.UUID) -> ClassTeacher | None:
    found: ClassTeacher | None = await session.scalar(
        select(ClassTeacher).where(ClassTeacher.class_id == class_id, ClassTeacher.homeroom)
    )
    return found


async def subjects_of(session: AsyncSession, class_id: uuid.UUID, user_id: uuid.UUID) -> list[str]:
    found = await session.scalars(
        select(ClassTeacherSubject.subject_code)
        .where(ClassTeacherSubject.class_id == class_id, ClassTeacherSubject.user_id == user_id)
        .order_by(ClassTeacherSubject.subject_code)
    )
    return list(found)


async def set_subjects(
    session: AsyncSession, class_id: uuid.UUID, user_id: uuid.UUID, codes: Sequence[str]
) -> None:
    await session.execute(
        delete(ClassTeacherSubject).where(
            ClassTeacherSubject.class_id == class_id, ClassTeacherSubject.user_id == user_id
        )
    )
    session.add_all(
        ClassTeacherSubject(class_id=class_id, user_id=user_id, subject_code=code) for code in codes
    )
    await session.flush()


async def remove_link(session: AsyncSession, link: ClassTeacher) -> None:
    await set_subjects(session, link.class_id, link.user_id, [])
    await session.delete(link)
    await session.flush()


def log(session: AsyncSession, event: ClassTeacherEvent) -> None:
    session.add(event)


async def teachers_of_class(
    session: AsyncSession,
    class_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[tuple[uuid.UUID, bool, list[str]]]:
    """The class's linked teachers (account, homeroom, subjects), homeroom first, then by
    account id."""
    order = case((ClassTeacher.homeroom, 0), else_=1)
    statement = (
        select(ClassTeacher.user_id, ClassTeacher.homeroom)
        .where(ClassTeacher.class_id == class_id)
        .order_by(order, ClassTeacher.user_id)
    )
    if after is not None:
        rank, last = after
        statement = statement.where(
            (order > rank) | ((order == rank) & (ClassTeacher.user_id > last))
        )
    links = list(await session.execute(statement.limit(limit)))
    subjects: dict[uuid.UUID, list[str]] = {user_id: [] for user_id, _ in links}
    if links:
        found = await session.execute(
            select(ClassTeacherSubject.user_id, ClassTeacherSubject.subject_code)
            .where(
                ClassTeacherSubject.class_id == class_id,
                ClassTeacherSubject.user_id.in_(subjects),
            )
            .order_by(ClassTeacherSubject.subject_code)
        )
        for user_id, code in found:
            subjects[user_id].append(code)
    return [(user_id, homeroom, subjects[user_id]) for user_id, homeroom in links]


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
