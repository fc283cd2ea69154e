"""The schools demo: the school side of five school places of the Huế demo (Quốc Học and Hai
Bà Trưng upper-secondary schools, a lower-secondary, a primary school and a kindergarten), with
fees, admission zones and intake places for 2026–2027; students with their guardians' phones;
the parent demo account linked to two children in different schools, and the resident demo
account to a third. Fees and places are illustrative, not published figures. Idempotent: rows
are keyed by stable ids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.types import utcnow
from backend.i18n import Translated
from backend.schools.models import (
    AdmissionZoneWard,
    FeePeriod,
    Guardian,
    Intake,
    Ownership,
    ParentLink,
    School,
    SchoolFee,
    SchoolLevel,
    Student,
)
from backend.seed import school_enrolment, school_life
from backend.seed.demo import stable_id

YEAR = "2026-2027"
PARENT_PHONE = "+84905000002"
RESIDENT_PHONE = "+84905000001"


@dataclass(frozen=True, slots=True)
class SchoolSeed:
    slug: str
    level: SchoolLevel
    ownership: Ownership
    phone: str | None
    website: str | None
    grades: tuple[int, ...]
    programmes: tuple[str, ...]
    # (name vi, name en, VND, period)
    fees: tuple[tuple[str, str, int, FeePeriod], ...]
    zone: tuple[str, ...]  # ward slugs
    intake: tuple[tuple[int, int], ...]  # (entry grade, places)


TUITION = ("Học phí", "Tuition")
MEALS = ("Tiền ăn bán trú", "School meals")
INSURANCE = ("Bảo hiểm y tế học sinh", "Student health insurance")

SCHOOLS = (
    SchoolSeed(
        "thpt-chuyen-quoc-hoc",
        SchoolLevel.UPPER_SECONDARY,
        Ownership.PUBLIC,
        "0234 3823 146",
        "https://quochoc.edu.vn",
        (10, 11, 12),
        ("gifted", "standard"),
        ((*TUITION, 0, FeePeriod.MONTH), (*INSURANCE, 884_520, FeePeriod.YEAR)),
        (),  # a gifted school admits from the whole city by examination
        ((10, 420),),
    ),
    SchoolSeed(
        "thpt-hai-ba-trung",
        SchoolLevel.UPPER_SECONDARY,
        Ownership.PUBLIC,
        "0234 3822 417",
        None,
        (10, 11, 12),
        ("standard",),
        ((*TUITION, 0, FeePeriod.MONTH), (*INSURANCE, 884_520, FeePeriod.YEAR)),
        ("vinh-ninh", "phu-hoi", "truong-an"),
        ((10, 540),),
    ),
    SchoolSeed(
        "thcs-nguyen-tri-phuong",
        SchoolLevel.LOWER_SECONDARY,
        Ownership.PUBLIC,
        None,
        None,
        (6, 7, 8, 9),
        ("standard", "bilingual"),
        ((*TUITION, 0, FeePeriod.MONTH), (*INSURANCE, 884_520, FeePeriod.YEAR)),
        ("thuan-hoa", "dong-ba"),
        ((6, 315),),
    ),
    SchoolSeed(
        "tieu-hoc-le-loi",
        SchoolLevel.PRIMARY,
        Ownership.PUBLIC,
        None,
        None,
        (1, 2, 3, 4, 5),
        ("standard",),
        ((*MEALS, 750_000, FeePeriod.MONTH), (*INSURANCE, 884_520, FeePeriod.YEAR)),
        ("vinh-ninh", "phu-hoi"),
        ((1, 175),),
    ),
    SchoolSeed(
        "mam-non-hoa-sen",
        SchoolLevel.KINDERGARTEN,
        Ownership.PRIVATE,
        None,
        None,
        (0,),
        ("standard", "bilingual"),
        ((*TUITION, 2_500_000, FeePeriod.MONTH), (*MEALS, 900_000, FeePeriod.MONTH)),
        ("phu-hoi", "vinh-ninh", "truong-an"),
        ((0, 60),),
    ),
)


@dataclass(frozen=True, slots=True)
class StudentSeed:
    identifier: str
    school: str
    full_name: str
    born: date
    grade: int
    class_name: str  # the homeroom class (backend.seed.school_life.CLASSES)
    guardians: tuple[tuple[str, str], ...]  # (phone, name)
    linked: tuple[str, ...]  # phones of accounts already linked


# Identifiers: 046 (Thừa Thiên Huế), century/sex digit, year of birth, 6 invented digits.
STUDENTS = (
    StudentSeed(
        "046309001234",
        "thpt-chuyen-quoc-hoc",
        "Nguyễn Minh Khang",
        date(2009, 9, 14),
        11,
        "11 Toán",
        ((PARENT_PHONE, "Trần Thị Bình"),),
        (PARENT_PHONE,),
    ),
    StudentSeed(
        "046218005678",
        "tieu-hoc-le-loi",
        "Nguyễn Ngọc Lan",
        date(2018, 3, 2),
        3,
        "3A",
        ((PARENT_PHONE, "Trần Thị Bình"),),
        (PARENT_PHONE,),
    ),
    StudentSeed(
        "046210004321",
        "thpt-chuyen-quoc-hoc",
        "Nguyễn Văn Bảo",
        date(2010, 1, 20),
        10,
        "10 Lý",
        ((RESIDENT_PHONE, "Nguyễn Văn An"),),
        (RESIDENT_PHONE,),
    ),
    StudentSeed(
        "046311002468",
        "thpt-chuyen-quoc-hoc",
        "Trần Gia Huy",
        date(2011, 5, 5),
        10,
        "10 Anh",
        ((PARENT_PHONE, "Trần Thị Bình"),),
        (),
    ),
)


async def seed_schools(session: AsyncSession) -> dict[str, int]:
    added = {"schools": 0, "students": 0}
    now = utcnow()
    for seed in SCHOOLS:
        school_id = stable_id("place", seed.slug)
        if await session.get(School, school_id) is not None:
            continue
        session.add(
            School(
                id=school_id,
                level=seed.level,
                ownership=seed.ownership,
                phone=seed.phone,
                website=seed.website,
                grades=list(seed.grades),
                programmes=list(seed.programmes),
                current_year=YEAR,
                created_at=now,
            )
        )
        await session.flush()
        session.add_all(
            SchoolFee(
                id=stable_id("school-fee", f"{seed.slug}:{YEAR}:{index}"),
                school_id=school_id,
                school_year=YEAR,
                name=Translated.of(vi, en),
                amount_vnd=amount,
                period=period,
                created_at=now,
            )
            for index, (vi, en, amount, period) in enumerate(seed.fees)
        )
        session.add_all(
            AdmissionZoneWard(school_id=school_id, ward_id=stable_id("ward", ward_slug))
            for ward_slug in seed.zone
        )
        session.add_all(
            Intake(
                id=stable_id("school-intake", f"{seed.slug}:{YEAR}:{grade}"),
                school_id=school_id,
                school_year=YEAR,
                grade=grade,
                places=count,
                created_at=now,
            )
            for grade, count in seed.intake
        )
        added["schools"] += 1
    await session.flush()
    await school_life.seed_school_structure(session, [seed.slug for seed in SCHOOLS])
    for student in STUDENTS:
        student_id = stable_id("student", student.identifier)
        if await session.get(Student, student_id) is not None:
            continue
        session.add(
            Student(
                id=student_id,
                school_id=stable_id("place", student.school),
                identifier=student.identifier,
                full_name=student.full_name,
                date_of_birth=student.born,
                grade=student.grade,
                class_id=school_life.class_of(student.school, student.class_name),
                created_at=now,
            )
        )
        await session.flush()
        session.add_all(
            Guardian(
                id=stable_id("guardian", f"{student.identifier}:{phone}"),
                student_id=student_id,
                phone=phone,
                name=name,
                created_at=now,
            )
            for phone, name in student.guardians
        )
        session.add_all(
            ParentLink(
                id=stable_id("school-link", f"{student.identifier}:{phone}"),
                student_id=student_id,
                user_id=stable_id("user", phone),
                created_at=now,
            )
            for phone in student.linked
        )
        added["students"] += 1
    await session.flush()
    await school_life.seed_children_records(
        session,
        stable_id("student", STUDENTS[0].identifier),
        stable_id("student", STUDENTS[1].identifier),
    )
    await school_life.seed_notice(
        session,
        [
            stable_id("student", student.identifier)
            for student in STUDENTS
            if student.class_name == "11 Toán"
        ],
    )
    await school_enrolment.seed_enrolment(session, now)
    return added
