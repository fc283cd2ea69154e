"""Teachers record grades for the students of their classes and correct one with a reason: the
linked parents read the grade in their child's record, every change is in the grade log, a
teacher cannot grade outside their classes, and bad grades change nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.db.unit_of_work import UnitOfWork
from backend.errors import Conflict
from backend.identity.models import Role, RoleAssignment
from backend.schools import grades
from backend.schools.models import (
    Assessment,
    AssessmentEvent,
    AssessmentType,
    StaffMember,
    StaffRole,
)
from backend.seed.demo import stable_id
from tests.schools.conftest import BAO, KHANG, PARENT, RESIDENT, TEACHER, gid, ok, student_gid
from tests.support.clock import Clock
from tests.support.graphql import data, only_error
from tests.support.sessions import token

RECORD = """
mutation Record($input: RecordSchoolGradesInput!) {
  recordSchoolGrades(input: $input) {
    recorded
    assessments { id kind score textScore comment assessedOn subject { code } }
  }
}
"""
CORRECT = """
mutation Correct($input: CorrectSchoolGradeInput!) {
  correctSchoolGrade(input: $input) { id score textScore comment }
}
"""
QUOC_HOC = stable_id("place", "thpt-chuyen-quoc-hoc")
MATHS_11 = gid("SchoolClass", stable_id("school-class", "thpt-chuyen-quoc-hoc:2026-2027:11 Toán"))
PHYSICS_10 = gid("SchoolClass", stable_id("school-class", "thpt-chuyen-quoc-hoc:2026-2027:10 Lý"))
TERM_1 = gid("SchoolTerm", stable_id("school-term", "thpt-chuyen-quoc-hoc:2026-2027:0"))
LE_LOI_TERM = gid("SchoolTerm", stable_id("school-term", "tieu-hoc-le-loi:2026-2027:0"))
# 10:00 in Huế on 2 December 2026, term I; graded the day before.
NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
ADMIN = "+84905000003"


def _input(class_id: str = MATHS_11, *entries: dict[str, Any], **changes: Any) -> dict[str, Any]:
    grades = list(entries) or [{"studentId": student_gid(KHANG), "score": 7.25}]
    return {
        "input": {
            "classId": class_id,
            "termId": TERM_1,
            "subject": "math",
            "kind": "FIFTEEN_MINUTES",
            "assessedOn": "2026-12-01",
            "entries": grades,
            **changes,
        }
    }


async def _grades(api: Any) -> tuple[int, int]:
    """How many grades and grade-log entries there are."""
    async with api.sessions() as session:
        grades = await session.scalar(select(func.count()).select_from(Assessment))
        events = await session.scalar(select(func.count()).select_from(AssessmentEvent))
    return int(grades or 0), int(events or 0)


async def _parents_view(api: Any) -> list[dict[str, Any]]:
    parent = await token(api, PARENT)
    child = (await ok(api, "SchoolStudent", {"id": student_gid(KHANG)}, token=parent))[
        "schoolStudent"
    ]
    return [
        {key: a[key] for key in ("id", "kind", "score", "comment", "assessedOn")}
        for a in child["assessments"]
        if a["subject"]["code"] == "math"
    ]


async def _make_admin(api: Any) -> str:
    admin = stable_id("user", ADMIN)
    async with UnitOfWork(api.sessions) as uow:
        uow.session.add(RoleAssignment(user_id=admin, role=Role.SCHOOL_STAFF, scope_id=QUOC_HOC))
        uow.session.add(
            StaffMember(school_id=QUOC_HOC, user_id=admin, role=StaffRole.ADMINISTRATOR)
        )
    return await token(api, ADMIN)


async def test_a_teacher_records_and_corrects_a_grade_the_parent_then_reads(
    seeded: Any, clock: Clock
) -> None:
    clock.set(NOW)
    teacher = await token(seeded, TEACHER)
    entry = {"studentId": student_gid(KHANG), "score": 7.25, "comment": "  Cần cẩn thận hơn. "}
    recorded = data(await seeded(RECORD, _input(MATHS_11, entry), token=teacher))
    answer = recorded["recordSchoolGrades"]
    assert answer["recorded"] == 1
    graded = answer["assessments"][0]
    assert {k: v for k, v in graded.items() if k != "id"} == {
        "kind": "FIFTEEN_MINUTES",
        "score": 7.25,
        "textScore": None,
        "comment": "Cần cẩn thận hơn.",
        "assessedOn": "2026-12-01",
        "subject": {"code": "math"},
    }
    seen = await _parents_view(seeded)
    assert seen[-1] == {
        "id": graded["id"],
        "kind": "FIFTEEN_MINUTES",
        "score": 7.25,
        "comment": "Cần cẩn thận hơn.",
        "assessedOn": "2026-12-01",
    }
    assert len(seen) == 4  # the three of the demo, and this one

    corrected = data(
        await seeded(
            CORRECT,
            {"input": {"assessmentId": graded["id"], "score": 8.25, "reason": "Chấm sót câu 3"}},
            token=teacher,
        )
    )["correctSchoolGrade"]
    assert corrected == {"id": graded["id"], "score": 8.25, "textScore": None, "comment": None}
    assert (await _parents_view(seeded))[-1]["score"] == 8.25

    statement = select(
        AssessmentEvent.action,
        AssessmentEvent.actor_id,
        AssessmentEvent.previous_score,
        AssessmentEvent.score,
        AssessmentEvent.reason,
        AssessmentEvent.at,
    ).order_by(AssessmentEvent.action.desc())
    async with seeded.sessions() as session:
        log = [tuple(row) for row in await session.execute(statement)]
    teacher_id = stable_id("user", TEACHER)
    assert log == [
        ("recorded", teacher_id, None, 7.25, None, NOW),
        ("corrected", teacher_id, 7.25, 8.25, "Chấm sót câu 3", NOW),
    ]


async def test_a_teacher_cannot_grade_outside_their_classes(seeded: Any, clock: Clock) -> None:
    clock.set(NOW)
    before = await _grades(seeded)
    teacher = await token(seeded, TEACHER)
    # 10 Lý is a class of their school they do not teach.
    bao = {"studentId": student_gid(BAO), "score": 9}
    other_class = only_error(await seeded(RECORD, _input(PHYSICS_10, bao), token=teacher))
    assert other_class["extensions"] == {"code": "FORBIDDEN", "field": "input.classId"}
    # A student of another class, through their own class.
    stranger = only_error(await seeded(RECORD, _input(MATHS_11, bao), token=teacher))
    assert stranger["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.entries"}
    parent = await token(seeded, PARENT)
    not_staff = only_error(await seeded(RECORD, _input(), token=parent))
    assert not_staff["extensions"]["code"] == "FORBIDDEN"
    # Nor correct a grade of a student outside their classes, or as a parent.
    admin = await _make_admin(seeded)
    baos = data(await seeded(RECORD, _input(PHYSICS_10, bao), token=admin))
    baos_grade = baos["recordSchoolGrades"]["assessments"][0]["id"]
    correction = {"input": {"assessmentId": baos_grade, "score": 10, "reason": "Sửa"}}
    refused = only_error(await seeded(CORRECT, correction, token=teacher))
    assert refused["extensions"] == {"code": "FORBIDDEN", "field": "input.assessmentId"}
    resident = await token(seeded, RESIDENT)  # Bảo's own parent, not staff
    hidden = only_error(await seeded(CORRECT, correction, token=resident))
    assert hidden["extensions"] == {"code": "NOT_FOUND", "field": "input.assessmentId"}
    # The administrator's one grade is all that changed.
    assert await _grades(seeded) == (before[0] + 1, before[1] + 1)


async def test_bad_grades_are_refused_and_change_nothing(seeded: Any, clock: Clock) -> None:
    clock.set(NOW)
    teacher = await token(seeded, TEACHER)
    before = await _grades(seeded)
    khang = student_gid(KHANG)
    cases: list[tuple[dict[str, Any], str, str]] = [
        (_input(MATHS_11, {"studentId": khang, "score": 10.5}), "BAD_USER_INPUT", "entries.score"),
        (_input(MATHS_11, {"studentId": khang, "score": 7.125}), "BAD_USER_INPUT", "entries.score"),
        (_input(MATHS_11, {"studentId": khang, "score": -1}), "BAD_USER_INPUT", "entries.score"),
        (
            _input(MATHS_11, {"studentId": khang, "textScore": "  "}),
            "BAD_USER_INPUT",
            "entries.score",
        ),
        (
            _input(MATHS_11, {"studentId": khang, "textScore": "Đạt" * 30}),
            "BAD_USER_INPUT",
            "entries.textScore",
        ),
        (
            _input(MATHS_11, {"studentId": khang, "score": 7, "comment": "x" * 501}),
            "BAD_USER_INPUT",
            "entries.comment",
        ),
        (
            _input(MATHS_11, {"studentId": khang, "score": 7}, {"studentId": khang, "score": 8}),
            "BAD_USER_INPUT",
            "entries",
        ),
        (_input(subject="astrology"), "BAD_USER_INPUT", "subject"),
        (_input(assessedOn="2026-12-03"), "BAD_USER_INPUT", "assessedOn"),  # tomorrow
        (_input(assessedOn="2026-08-30"), "BAD_USER_INPUT", "assessedOn"),  # before the term
        (_input(termId=LE_LOI_TERM), "NOT_FOUND", "termId"),  # another school's term
        (_input(kind="MIDTERM"), "CONFLICT", "entries"),  # the demo's mid-term is there
    ]
    for variables, code, field in cases:
        refused = only_error(await seeded(RECORD, variables, token=teacher))
        assert refused["extensions"] == {"code": code, "field": f"input.{field}"}, variables
    seeded_grade = gid(
        "Assessment", stable_id("school-assessment", f"{stable_id('student', KHANG)}:2")
    )
    for change, field in (
        ({"score": 9, "reason": "   "}, "reason"),
        ({"score": 9, "reason": "x" * 301}, "reason"),
        ({"reason": "Nhầm"}, "score"),
        ({"score": 11, "reason": "Nhầm"}, "score"),
    ):
        correction = {"input": {"assessmentId": seeded_grade, **change}}
        refused = only_error(await seeded(CORRECT, correction, token=teacher))
        assert refused["extensions"] == {"code": "BAD_USER_INPUT", "field": f"input.{field}"}
    assert await _grades(seeded) == before
    assert [a["score"] for a in await _parents_view(seeded)] == [9.0, 8.5, 8.75]


async def test_a_mid_term_grade_is_corrected_not_given_twice(seeded: Any, clock: Clock) -> None:
    clock.set(NOW)
    teacher = await token(seeded, TEACHER)
    seeded_grade = gid(
        "Assessment", stable_id("school-assessment", f"{stable_id('student', KHANG)}:2")
    )
    correction = {
        "input": {
            "assessmentId": seeded_grade,
            "score": 9,
            "textScore": " Tốt ",
            "comment": "Đã phúc khảo.",
            "reason": "Phúc khảo bài thi",
        }
    }
    corrected = data(await seeded(CORRECT, correction, token=teacher))["correctSchoolGrade"]
    assert corrected == {
        "id": seeded_grade,
        "score": 9.0,
        "textScore": "Tốt",
        "comment": "Đã phúc khảo.",
    }
    midterm = [a for a in await _parents_view(seeded) if a["kind"] == "MIDTERM"]
    assert [(a["score"], a["comment"]) for a in midterm] == [(9.0, "Đã phúc khảo.")]
    async with seeded.sessions() as session:
        statement = select(AssessmentEvent.previous_score, AssessmentEvent.reason)
        assert [tuple(row) for row in await session.execute(statement)] == [
            (8.75, "Phúc khảo bài thi")
        ]


async def test_one_semester_grade_when_two_teachers_give_it_at_once(
    seeded: Any, dialect: str
) -> None:
    """The second waits on the first's row, then is refused: never two semester grades."""
    if dialect != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
    khang = stable_id("student", KHANG)

    async def give(uow: UnitOfWork, score: float) -> None:
        await grades.record(
            uow,
            teacher_id=stable_id("user", TEACHER),
            class_id=stable_id("school-class", "thpt-chuyen-quoc-hoc:2026-2027:11 Toán"),
            term_id=stable_id("school-term", "thpt-chuyen-quoc-hoc:2026-2027:0"),
            subject_code="math",
            kind=AssessmentType.SEMESTER,
            assessed_on=date(2026, 12, 1),
            grades=[grades.StudentGrade(khang, grades.Grade(score, None, None))],
            now=NOW,
        )

    async def second() -> None:
        async with UnitOfWork(seeded.sessions) as uow:
            await give(uow, 9.0)

    first = UnitOfWork(seeded.sessions)
    await first.__aenter__()
    try:
        await give(first, 8.0)
        racing = asyncio.create_task(second())
        await asyncio.sleep(0.5)  # the second has found no grade and waits on the first's row
        assert not racing.done()
    finally:
        await first.__aexit__(None, None, None)
    with pytest.raises(Conflict):
        await racing
    async with seeded.sessions() as session:
        given = await session.scalars(
            select(Assessment.score).where(
                Assessment.student_id == khang, Assessment.kind == AssessmentType.SEMESTER
            )
        )
        assert list(given) == [8.0]
