"""Teachers record attendance for a class session. An unexcused absence is pushed to the
child's linked parents once that day, however many sessions or corrections follow."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict
from backend.schools import access, notices
from backend.schools.models import AbsenceAlert, Attendance, AttendanceStatus, DaySession
from backend.schools.repository import links as link_rows
from backend.schools.repository import staff as rows
from notifications.service import notify

MAX_ENTRIES = 60
MAX_NOTE = 300


@dataclass(frozen=True, slots=True)
class Mark:
    student_id: uuid.UUID
    status: AttendanceStatus
    note: str | None


async def record(
    uow: UnitOfWork,
    *,
    teacher_id: uuid.UUID,
    class_id: uuid.UUID,
    day: date,
    day_session: DaySession,
    marks: Sequence[Mark],
    now: datetime,
) -> int:
    """Record (or correct) a session's attendance for students of the class; returns how many
    parents were alerted."""
    session = uow.session
    if not marks or len(marks) > MAX_ENTRIES:
        raise BadUserInput("input.too_long", field="input.entries", max=MAX_ENTRIES)
    if len({mark.student_id for mark in marks}) != len(marks):
        raise BadUserInput("school.student_twice", field="input.entries")
    for mark in marks:
        if mark.note is not None and len(mark.note) > MAX_NOTE:
            raise BadUserInput("input.too_long", field="input.entries.note", max=MAX_NOTE)
    await access.require_class(session, teacher_id, class_id, field="input.classId")
    members = await rows.class_students(session, class_id)
    if any(mark.student_id not in members for mark in marks):
        raise BadUserInput("school.not_in_class", field="input.entries")
    existing = await rows.attendance_for_update(
        session, [mark.student_id for mark in marks], day, day_session
    )
    try:
        # Two registers of one session sent at once: the database keeps one row per student
        # and session; the later one is told to send again (it then corrects the first). The
        # read stays outside the savepoint: on SQLite a savepoint opened by a read could not
        # take the write lock once another register was written.
        async with session.begin_nested():
            _write_marks(session, existing, teacher_id, day, day_session, marks, now)
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("school.attendance_recorded_meanwhile", field="input.entries") from exc
    absent = [mark.student_id for mark in marks if mark.status is AttendanceStatus.UNEXCUSED]
    if not absent:
        return 0
    fresh = [
        student for student in absent if student not in await rows.alerted(session, absent, day)
    ]
    parents = await rows.parents_of(session, fresh)
    alerted = 0
    for student in fresh:
        try:
            async with session.begin_nested():
                link_rows.add(session, AbsenceAlert(student_id=student, day=day, at=now))
                await session.flush()
        except IntegrityError:
            continue  # another session of the day, recorded at the same moment, alerted them
        if parents.get(student):
            await notify(
                uow,
                user_ids=parents[student],
                message=notices.unexcused_absence(student, day),
                now=now,
            )
            alerted += len(parents[student])
    await session.flush()
    return alerted


def _write_marks(
    session: AsyncSession,
    existing: dict[uuid.UUID, Attendance],
    teacher_id: uuid.UUID,
    day: date,
    day_session: DaySession,
    marks: Sequence[Mark],
    now: datetime,
) -> None:
    for mark in marks:
        row = existing.get(mark.student_id)
        if row is None:
            link_rows.add(
                session,
                Attendance(
                    id=uuid.uuid4(),
                    student_id=mark.student_id,
                    day=day,
                    session=day_session,
                    status=mark.status,
                    note=mark.note,
                    recorded_by=teacher_id,
                    created_at=now,
                ),
            )
        else:
            row.status, row.note, row.recorded_by = mark.status, mark.note, teacher_id
