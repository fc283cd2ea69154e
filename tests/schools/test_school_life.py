"""A linked child's school life as the parent reads it: homeroom, the week's timetable,
attendance by day and session, assessments with comments, conduct, fees, terms and calendar.
The children list costs the same few statements however many children; a school's staff read
their students only, and each read is logged."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from backend.db.unit_of_work import UnitOfWork
from backend.i18n import Translated
from backend.schools.models import (
    Assessment,
    AssessmentType,
    CalendarEntry,
    CalendarKind,
    FeeCharge,
    StaffAccessEntry,
    StaffRole,
    Term,
)
from backend.seed.demo import stable_id
from tests.schools.conftest import (
    BAO,
    KHANG,
    LAN,
    PARENT,
    TEACHER,
    gid,
    make_staff,
    ok,
    plain,
    send,
    student_gid,
)
from tests.support.graphql import data, only_error
from tests.support.sessions import token

WEEK = {"from": "2026-11-23", "to": "2026-11-29"}


async def _logged(api: Any) -> list[tuple[Any, Any]]:
    async with api.sessions() as session:
        statement = select(StaffAccessEntry.staff_user_id, StaffAccessEntry.student_id)
        return [tuple(row) for row in await session.execute(statement)]


async def test_a_parent_reads_a_childs_week_at_school(seeded: Any) -> None:
    parent = await token(seeded, PARENT)
    answer = await ok(seeded, "SchoolStudent", {"id": student_gid(KHANG), **WEEK}, token=parent)
    child = plain(answer)["schoolStudent"]
    assert child["homeroom"] == {
        "id": gid(
            "SchoolClass", stable_id("school-class", "thpt-chuyen-quoc-hoc:2026-2027:11 Toán")
        ),
        "name": "11 Toán",
        "grade": 11,
        "schoolYear": "2026-2027",
        "room": "P.204",
        "homeroomTeacher": "Hoàng Thị Em",
    }
    monday = [p for p in child["timetable"] if p["weekday"] == 1]
    assert [(p["period"], p["startsAt"], p["subject"]["name"]) for p in monday] == [
        (1, "07:00", "Toán"),
        (2, "07:50", "Toán"),
        (3, "08:45", "Ngữ văn"),
        (4, "09:35", "Tiếng Anh"),
        (5, "10:25", "Vật lí"),
    ]
    assert {p["weekday"] for p in child["timetable"]} == {1, 2, 3, 4, 5, 6}
    absent = [(a["day"], a["session"], a["status"]) for a in child["attendance"]]
    assert len(absent) == 10
    assert [a for a in absent if a[2] != "PRESENT"] == [
        ("2026-11-24", "MORNING", "EXCUSED"),
        ("2026-11-26", "MORNING", "LATE"),
    ]
    math = [a for a in child["assessments"] if a["subject"]["code"] == "math"]
    assert [(a["kind"], a["score"]) for a in math] == [
        ("ORAL", 9.0),
        ("FIFTEEN_MINUTES", 8.5),
        ("MIDTERM", 8.75),
    ]
    assert math[2]["comment"] == "Tư duy tốt, cần trình bày cẩn thận hơn."
    assert [t["name"] for t in child["terms"]] == ["Học kỳ I", "Học kỳ II"]
    assert child["conduct"] == [
        {
            "termId": child["terms"][0]["id"],
            "rating": "GOOD",
            "comment": "Ngoan, tích cực tham gia hoạt động lớp.",
        }
    ]
    assert [(f["amountVnd"], f["outstandingVnd"]) for f in child["fees"]] == [(884520, 0)]
    assert [(c["kind"], c["startsOn"]) for c in child["calendar"]][:2] == [
        ("EVENT", "2026-11-20"),
        ("EXAM", "2026-12-21"),
    ]


async def test_terms_filter_assessments_and_english_names_the_subjects(seeded: Any) -> None:
    parent = await token(seeded, PARENT)
    query = """query L($id: ID!) { schoolStudent(id: $id) {
        assessments { subject { name } textScore score comment }
        fees { name amountVnd paidVnd outstandingVnd dueOn } } }"""
    answer = await seeded(query, {"id": student_gid(LAN)}, token=parent, language="en")
    lan = answer["data"]["schoolStudent"]
    assert [(a["subject"]["name"], a["textScore"], a["score"]) for a in lan["assessments"]] == [
        ("Mathematics", "Hoàn thành tốt", 10.0),
        ("Vietnamese", "Hoàn thành tốt", 9.0),
    ]
    assert [(f["name"], f["outstandingVnd"]) for f in lan["fees"]] == [
        ("School meals, November", 0),
        ("School meals, December", 750000),
    ]


async def test_the_children_list_takes_the_same_statements_for_one_or_more(
    seeded: Any,
) -> None:
    parent = await token(seeded, PARENT)
    await ok(seeded, "MySchoolChildren", WEEK, token=parent)  # warm the viewer's caches
    seeded.sql.clear()
    answer = plain(await ok(seeded, "MySchoolChildren", WEEK, token=parent))
    children = answer["viewer"]["schoolChildren"]["edges"]
    assert [c["node"]["identifier"] for c in children] == [KHANG, LAN]
    lan = children[1]["node"]
    unexcused = [a for a in lan["attendance"] if a["status"] == "UNEXCUSED"]
    assert unexcused == [
        {"day": "2026-11-25", "session": "AFTERNOON", "status": "UNEXCUSED", "note": None}
    ]
    statements = seeded.sql.count
    # One per level of the tree whatever the number of children: viewer, the children, then one
    # batch each for schools, classes, attendance and fees.
    assert statements == 6, seeded.sql.statements
    single = await token(seeded, "+84905000001")  # one child
    seeded.sql.clear()
    await ok(seeded, "MySchoolChildren", WEEK, token=single)
    assert seeded.sql.count == statements


async def test_a_bad_range_of_days_is_refused(seeded: Any) -> None:
    parent = await token(seeded, PARENT)
    backwards = {"id": student_gid(KHANG), "from": "2026-11-29", "to": "2026-11-23"}
    refused = only_error(await send(seeded, "SchoolStudent", backwards, token=parent))
    assert refused["extensions"] == {"code": "BAD_USER_INPUT", "field": "from"}
    too_long = {"id": student_gid(KHANG), "from": "2026-01-01", "to": "2026-11-23"}
    refused = only_error(await send(seeded, "SchoolStudent", too_long, token=parent))
    assert refused["extensions"]["code"] == "BAD_USER_INPUT"


async def test_staff_read_their_students_only_and_every_read_is_logged(
    seeded: Any,
) -> None:
    teacher = await token(seeded, TEACHER)  # Quốc Học, 11 Toán
    assert await _logged(seeded) == []
    found = (await ok(seeded, "SchoolStudent", {"id": student_gid(KHANG), **WEEK}, token=teacher))[
        "schoolStudent"
    ]
    assert found["fullName"] == "Nguyễn Minh Khang"
    # Through `node` too.
    node = "query N($id: ID!) { node(id: $id) { ... on SchoolStudent { fullName } } }"
    by_node = data(await seeded(node, {"id": student_gid(KHANG)}, token=teacher))["node"]
    assert by_node == {"fullName": "Nguyễn Minh Khang"}
    # Bảo is in 10 Lý, a class of the school they do not teach; Lan at Tiểu học Lê Lợi.
    for stranger in (BAO, LAN):
        other = await ok(seeded, "SchoolStudent", {"id": student_gid(stranger)}, token=teacher)
        assert other["schoolStudent"] is None
        assert (
            data(await seeded(node, {"id": student_gid(stranger)}, token=teacher))["node"] is None
        )
    khang = (stable_id("user", TEACHER), stable_id("student", KHANG))
    assert await _logged(seeded) == [khang, khang]
    # The school's administrators read every student of the school, logged alike.
    admin = await make_staff(seeded, "+84905000003", role=StaffRole.ADMINISTRATOR)
    bao = await ok(seeded, "SchoolStudent", {"id": student_gid(BAO)}, token=admin)
    assert bao["schoolStudent"]["fullName"] == "Nguyễn Văn Bảo"
    assert (stable_id("user", "+84905000003"), stable_id("student", BAO)) in await _logged(seeded)
    doctor = await token(seeded, "+84905000004")
    nothing = await ok(seeded, "SchoolStudent", {"id": student_gid(BAO)}, token=doctor)
    assert nothing["schoolStudent"] is None
    assert len(await _logged(seeded)) == 3


async def test_a_childs_record_is_read_a_school_year_at_a_time(seeded: Any) -> None:
    """Terms, grades, conduct and the calendar are lists of one school year (the current one
    by default), so none grows with the years a child spends at school."""
    school = stable_id("place", "thpt-chuyen-quoc-hoc")
    khang = stable_id("student", KHANG)
    last_year = uuid.uuid4()
    async with UnitOfWork(seeded.sessions) as uow:
        uow.session.add(
            Term(
                id=last_year,
                school_id=school,
                school_year="2025-2026",
                name=Translated({"vi": "Học kỳ II (2025–2026)"}),
                starts_on=date(2026, 1, 12),
                ends_on=date(2026, 5, 25),
            )
        )
        await uow.session.flush()
        uow.session.add(
            Assessment(
                id=uuid.uuid4(),
                student_id=khang,
                term_id=last_year,
                subject_code="math",
                kind=AssessmentType.SEMESTER,
                score=3.25,
                assessed_on=date(2026, 5, 20),
            )
        )
        uow.session.add(
            CalendarEntry(
                id=uuid.uuid4(),
                school_id=school,
                kind=CalendarKind.EXAM,
                name=Translated({"vi": "Thi học kỳ II (2025–2026)"}),
                starts_on=date(2026, 5, 18),
                ends_on=date(2026, 5, 22),
                grade=None,
            )
        )
        for name, paid in (("Học phí tháng 3/2026", 500_000), ("Học phí tháng 4/2026", 0)):
            uow.session.add(
                FeeCharge(
                    id=uuid.uuid4(),
                    student_id=khang,
                    name=Translated({"vi": name}),
                    amount_vnd=500_000,
                    due_on=date(2026, 3 if paid else 4, 5),
                    paid_vnd=paid,
                    paid_on=date(2026, 3, 1) if paid else None,
                )
            )
    parent = await token(seeded, PARENT)
    record = """query R($id: ID!, $year: String) { schoolStudent(id: $id) {
        fees(schoolYear: $year) { name outstandingVnd }
        terms(schoolYear: $year) { name }
        assessments(schoolYear: $year) { score }
        calendar(schoolYear: $year) { name }
    } }"""
    current = data(await seeded(record, {"id": student_gid(KHANG)}, token=parent))
    now = current["schoolStudent"]
    assert now["terms"]
    assert "Học kỳ II (2025–2026)" not in [t["name"] for t in now["terms"]]
    assert now["assessments"]
    assert 3.25 not in [a["score"] for a in now["assessments"]]
    assert "Thi học kỳ II (2025–2026)" not in [c["name"] for c in now["calendar"]]
    # Last year's fee still owed is shown until paid; the one paid is last year's business.
    fees = [(f["name"], f["outstandingVnd"]) for f in now["fees"]]
    assert ("Học phí tháng 4/2026", 500_000) in fees
    assert "Học phí tháng 3/2026" not in [name for name, _ in fees]
    asked = {"id": student_gid(KHANG), "year": "2025-2026"}
    before = data(await seeded(record, asked, token=parent))["schoolStudent"]
    assert before == {
        "fees": [
            {"name": "Học phí tháng 3/2026", "outstandingVnd": 0},
            {"name": "Học phí tháng 4/2026", "outstandingVnd": 500_000},
        ],
        "terms": [{"name": "Học kỳ II (2025–2026)"}],
        "assessments": [{"score": 3.25}],
        "calendar": [{"name": "Thi học kỳ II (2025–2026)"}],
    }
    bad = only_error(
        await seeded(record, {"id": student_gid(KHANG), "year": "2025-2027"}, token=parent)
    )
    assert bad["extensions"] == {"code": "BAD_USER_INPUT", "field": "schoolYear"}
