"""The school life of the demo parent's two children: classes, subjects, a weekly timetable,
terms and calendar, a week of attendance, assessments with comments, conduct and fees. Dates are
fixed (school year 2026–2027) so tests can name them; figures are illustrative."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.types import utcnow
from backend.i18n import Translated
from backend.schools.models import (
    Assessment,
    AssessmentType,
    Attendance,
    AttendanceStatus,
    CalendarEntry,
    CalendarKind,
    ClassTeacher,
    ClassTeacherSubject,
    Conduct,
    ConductRating,
    DaySession,
    FeeCharge,
    NoticeAudience,
    NoticeKind,
    NoticeRecipient,
    SchoolClass,
    SchoolNotice,
    StaffMember,
    StaffRole,
    Subject,
    Term,
    TimetableEntry,
)
from backend.seed.demo import stable_id

YEAR = "2026-2027"
TEACHER_PHONE = "+84905000005"
ATTENDANCE_WEEK = date(2026, 11, 23)  # a Monday

SUBJECTS = {
    "math": ("Toán", "Mathematics"),
    "literature": ("Ngữ văn", "Literature"),
    "vietnamese": ("Tiếng Việt", "Vietnamese"),
    "english": ("Tiếng Anh", "English"),
    "physics": ("Vật lí", "Physics"),
    "chemistry": ("Hóa học", "Chemistry"),
    "history": ("Lịch sử", "History"),
    "informatics": ("Tin học", "Informatics"),
    "pe": ("Giáo dục thể chất", "Physical education"),
    "nature_society": ("Tự nhiên và Xã hội", "Nature and society"),
}

# (school slug, class name, grade, room, homeroom teacher)
CLASSES = (
    ("thpt-chuyen-quoc-hoc", "11 Toán", 11, "P.204", "Hoàng Thị Em"),
    ("thpt-chuyen-quoc-hoc", "10 Lý", 10, "P.105", "Lê Văn Phong"),
    ("thpt-chuyen-quoc-hoc", "10 Anh", 10, "P.108", "Ngô Thị Hạnh"),
    ("tieu-hoc-le-loi", "3A", 3, "Phòng 3A", "Phan Thị Mai"),
)

# A week per class: weekday → the morning's subjects (and the afternoon's, for primary).
UPPER_WEEK = {
    1: ["math", "math", "literature", "english", "physics"],
    2: ["chemistry", "math", "literature", "history", "pe"],
    3: ["english", "english", "math", "physics", "informatics"],
    4: ["literature", "literature", "math", "chemistry", "history"],
    5: ["physics", "math", "math", "english", "pe"],
    6: ["informatics", "literature", "chemistry", "math", "english"],
}
PRIMARY_WEEK = {
    day: (["vietnamese", "vietnamese", "math", "english"], ["nature_society", "pe"])
    for day in range(1, 6)
}
MORNING_STARTS = [420, 470, 525, 575, 625]  # 07:00, 07:50, 08:45, 09:35, 10:25
AFTERNOON_STARTS = [840, 890]  # 14:00, 14:50

TERMS = (
    ("Học kỳ I", "Semester 1", date(2026, 9, 5), date(2027, 1, 16)),
    ("Học kỳ II", "Semester 2", date(2027, 1, 18), date(2027, 5, 25)),
)

CALENDAR = (
    (
        CalendarKind.EVENT,
        "Ngày Nhà giáo Việt Nam",
        "Vietnamese Teachers' Day",
        11,
        20,
        11,
        20,
        None,
    ),
    (CalendarKind.EXAM, "Kiểm tra cuối học kỳ I", "Semester 1 final exams", 12, 21, 12, 26, None),
    (CalendarKind.HOLIDAY, "Nghỉ Tết Dương lịch", "New Year's Day holiday", 1, 1, 1, 1, None),
    (CalendarKind.HOLIDAY, "Nghỉ Tết Nguyên đán", "Lunar New Year holiday", 2, 1, 2, 14, None),
)


def _calendar_day(month: int, day: int) -> date:
    return date(2026 if month >= 8 else 2027, month, day)


def _class_id(school: str, name: str) -> uuid.UUID:
    return stable_id("school-class", f"{school}:{YEAR}:{name}")


def class_of(school: str, name: str) -> uuid.UUID:
    return _class_id(school, name)


def _term_id(school: str, index: int) -> uuid.UUID:
    return stable_id("school-term", f"{school}:{YEAR}:{index}")


def term_of(school: str, index: int) -> uuid.UUID:
    return _term_id(school, index)


def _timetable(class_id: uuid.UUID, week: Any, primary: bool) -> list[Any]:
    entries: list[Any] = []
    teachers = {"math": "Hoàng Thị Em", "literature": "Trần Văn Quang", "english": "Ngô Thị Hạnh"}
    for weekday, plan in week.items():
        morning, afternoon = plan if primary else (plan, [])
        sessions = [(DaySession.MORNING, morning, MORNING_STARTS)]
        sessions.append((DaySession.AFTERNOON, afternoon, AFTERNOON_STARTS))
        period = 0
        for session, subjects, starts in sessions:
            for subject, start in zip(subjects, starts, strict=False):
                period += 1
                entries.append(
                    TimetableEntry(
                        id=stable_id("school-period", f"{class_id}:{weekday}:{period}"),
                        class_id=class_id,
                        weekday=weekday,
                        period=period,
                        session=session,
                        starts_minute=start,
                        ends_minute=start + (35 if primary else 45),
                        subject_code=subject,
                        teacher=None if primary else teachers.get(subject),
                    )
                )
    return entries


async def seed_school_structure(session: AsyncSession, schools: list[str]) -> None:
    """Subjects, classes with timetables, terms and calendars (the schools exist already)."""
    if await session.get(Subject, "math") is not None:
        return
    session.add_all(
        Subject(code=code, name=Translated.of(vi, en)) for code, (vi, en) in SUBJECTS.items()
    )
    await session.flush()
    for school in schools:
        school_id = stable_id("place", school)
        session.add_all(
            Term(
                id=_term_id(school, index),
                school_id=school_id,
                school_year=YEAR,
                name=Translated.of(vi, en),
                starts_on=start,
                ends_on=end,
            )
            for index, (vi, en, start, end) in enumerate(TERMS)
        )
        session.add_all(
            CalendarEntry(
                id=stable_id("school-calendar", f"{school}:{YEAR}:{index}"),
                school_id=school_id,
                kind=kind,
                name=Translated.of(vi, en),
                starts_on=_calendar_day(m1, d1),
                ends_on=_calendar_day(m2, d2),
                grade=grade,
            )
            for index, (kind, vi, en, m1, d1, m2, d2, grade) in enumerate(CALENDAR)
        )
    for school, name, grade, room, teacher in CLASSES:
        class_id = _class_id(school, name)
        session.add(
            SchoolClass(
                id=class_id,
                school_id=stable_id("place", school),
                school_year=YEAR,
                name=name,
                grade=grade,
                room=room,
                homeroom_teacher=teacher,
            )
        )
        await session.flush()
        primary = grade <= 5
        session.add_all(_timetable(class_id, PRIMARY_WEEK if primary else UPPER_WEEK, primary))
    # The teacher demo account is homeroom teacher of 11 Toán at Quốc Học and teaches it maths;
    # they teach 10 Anh (where the demo parent's child still to link is) maths too.
    teacher_id = stable_id("user", TEACHER_PHONE)
    session.add(
        StaffMember(
            school_id=stable_id("place", "thpt-chuyen-quoc-hoc"),
            user_id=teacher_id,
            role=StaffRole.TEACHER,
        )
    )
    maths_11 = _class_id("thpt-chuyen-quoc-hoc", "11 Toán")
    homeroom = await session.get(SchoolClass, maths_11)
    assert homeroom is not None
    homeroom.homeroom_teacher_id = teacher_id
    session.add(ClassTeacher(class_id=maths_11, user_id=teacher_id, homeroom=True))
    await session.flush()
    english_10 = _class_id("thpt-chuyen-quoc-hoc", "10 Anh")
    session.add(ClassTeacher(class_id=english_10, user_id=teacher_id, homeroom=False))
    await session.flush()
    session.add_all(
        ClassTeacherSubject(class_id=taught, user_id=teacher_id, subject_code="math")
        for taught in (maths_11, english_10)
    )
    await session.flush()


def _week(student_id: uuid.UUID, absences: dict[tuple[int, DaySession], Any]) -> list[Any]:
    """Monday to Friday of the demo week, mornings and afternoons; present unless listed."""
    rows: list[Any] = []
    for offset in range(5):
        day = ATTENDANCE_WEEK + timedelta(days=offset)
        for session in DaySession:
            status, note = absences.get((offset, session), (AttendanceStatus.PRESENT, None))
            rows.append(
                Attendance(
                    id=stable_id("school-attendance", f"{student_id}:{day}:{session.value}"),
                    student_id=student_id,
                    day=day,
                    session=session,
                    status=status,
                    note=note,
                )
            )
    return rows


def _assessment(
    student: uuid.UUID, term: uuid.UUID, index: int, subject: str, kind: AssessmentType, **more: Any
) -> Assessment:
    return Assessment(
        id=stable_id("school-assessment", f"{student}:{index}"),
        student_id=student,
        term_id=term,
        subject_code=subject,
        kind=kind,
        score=more.get("score"),
        text_score=more.get("text"),
        comment=more.get("comment"),
        assessed_on=more["on"],
    )


async def seed_children_records(session: AsyncSession, khang: uuid.UUID, lan: uuid.UUID) -> None:
    """Attendance, assessments, conduct and fees of the parent's two children."""
    if await session.get(Conduct, stable_id("school-conduct", f"{khang}:0")) is not None:
        return
    now = utcnow()
    session.add_all(
        _week(
            khang,
            {
                (1, DaySession.MORNING): (AttendanceStatus.EXCUSED, "Ốm, có đơn của phụ huynh"),
                (3, DaySession.MORNING): (AttendanceStatus.LATE, "Đến muộn 10 phút"),
            },
        )
    )
    session.add_all(_week(lan, {(2, DaySession.AFTERNOON): (AttendanceStatus.UNEXCUSED, None)}))
    quoc_hoc = term_of("thpt-chuyen-quoc-hoc", 0)
    le_loi = term_of("tieu-hoc-le-loi", 0)
    oral, short = AssessmentType.ORAL, AssessmentType.FIFTEEN_MINUTES
    period, mid = AssessmentType.ONE_PERIOD, AssessmentType.MIDTERM
    session.add_all(
        [
            _assessment(khang, quoc_hoc, 0, "math", oral, score=9.0, on=date(2026, 9, 18)),
            _assessment(khang, quoc_hoc, 1, "math", short, score=8.5, on=date(2026, 10, 2)),
            _assessment(
                khang,
                quoc_hoc,
                2,
                "math",
                mid,
                score=8.75,
                comment="Tư duy tốt, cần trình bày cẩn thận hơn.",
                on=date(2026, 11, 4),
            ),
            _assessment(khang, quoc_hoc, 3, "literature", short, score=7.5, on=date(2026, 10, 9)),
            _assessment(khang, quoc_hoc, 4, "english", period, score=9.5, on=date(2026, 10, 21)),
            _assessment(
                lan,
                le_loi,
                5,
                "vietnamese",
                mid,
                score=9.0,
                text="Hoàn thành tốt",
                comment="Đọc to, rõ ràng; chữ viết đẹp.",
                on=date(2026, 11, 6),
            ),
            _assessment(
                lan, le_loi, 6, "math", mid, score=10.0, text="Hoàn thành tốt", on=date(2026, 11, 6)
            ),
        ]
    )
    session.add(
        Conduct(
            id=stable_id("school-conduct", f"{khang}:0"),
            student_id=khang,
            term_id=quoc_hoc,
            rating=ConductRating.GOOD,
            comment="Ngoan, tích cực tham gia hoạt động lớp.",
        )
    )
    charges = (
        (khang, "Bảo hiểm y tế học sinh", "Student health insurance", 884_520, 10, 31, True),
        (lan, "Tiền ăn bán trú tháng 11", "School meals, November", 750_000, 11, 5, True),
        (lan, "Tiền ăn bán trú tháng 12", "School meals, December", 750_000, 12, 5, False),
    )
    session.add_all(
        FeeCharge(
            id=stable_id("school-charge", f"{student}:{index}"),
            student_id=student,
            name=Translated.of(vi, en),
            amount_vnd=amount,
            due_on=date(2026, month, day),
            paid_vnd=amount if paid else 0,
            paid_on=date(2026, month, day) - timedelta(days=3) if paid else None,
            created_at=now,
        )
        for index, (student, vi, en, amount, month, day, paid) in enumerate(charges)
    )
    await session.flush()


