"""School staff record attendance for their classes only: a teacher for the classes they teach,
an administrator for every class of the school. An unexcused absence reaches the linked parents
as one push (with an inbox entry) that day, whatever follows; nothing leaks into the push."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from backend.db.unit_of_work import UnitOfWork
from backend.identity.models import Role, RoleAssignment
from backend.schools.models import Attendance, StaffMember, StaffRole
from backend.seed.demo import stable_id
from notifications.models import Notification
from tests.schools.conftest import BAO, HUY, KHANG, PARENT, RESIDENT, TEACHER, gid, student_gid
from tests.support.graphql import data, only_error
from tests.support.sessions import token

RECORD = """
mutation Record($input: RecordSchoolAttendanceInput!) {
  recordSchoolAttendance(input: $input) { recorded parentsAlerted }
}
"""
QUOC_HOC = stable_id("place", "thpt-chuyen-quoc-hoc")
MATHS_11 = gid("SchoolClass", stable_id("school-class", "thpt-chuyen-quoc-hoc:2026-2027:11 Toán"))
PHYSICS_10 = gid("SchoolClass", stable_id("school-class", "thpt-chuyen-quoc-hoc:2026-2027:10 Lý"))
DAY = "2026-12-01"


def _input(class_id: str, session: str, *entries: tuple[str, str]) -> dict[str, Any]:
    return {
        "input": {
            "classId": class_id,
            "day": DAY,
            "session": session,
            "entries": [
                {"studentId": student_gid(who), "status": status} for who, status in entries
            ],
        }
    }


async def _pushes(api: Any, phone: str) -> list[Notification]:
    statement = select(Notification).where(
        Notification.user_id == stable_id("user", phone),
        Notification.type == "school_attendance.absent",
    )
    async with api.sessions() as session:
        return list((await session.scalars(statement)).all())


async def _attendance(api: Any, identifier: str) -> list[tuple[str, str]]:
    statement = (
        select(Attendance.session, Attendance.status)
        .where(Attendance.student_id == stable_id("student", identifier))
        .where(Attendance.day == date.fromisoformat(DAY))
        .order_by(Attendance.session)
    )
    async with api.sessions() as session:
        return [(s.value, st.value) for s, st in await session.execute(statement)]


async def test_an_unexcused_absence_pushes_the_parents_once_that_day(seeded: Any) -> None:
    teacher = await token(seeded, TEACHER)
    morning = await seeded(RECORD, _input(MATHS_11, "MORNING", (KHANG, "UNEXCUSED")), token=teacher)
    assert data(morning)["recordSchoolAttendance"] == {"recorded": 1, "parentsAlerted": 1}
    pushes = await _pushes(seeded, PARENT)
    assert len(pushes) == 1
    push = pushes[0]
    assert push.deep_link == f"citizenhub://school-students/{stable_id('student', KHANG)}"
    assert push.data == {"studentId": str(stable_id("student", KHANG)), "day": DAY}
    assert push.title.en == "Absent without leave"
    assert "Khang" not in push.body.vi + push.body.en  # no name in a push
    # Later sessions and corrections the same day push nothing more.
    again = await seeded(RECORD, _input(MATHS_11, "AFTERNOON", (KHANG, "UNEXCUSED")), token=teacher)
    assert data(again)["recordSchoolAttendance"]["parentsAlerted"] == 0
    corrected = await seeded(RECORD, _input(MATHS_11, "MORNING", (KHANG, "EXCUSED")), token=teacher)
    assert data(corrected)["recordSchoolAttendance"]["parentsAlerted"] == 0
    assert len(await _pushes(seeded, PARENT)) == 1
    assert await _attendance(seeded, KHANG) == [("afternoon", "unexcused"), ("morning", "excused")]


async def test_two_sessions_recorded_at_once_push_the_parents_once(seeded: Any) -> None:
    """The morning and afternoon registers of one day sent together, each request on its own
    connection: both are recorded, the parents get one push."""
    teacher = await token(seeded, TEACHER)
    answers = await asyncio.gather(
        *(
            seeded(RECORD, _input(MATHS_11, session, (KHANG, "UNEXCUSED")), token=teacher)
            for session in ("MORNING", "AFTERNOON")
        )
    )
    recorded = [data(answer)["recordSchoolAttendance"] for answer in answers]
    assert sorted(r["parentsAlerted"] for r in recorded) == [0, 1]
    assert len(await _pushes(seeded, PARENT)) == 1
    assert await _attendance(seeded, KHANG) == [
        ("afternoon", "unexcused"),
        ("morning", "unexcused"),
    ]


async def test_one_session_recorded_twice_at_once_keeps_one_register(seeded: Any) -> None:
    """The same session sent twice together (two devices): one register is kept; the other
    request is recorded over it or told to send again, never an internal error."""
    teacher = await token(seeded, TEACHER)
    answers = await asyncio.gather(
        *(
            seeded(RECORD, _input(MATHS_11, "MORNING", (KHANG, status)), token=teacher)
            for status in ("PRESENT", "LATE", "EXCUSED")
        )
    )
    codes = [only_error(a)["extensions"] for a in answers if a.get("errors")]
    assert all(code == {"code": "CONFLICT", "field": "input.entries"} for code in codes)
    assert len(codes) < len(answers)
    [(session, status)] = await _attendance(seeded, KHANG)
    assert session == "morning"
    assert status in {"present", "late", "excused"}


async def test_a_teacher_cannot_act_outside_their_classes(seeded: Any) -> None:
    teacher = await token(seeded, TEACHER)
    # 10 Lý is a class of their school they do not teach.
    refused = only_error(
        await seeded(RECORD, _input(PHYSICS_10, "MORNING", (BAO, "UNEXCUSED")), token=teacher)
    )
    assert refused["extensions"] == {"code": "FORBIDDEN", "field": "input.classId"}
    # A student of another class, through their own class.
    stranger = only_error(
        await seeded(RECORD, _input(MATHS_11, "MORNING", (BAO, "PRESENT")), token=teacher)
    )
    assert stranger["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.entries"}
    parent = await token(seeded, PARENT)
    not_staff = only_error(
        await seeded(RECORD, _input(MATHS_11, "MORNING", (KHANG, "PRESENT")), token=parent)
    )
    assert not_staff["extensions"]["code"] == "FORBIDDEN"
    assert await _attendance(seeded, BAO) == []
    assert await _attendance(seeded, KHANG) == []
    assert await _pushes(seeded, RESIDENT) == []


async def test_a_school_administrator_records_for_every_class(seeded: Any) -> None:
    admin_phone = "+84905000003"
    admin = stable_id("user", admin_phone)
    async with UnitOfWork(seeded.sessions) as uow:
        uow.session.add(RoleAssignment(user_id=admin, role=Role.SCHOOL_STAFF, scope_id=QUOC_HOC))
        uow.session.add(
            StaffMember(school_id=QUOC_HOC, user_id=admin, role=StaffRole.ADMINISTRATOR)
        )
    access = await token(seeded, admin_phone)
    recorded = await seeded(RECORD, _input(PHYSICS_10, "MORNING", (BAO, "UNEXCUSED")), token=access)
    assert data(recorded)["recordSchoolAttendance"] == {"recorded": 1, "parentsAlerted": 1}
    assert len(await _pushes(seeded, RESIDENT)) == 1


async def test_bad_attendance_input_changes_nothing(seeded: Any) -> None:
    teacher = await token(seeded, TEACHER)
    twice = _input(MATHS_11, "MORNING", (KHANG, "PRESENT"), (KHANG, "LATE"))
    assert only_error(await seeded(RECORD, twice, token=teacher))["extensions"]["code"] == (
        "BAD_USER_INPUT"
    )
    too_many = _input(MATHS_11, "MORNING")
    too_many["input"]["entries"] = [
        {"studentId": gid("SchoolStudent", uuid.uuid4()), "status": "PRESENT"} for _ in range(61)
    ]
    refused = only_error(await seeded(RECORD, too_many, token=teacher))
    assert refused["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.entries"}
    unknown_class = _input(gid("SchoolClass", uuid.uuid4()), "MORNING", (HUY, "PRESENT"))
    assert (
        only_error(await seeded(RECORD, unknown_class, token=teacher))["extensions"]["code"]
        == "NOT_FOUND"
    )
    assert await _attendance(seeded, KHANG) == []


ENROL = """
mutation Enrol($input: EnrolSchoolStudentInput!) {
  enrolSchoolStudent(input: $input) { code identifier expiresAt }
}
"""


async def test_an_administrator_records_a_student_whose_guardian_then_links(seeded: Any) -> None:
    admin_phone = "+84905000003"
    admin = stable_id("user", admin_phone)
    async with UnitOfWork(seeded.sessions) as uow:
        uow.session.add(RoleAssignment(user_id=admin, role=Role.SCHOOL_STAFF, scope_id=QUOC_HOC))
        uow.session.add(
            StaffMember(school_id=QUOC_HOC, user_id=admin, role=StaffRole.ADMINISTRATOR)
        )
    access, teacher = await token(seeded, admin_phone), await token(seeded, TEACHER)
    student = {
        "classId": PHYSICS_10,
        "identifier": "046 210 009 999",
        "fullName": "  Lê   Thảo Vy ",
        "dateOfBirth": "2010-07-01",
        "guardianPhones": ["0905 000 001"],
    }
    by_teacher = only_error(await seeded(ENROL, {"input": student}, token=teacher))
    assert by_teacher["extensions"]["code"] == "FORBIDDEN"
    malformed = {**student, "identifier": "04621000999"}
    refused = only_error(await seeded(ENROL, {"input": malformed}, token=access))
    assert refused["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.identifier"}
    issued = data(await seeded(ENROL, {"input": student}, token=access))["enrolSchoolStudent"]
    assert issued["identifier"] == "046210009999"
    duplicate = only_error(await seeded(ENROL, {"input": student}, token=access))
    assert duplicate["extensions"] == {"code": "CONFLICT", "field": "input.identifier"}
    link = """mutation L($i: String!, $c: String!) {
        linkSchoolChild(input: {identifier: $i, code: $c}) { fullName grade } }"""
    resident = await token(seeded, RESIDENT)
    linked = data(await seeded(link, {"i": "046210009999", "c": issued["code"]}, token=resident))
    assert linked["linkSchoolChild"] == {"fullName": "Lê Thảo Vy", "grade": 10}
