"""A school's administrators record a student: the 12-digit identifier (checked), the homeroom
class of the school and the guardians' phones, which alone may later link to the child."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, Forbidden
from backend.identity.contacts import normalize_phone
from backend.schools import access
from backend.schools.identifiers import student_identifier
from backend.schools.models import Guardian, StaffRole, Student
from backend.schools.records import local_day
from backend.schools.repository import links as link_rows
from backend.schools.repository import staff as staff_rows

MAX_GUARDIANS = 4
MAX_NAME = 120


async def enrol(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    class_id: uuid.UUID,
    identifier: str,
    full_name: str,
    date_of_birth: date,
    guardian_phones: Sequence[str],
    now: datetime,
) -> Student:
    session = uow.session
    wanted = student_identifier(identifier, field="input.identifier")
    name = " ".join(full_name.split())
    if not name or len(name) > MAX_NAME:
        raise BadUserInput("input.too_long", field="input.fullName", max=MAX_NAME)
    if not date(1990, 1, 1) <= date_of_birth <= local_day(now):
        raise BadUserInput("school.birth_date_invalid", field="input.dateOfBirth")
    if not guardian_phones or len(guardian_phones) > MAX_GUARDIANS:
        raise BadUserInput("input.too_long", field="input.guardianPhones", max=MAX_GUARDIANS)
    phones = list(
        dict.fromkeys(normalize_phone(p, field="input.guardianPhones") for p in guardian_phones)
    )
    school_class = await access.require_class(session, staff_id, class_id, field="input.classId")
    role = await staff_rows.staff_role(session, school_class.school_id, staff_id)
    if role is not StaffRole.ADMINISTRATOR:
        raise Forbidden("school.administrators_only", field="input.classId")
    if await link_rows.student_by_identifier(session, wanted) is not None:
        raise Conflict("school.student_exists", field="input.identifier")
    student = Student(
        id=uuid.uuid4(),
        school_id=school_class.school_id,
        identifier=wanted,
        full_name=name,
        date_of_birth=date_of_birth,
        grade=school_class.grade,
        class_id=school_class.id,
        created_at=now,
    )
    link_rows.add(session, student)
    await session.flush()
    link_rows.add(
        session,
        *(
            Guardian(id=uuid.uuid4(), student_id=student.id, phone=phone, name="", created_at=now)
            for phone in phones
        ),
    )
    await session.flush()
    return student
