"""What the API reads of students, with who may see it decided here: a parent sees only the
students they hold a live link to; school staff the students of their school (every such read
is logged, `backend.schools.records`); nobody else sees any."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import NotFound
from backend.schools import access
from backend.schools.repository import links as link_rows
from backend.schools.repository import notices as notice_rows
from backend.schools.repository.notices import NoticeRow, RecipientRow, ResponseRow
from backend.schools.repository.rows import StudentRow


async def children_of(
    session: AsyncSession, user_id: uuid.UUID, *, after: tuple[Any, uuid.UUID] | None, limit: int
) -> list[StudentRow]:
    return await link_rows.children_of(session, user_id, after=after, limit=limit)


async def visible_students(
    session: AsyncSession, viewer_id: uuid.UUID | None, ids: Sequence[uuid.UUID]
) -> list[StudentRow]:
    """The students among `ids` the viewer is a linked parent of."""
    if viewer_id is None or not ids:
        return []
    return await link_rows.linked_students(session, viewer_id, ids)


async def students_for_staff(
    session: AsyncSession, staff_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[StudentRow]:
    """The students among `ids` the account may read as staff (callers log the read): every
    student of a school it administers, the students of a teacher's classes."""
    schools = await access.staff_schools(session, staff_id)
    if not schools or not ids:
        return []
    found = [
        row for row in await link_rows.students_by_ids(session, ids) if row.school_id in schools
    ]
    allowed = {
        school: await access.students_visible_to(session, staff_id, school)
        for school in {row.school_id for row in found}
    }
    return [
        row
        for row in found
        if (classes := allowed[row.school_id]) is None
        or (row.class_id is not None and row.class_id in classes)
    ]


async def notices_for_parent(
    session: AsyncSession, user_id: uuid.UUID, *, after: tuple[Any, uuid.UUID] | None, limit: int
) -> list[NoticeRow]:
    return await notice_rows.notices_for_parent(session, user_id, after=after, limit=limit)


async def notices_for_parent_by_ids(
    session: AsyncSession, user_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[NoticeRow]:
    return await notice_rows.notices_by_ids_for_parent(session, user_id, ids)


async def my_recipients(
    session: AsyncSession, user_id: uuid.UUID, notice_ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, list[RecipientRow]]:
    return await notice_rows.parents_recipients(session, user_id, notice_ids)


async def notice_responses(
    session: AsyncSession,
    staff_id: uuid.UUID,
    notice_id: uuid.UUID,
    *,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> tuple[list[ResponseRow], tuple[int, int]]:
    """Who has answered and who has not, with the counts: for the notice's publisher and the
    school's administrators."""
    notice = await notice_rows.notice_by_id(session, notice_id)
    if notice is None:
        raise NotFound("school.notice_not_found", field="noticeId")
    await access.require_publisher(
        session,
        staff_id,
        school_id=notice.school_id,
        published_by=notice.published_by,
        class_id=notice.class_id,
    )
    rows = await notice_rows.responses(session, notice_id, after=after, limit=limit)
    return rows, await notice_rows.answer_counts(session, notice_id)


async def students_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[StudentRow]:
    return await link_rows.students_by_ids(session, ids)
