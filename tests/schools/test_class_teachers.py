"""A teacher acts for a class only through their link to it, which says what it is for: the
homeroom and/or subjects. Moving the homeroom or removing a teacher ends the previous teacher's
access to the class's students, attendance, grades and notices unless they still teach it a
subject; a subject teacher grades only their subjects. Each change is logged; refusals are
coded and change nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from backend.db.unit_of_work import UnitOfWork
from backend.schools.models import (
    ClassTeacher,
    ClassTeacherEvent,
    StaffAccessEntry,
    StaffRole,
)
from backend.seed.demo import stable_id
from tests.schools.conftest import (
    ISSUE_CODE,
    KHANG,
    TEACHER,
    gid,
    make_staff,
    ok,
    school_gid,
    send,
    student_gid,
)
from tests.support.clock import Clock
from tests.support.graphql import data, only_error
from tests.support.sessions import token

ASSIGN = """
mutation Assign($input: AssignSchoolHomeroomTeacherInput!) {
  assignSchoolHomeroomTeacher(input: $input) { name homeroomTeacher }
}
"""
SUBJECTS = """
mutation Subjects($input: SetSchoolClassTeacherSubjectsInput!) {
  setSchoolClassTeacherSubjects(input: $input) { name phone homeroom subjects }
}
"""
REMOVE = """
mutation Remove($input: RemoveSchoolClassTeacherInput!) {
  removeSchoolClassTeacher(input: $input) { name homeroomTeacher }
}
"""
TEACHERS = """
query Teachers($class: ID!, $first: Int, $after: String) {
  schoolClassTeachers(classId: $class, first: $first, after: $after) {
    edges { node { name phone homeroom subjects } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
ATTENDANCE = """
mutation Record($input: RecordSchoolAttendanceInput!) {
  recordSchoolAttendance(input: $input) { recorded }
}
"""
GRADES = """
mutation Grades($input: RecordSchoolGradesInput!) {
  recordSchoolGrades(input: $input) { recorded }
}
"""
STUDENT = "query S($id: ID!) { schoolStudent(id: $id) { fullName } }"
QUOC_HOC = school_gid("thpt-chuyen-quoc-hoc")
MATHS_11 = gid("SchoolClass", stable_id("school-class", "thpt-chuyen-quoc-hoc:2026-2027:11 Toán"))
MATHS_11_ID = stable_id("school-class", "thpt-chuyen-quoc-hoc:2026-2027:11 Toán")
TERM_1 = gid("SchoolTerm", stable_id("school-term", "thpt-chuyen-quoc-hoc:2026-2027:0"))
ADMIN = "+84905000003"
NEWCOMER = "+84905000004"  # made a teacher of Quốc Học by the tests, then 11 Toán's homeroom
# 10:00 in Huế on 2 December 2026, term I.
NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
WRITTEN = ("school_classes", "school_class_teachers", "school_class_teacher_subjects")


def _link(phone: str, **more: Any) -> dict[str, Any]:
    return {"input": {"classId": MATHS_11, "teacherPhone": phone, **more}}


def _attendance() -> dict[str, Any]:
    entry = {"studentId": student_gid(KHANG), "status": "PRESENT"}
    return {
        "input": {
            "classId": MATHS_11,
            "day": "2026-12-01",
            "session": "MORNING",
            "entries": [entry],
        }
    }


def _grades(subject: str) -> dict[str, Any]:
    entry = {"studentId": student_gid(KHANG), "score": 8}
    return {
        "input": {
            "classId": MATHS_11,
            "termId": TERM_1,
            "subject": subject,
            "kind": "ORAL",
            "assessedOn": "2026-12-01",
            "entries": [entry],
        }
    }


def _notice() -> dict[str, Any]:
    return {
        "input": {
            "schoolId": QUOC_HOC,
            "audience": "CLASS",
            "classId": MATHS_11,
            "kind": "ACKNOWLEDGEMENT",
            "titleVi": "Họp phụ huynh",
            "bodyVi": "Họp lúc 8 giờ sáng Chủ nhật.",
        }
    }


async def _teachers(api: Any, admin: str) -> list[tuple[str, bool, list[str]]]:
    answer = data(await api(TEACHERS, {"class": MATHS_11}, token=admin))
    edges = answer["schoolClassTeachers"]["edges"]
    return [(e["node"]["phone"], e["node"]["homeroom"], e["node"]["subjects"]) for e in edges]


async def _events(api: Any) -> list[tuple[str, str, list[str]]]:
    """The link log, sorted (events of one change share their instant)."""
    async with api.sessions() as session:
        found = list((await session.scalars(select(ClassTeacherEvent))).all())
    phones = {stable_id("user", phone): phone for phone in (TEACHER, NEWCOMER, ADMIN)}
    assert all(e.actor_id == stable_id("user", ADMIN) for e in found)
    return sorted((phones[e.teacher_id], e.action.value, e.subjects) for e in found)


async def _snapshot(api: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    async with api.sessions() as session:
        for table in WRITTEN:
            rows = await session.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
            found[table] = sorted(repr(tuple(row)) for row in rows.all())
    return found


async def _acts_for_the_class(api: Any, access: str) -> dict[str, Any]:
    """What a teacher gets when acting for 11 Toán and its student Khang."""
    attendance = await api(ATTENDANCE, _attendance(), token=access)
    maths = await api(GRADES, _grades("math"), token=access)
    record = data(await api(STUDENT, {"id": student_gid(KHANG)}, token=access))["schoolStudent"]
    code = await api(ISSUE_CODE, {"school": QUOC_HOC, "identifier": KHANG}, token=access)
    notice = await send(api, "PublishSchoolNotice", _notice(), token=access)

    def outcome(answer: dict[str, Any]) -> str:
        return answer["errors"][0]["extensions"]["code"] if answer.get("errors") else "OK"

    return {
        "attendance": outcome(attendance),
        "maths grades": outcome(maths),
        "record": record,
        "link code": outcome(code),
        "notice": outcome(notice),
    }


ALLOWED = {
    "attendance": "OK",
    "maths grades": "OK",
    "record": {"fullName": "Nguyễn Minh Khang"},
    "link code": "OK",
    "notice": "OK",
}
REFUSED = {
    "attendance": "FORBIDDEN",
    "maths grades": "FORBIDDEN",
    "record": None,
    "link code": "FORBIDDEN",
    "notice": "FORBIDDEN",
}


async def test_a_replaced_homeroom_teacher_loses_the_class(seeded: Any, clock: Clock) -> None:
    clock.set(NOW)
    admin = await make_staff(seeded, ADMIN, role=StaffRole.ADMINISTRATOR)
    newcomer = await make_staff(seeded, NEWCOMER, role=StaffRole.TEACHER)
    teacher = await token(seeded, TEACHER)
    published = await ok(seeded, "PublishSchoolNotice", _notice(), token=teacher)
    notice = published["publishSchoolNotice"]["noticeId"]
    # The demo teacher stops teaching the class maths: the homeroom alone still links them.
    only_homeroom = data(await seeded(SUBJECTS, _link("0905 000 005", subjects=[]), token=admin))
    assert only_homeroom["setSchoolClassTeacherSubjects"] == {
        "name": "Hoàng Thị Em",
        "phone": TEACHER,
        "homeroom": True,
        "subjects": [],
    }
    assert await _teachers(seeded, admin) == [(TEACHER, True, [])]

    assigned = data(await seeded(ASSIGN, _link("0905 000 004"), token=admin))
    assert assigned["assignSchoolHomeroomTeacher"]["homeroomTeacher"] != "Hoàng Thị Em"
    assert await _teachers(seeded, admin) == [(NEWCOMER, True, [])]

    refused = await _acts_for_the_class(seeded, teacher)
    assert refused == REFUSED
    # Nor the answers and reminder of the notice they published while they had the class.
    answers = await send(seeded, "SchoolNoticeResponses", {"noticeId": notice}, token=teacher)
    assert only_error(answers)["extensions"]["code"] == "FORBIDDEN"
    remind = await send(seeded, "RemindSchoolNotice", {"noticeId": notice}, token=teacher)
    assert only_error(remind)["extensions"]["code"] == "FORBIDDEN"
    # The new homeroom teacher acts for the class (grades take a subject: maths is not theirs).
    allowed = await _acts_for_the_class(seeded, newcomer)
    assert allowed == {**ALLOWED, "maths grades": "FORBIDDEN"}
    assert await _events(seeded) == [
        (NEWCOMER, "homeroom_assigned", []),
        (TEACHER, "homeroom_replaced", []),
        (TEACHER, "removed", []),
        (TEACHER, "subjects_set", []),
    ]


async def test_a_replaced_homeroom_teacher_keeps_the_subjects_they_teach(
    seeded: Any, clock: Clock
) -> None:
    clock.set(NOW)
    admin = await make_staff(seeded, ADMIN, role=StaffRole.ADMINISTRATOR)
    await make_staff(seeded, NEWCOMER, role=StaffRole.TEACHER)
    teacher = await token(seeded, TEACHER)
    data(await seeded(ASSIGN, _link("0905 000 004"), token=admin))
    assert await _teachers(seeded, admin) == [(NEWCOMER, True, []), (TEACHER, False, ["math"])]
    assert await _acts_for_the_class(seeded, teacher) == ALLOWED
    # A subject teacher grades only their subjects.
    literature = only_error(await seeded(GRADES, _grades("literature"), token=teacher))
    assert literature["extensions"] == {"code": "FORBIDDEN", "field": "input.subject"}
    # Their subjects change; an empty list then unlinks them altogether.
    more = _link(TEACHER, subjects=["math", "informatics"])
    changed = data(await seeded(SUBJECTS, more, token=admin))["setSchoolClassTeacherSubjects"]
    assert changed["subjects"] == ["informatics", "math"]
    assert data(await seeded(GRADES, _grades("informatics"), token=teacher))
    unlinked = data(await seeded(SUBJECTS, _link(TEACHER, subjects=[]), token=admin))
    assert unlinked["setSchoolClassTeacherSubjects"] is None
    assert await _teachers(seeded, admin) == [(NEWCOMER, True, [])]
    assert await _acts_for_the_class(seeded, teacher) == REFUSED


async def test_an_administrator_removes_a_teacher_from_a_class(seeded: Any, clock: Clock) -> None:
    clock.set(NOW)
    admin = await make_staff(seeded, ADMIN, role=StaffRole.ADMINISTRATOR)
    teacher = await token(seeded, TEACHER)
    assert await _acts_for_the_class(seeded, teacher) == ALLOWED
    removed = data(await seeded(REMOVE, _link("0905 000 005"), token=admin))
    assert removed["removeSchoolClassTeacher"] == {"name": "11 Toán", "homeroomTeacher": None}
    assert await _teachers(seeded, admin) == []
    assert await _acts_for_the_class(seeded, teacher) == REFUSED
    assert await _events(seeded) == [(TEACHER, "removed", [])]
    # Reads the removed teacher tried were refused, so none is in the staff access log.
    async with seeded.sessions() as session:
        logged = await session.scalars(
            select(StaffAccessEntry).where(
                StaffAccessEntry.staff_user_id == stable_id("user", TEACHER)
            )
        )
        assert len(list(logged)) == 1  # the one read while they had the class
    twice = only_error(await seeded(REMOVE, _link("0905 000 005"), token=admin))
    assert twice["extensions"] == {"code": "NOT_FOUND", "field": "input.teacherPhone"}


async def test_only_administrators_change_links_and_bad_input_changes_nothing(
    seeded: Any,
) -> None:
    admin = await make_staff(seeded, ADMIN, role=StaffRole.ADMINISTRATOR)
    await make_staff(seeded, NEWCOMER, role=StaffRole.TEACHER)
    teacher = await token(seeded, TEACHER)
    before = await _snapshot(seeded)
    cases: list[tuple[str, dict[str, Any], str, dict[str, str]]] = [
        (REMOVE, _link(TEACHER), teacher, {"code": "FORBIDDEN", "field": "input.classId"}),
        (ASSIGN, _link(NEWCOMER), teacher, {"code": "FORBIDDEN", "field": "input.classId"}),
        (
            SUBJECTS,
            _link(NEWCOMER, subjects=["math"]),
            teacher,
            {"code": "FORBIDDEN", "field": "input.classId"},
        ),
        (
            SUBJECTS,
            _link(NEWCOMER, subjects=["astrology"]),
            admin,
            {"code": "BAD_USER_INPUT", "field": "input.subjects"},
        ),
        (
            SUBJECTS,
            _link(NEWCOMER, subjects=["math", "math"]),
            admin,
            {"code": "BAD_USER_INPUT", "field": "input.subjects"},
        ),
        (
            SUBJECTS,
            _link("0905 000 002", subjects=["math"]),  # a parent, not staff
            admin,
            {"code": "BAD_USER_INPUT", "field": "input.teacherPhone"},
        ),
        (REMOVE, _link(NEWCOMER), admin, {"code": "NOT_FOUND", "field": "input.teacherPhone"}),
        (
            REMOVE,
            {
                "input": {
                    "classId": gid("SchoolClass", stable_id("x", "y")),
                    "teacherPhone": TEACHER,
                }
            },
            admin,
            {"code": "NOT_FOUND", "field": "input.classId"},
        ),
    ]
    for document, variables, access, expected in cases:
        refused = only_error(await seeded(document, variables, token=access))
        assert refused["extensions"] == expected, (document, variables)
    listing = only_error(await seeded(TEACHERS, {"class": MATHS_11}, token=teacher))
    assert listing["extensions"] == {"code": "FORBIDDEN", "field": "classId"}
    assert await _snapshot(seeded) == before
    assert await _events(seeded) == []


async def test_the_class_teacher_list_pages(seeded: Any) -> None:
    admin = await make_staff(seeded, ADMIN, role=StaffRole.ADMINISTRATOR)
    await make_staff(seeded, NEWCOMER, role=StaffRole.TEACHER)
    data(await seeded(SUBJECTS, _link(NEWCOMER, subjects=["physics"]), token=admin))
    first = data(await seeded(TEACHERS, {"class": MATHS_11, "first": 1}, token=admin))
    page = first["schoolClassTeachers"]
    assert [e["node"]["phone"] for e in page["edges"]] == [TEACHER]
    assert page["pageInfo"]["hasNextPage"] is True
    after = page["pageInfo"]["endCursor"]
    second = data(
        await seeded(TEACHERS, {"class": MATHS_11, "first": 1, "after": after}, token=admin)
    )
    rest = second["schoolClassTeachers"]
    assert [e["node"]["phone"] for e in rest["edges"]] == [NEWCOMER]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_the_database_keeps_one_homeroom_teacher_per_class(seeded: Any) -> None:
    await make_staff(seeded, NEWCOMER, role=StaffRole.TEACHER)
    with pytest.raises(IntegrityError):
        async with UnitOfWork(seeded.sessions) as uow:
            uow.session.add(
                ClassTeacher(
                    class_id=MATHS_11_ID, user_id=stable_id("user", NEWCOMER), homeroom=True
                )
            )
    async with seeded.sessions() as session:
        homerooms = await session.scalars(
            select(ClassTeacher.user_id).where(
                ClassTeacher.class_id == MATHS_11_ID, ClassTeacher.homeroom
            )
        )
        assert list(homerooms) == [stable_id("user", TEACHER)]