async def seed_notice(session: AsyncSession, students: list[uuid.UUID]) -> None:
    """A consent form from 11 Toán's teacher about a class visit to the Imperial City."""
    notice_id = stable_id("school-notice", "11-toan-dai-noi")
    if await session.get(SchoolNotice, notice_id) is not None:
        return
    school = "thpt-chuyen-quoc-hoc"
    now = utcnow()
    session.add(
        SchoolNotice(
            id=notice_id,
            school_id=stable_id("place", school),
            audience=NoticeAudience.CLASS,
            grade=None,
            class_id=_class_id(school, "11 Toán"),
            kind=NoticeKind.CONSENT,
            title=Translated.of("Tham quan Đại Nội", "Imperial City visit"),
            body=Translated.of(
                "Lớp 11 Toán tham quan Đại Nội sáng thứ Bảy, xuất phát 7 giờ 30 tại "
                "trường. Phụ huynh vui lòng cho biết có đồng ý cho con tham gia không.",
                "Class 11 Toán visits the Imperial City on Saturday, leaving school "
                "at 7:30. Please tell us whether your child may take part.",
            ),
            # Open for ten days from the seeding, so the demo always has a form to answer.
            due_on=now.date() + timedelta(days=10),
            published_by=stable_id("user", TEACHER_PHONE),
            published_at=now - timedelta(days=2),
        )
    )
    await session.flush()
    session.add_all(NoticeRecipient(notice_id=notice_id, student_id=s) for s in students)
    await session.flush()
