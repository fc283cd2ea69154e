"""A school's administrators manage its classes: open one for a school year, make a staff
member its homeroom teacher (who may then act for it), place students in it, new or moved from
another class. Teachers and outsiders cannot, and refusals change nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text

from backend.db.unit_of_work import UnitOfWork
from backend.identity.models import Role, RoleAssignment
from backend.schools.models import StaffMember, StaffRole, Student
from backend.seed.demo import stable_id
from tests.schools.conftest import (
    BAO,
    HUY,
    LAN,
    PARENT,
    RESIDENT,
    TEACHER,
    gid,
    ok,
    school_gid,
    student_gid,
)
from tests.support.graphql import data, only_error
from tests.support.sessions import token

CREATE = """
mutation Create($input: CreateSchoolClassInput!) {
  createSchoolClass(input: $input) { id name grade schoolYear room homeroomTeacher }
}
"""
ASSIGN = """
mutation Assign($input: AssignSchoolHomeroomTeacherInput!) {
  assignSchoolHomeroomTeacher(input: $input) { id name homeroomTeacher }
}
"""
PLACE = """
mutation Place($input: PlaceSchoolStudentsInput!) {
  placeSchoolStudents(input: $input) { moved schoolClass { id name grade } }
}
"""
CLASSES = """
query Classes($school: ID!, $year: String, $first: Int, $after: String) {
  schoolClasses(schoolId: $school, schoolYear: $year, first: $first, after: $after) {
    edges { node { name grade homeroomTeacher } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
ATTENDANCE = """
mutation Record($input: RecordSchoolAttendanceInput!) {
  recordSchoolAttendance(input: $input) { recorded }
}
"""
QUOC_HOC = stable_id("place", "thpt-chuyen-quoc-hoc")
ADMIN = "+84905000003"
WRITTEN = ("school_classes", "school_class_teachers", "school_students")


async def _admin(api: Any) -> str:
    admin = stable_id("user", ADMIN)
    async with UnitOfWork(api.sessions) as uow:
        uow.session.add(RoleAssignment(user_id=admin, role=Role.SCHOOL_STAFF, scope_id=QUOC_HOC))
        uow.session.add(
            StaffMember(school_id=QUOC_HOC, user_id=admin, role=StaffRole.ADMINISTRATOR)
        )
    return await token(api, ADMIN)


async def _snapshot(api: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    async with api.sessions() as session:
        for table in WRITTEN:
            rows = await session.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
            found[table] = sorted(repr(tuple(row)) for row in rows.all())
    return found


def _new_class(**changes: Any) -> dict[str, Any]:
    values = {
        "schoolId": school_gid("thpt-chuyen-quoc-hoc"),
        "schoolYear": "2026-2027",
        "name": " 10  Hóa ",
        "grade": 10,
        "room": "P.105",
    }
    return {"input": {**values, **changes}}


async def test_an_administrator_opens_a_class_gives_it_a_teacher_and_students(
    seeded: Any,
) -> None:
    admin, teacher = await _admin(seeded), await token(seeded, TEACHER)
    created = data(await seeded(CREATE, _new_class(), token=admin))["createSchoolClass"]
    assert {k: v for k, v in created.items() if k != "id"} == {
        "name": "10 Hóa",
        "grade": 10,
        "schoolYear": "2026-2027",
        "room": "P.105",
        "homeroomTeacher": None,
    }
    # The teacher does not act for it yet.
    attendance = {
        "input": {
            "classId": created["id"],
            "day": "2026-12-01",
            "session": "MORNING",
            "entries": [{"studentId": student_gid(HUY), "status": "PRESENT"}],
        }
    }
    not_yet = only_error(await seeded(ATTENDANCE, attendance, token=teacher))
    assert not_yet["extensions"] == {"code": "FORBIDDEN", "field": "input.classId"}

    assigned = data(
        await seeded(
            ASSIGN,
            {"input": {"classId": created["id"], "teacherPhone": "0905 000 005"}},
            token=admin,
        )
    )["assignSchoolHomeroomTeacher"]
    assert assigned == {"id": created["id"], "name": "10 Hóa", "homeroomTeacher": "Hoàng Thị Em"}

    students = [student_gid(HUY), student_gid(BAO)]
    place = {"input": {"classId": created["id"], "studentIds": students}}
    placed = data(await seeded(PLACE, place, token=admin))["placeSchoolStudents"]
    assert placed == {
        "moved": 2,
        "schoolClass": {"id": created["id"], "name": "10 Hóa", "grade": 10},
    }
    again = data(await seeded(PLACE, place, token=admin))["placeSchoolStudents"]
    assert again["moved"] == 0

    # The homeroom teacher now records for the class, and Bảo's parent sees the new class.
    recorded = data(await seeded(ATTENDANCE, attendance, token=teacher))
    assert recorded["recordSchoolAttendance"] == {"recorded": 1}
    resident = await token(seeded, RESIDENT)
    child = (await ok(seeded, "SchoolStudent", {"id": student_gid(BAO)}, token=resident))[
        "schoolStudent"
    ]
    assert (child["homeroom"]["name"], child["homeroom"]["homeroomTeacher"]) == (
        "10 Hóa",
        "Hoàng Thị Em",
    )

    # Staff list the school's classes of the current year by name, a page at a time.
    first = data(
        await seeded(
            CLASSES, {"school": school_gid("thpt-chuyen-quoc-hoc"), "first": 1}, token=teacher
        )
    )["schoolClasses"]
    rest = data(
        await seeded(
            CLASSES,
            {
                "school": school_gid("thpt-chuyen-quoc-hoc"),
                "after": first["pageInfo"]["endCursor"],
            },
            token=teacher,
        )
    )["schoolClasses"]
    names = [e["node"]["name"] for e in first["edges"] + rest["edges"]]
    assert names == sorted(names)
    assert "10 Hóa" in names
    assert first["pageInfo"]["hasNextPage"] is True
    other_year = data(
        await seeded(
            CLASSES,
            {"school": school_gid("thpt-chuyen-quoc-hoc"), "year": "2025-2026"},
            token=admin,
        )
    )
    assert other_year["schoolClasses"]["edges"] == []


async def test_teachers_and_outsiders_cannot_manage_classes(seeded: Any) -> None:
    admin = await _admin(seeded)
    maths = gid("SchoolClass", stable_id("school-class", "thpt-chuyen-quoc-hoc:2026-2027:11 Toán"))
    before = await _snapshot(seeded)
    teacher, parent = await token(seeded, TEACHER), await token(seeded, PARENT)
    for viewer in (teacher, parent):
        refused = only_error(await seeded(CREATE, _new_class(), token=viewer))
        assert refused["extensions"]["code"] == "FORBIDDEN"
        assign = {"input": {"classId": maths, "teacherPhone": TEACHER}}
        assert only_error(await seeded(ASSIGN, assign, token=viewer))["extensions"]["code"] == (
            "FORBIDDEN"
        )
        place = {"input": {"classId": maths, "studentIds": [student_gid(HUY)]}}
        assert only_error(await seeded(PLACE, place, token=viewer))["extensions"]["code"] == (
            "FORBIDDEN"
        )
    listed = only_error(
        await seeded(CLASSES, {"school": school_gid("thpt-chuyen-quoc-hoc")}, token=parent)
    )
    assert listed["extensions"]["code"] == "FORBIDDEN"
    # Another school's administrator neither: Lê Lợi's class, by Quốc Học's administrator.
    lan_class = gid("SchoolClass", stable_id("school-class", "tieu-hoc-le-loi:2026-2027:3A"))
    elsewhere = {"input": {"classId": lan_class, "studentIds": [student_gid(LAN)]}}
    assert only_error(await seeded(PLACE, elsewhere, token=admin))["extensions"]["code"] == (
        "FORBIDDEN"
    )
    assert await _snapshot(seeded) == before


async def test_bad_class_input_is_refused_and_changes_nothing(seeded: Any) -> None:
    admin = await _admin(seeded)
    maths = gid("SchoolClass", stable_id("school-class", "thpt-chuyen-quoc-hoc:2026-2027:11 Toán"))
    next_year = data(
        await seeded(CREATE, _new_class(schoolYear="2027-2028", name="10 Sinh"), token=admin)
    )["createSchoolClass"]["id"]
    before = await _snapshot(seeded)
    creates: list[tuple[dict[str, Any], str, str]] = [
        (_new_class(name="11 Toán"), "CONFLICT", "input.name"),
        (_new_class(name="   "), "BAD_USER_INPUT", "input.name"),
        (_new_class(name="x" * 41), "BAD_USER_INPUT", "input.name"),
        (_new_class(grade=5), "BAD_USER_INPUT", "input.grade"),
        (_new_class(schoolYear="2026-2028"), "BAD_USER_INPUT", "input.schoolYear"),
        (_new_class(schoolYear="26-27"), "BAD_USER_INPUT", "input.schoolYear"),
        (_new_class(room="x" * 41), "BAD_USER_INPUT", "input.room"),
    ]
    for variables, code, field in creates:
        refused = only_error(await seeded(CREATE, variables, token=admin))
        assert refused["extensions"] == {"code": code, "field": field}, variables
    for phone in (PARENT, "+84905999999", "abc"):
        assign = {"input": {"classId": maths, "teacherPhone": phone}}
        refused = only_error(await seeded(ASSIGN, assign, token=admin))
        assert refused["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.teacherPhone"}
    places: list[tuple[str, list[str], str, str]] = [
        (maths, [student_gid(LAN)], "NOT_FOUND", "input.studentIds"),  # at another school
        (maths, [student_gid(HUY), student_gid(HUY)], "BAD_USER_INPUT", "input.studentIds"),
        (maths, [], "BAD_USER_INPUT", "input.studentIds"),
        (next_year, [student_gid(HUY)], "BAD_USER_INPUT", "input.classId"),
        (
            gid("SchoolClass", stable_id("none", "none")),
            [student_gid(HUY)],
            "NOT_FOUND",
            "input.classId",
        ),
    ]
    for class_id, students, code, field in places:
        place = {"input": {"classId": class_id, "studentIds": students}}
        refused = only_error(await seeded(PLACE, place, token=admin))
        assert refused["extensions"] == {"code": code, "field": field}, place
    assert await _snapshot(seeded) == before
    async with seeded.sessions() as session:
        huy = await session.scalar(select(Student.class_id).where(Student.identifier == HUY))
    assert huy == stable_id("school-class", "thpt-chuyen-quoc-hoc:2026-2027:10 Anh")
