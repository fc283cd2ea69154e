"""GraphQL types of the schools domain, written by hand over typed rows.

`School` is public (the directory); `SchoolStudent` only its linked parents can fetch: by
`node(id:)`, by `schoolStudent(id:)` or through `viewer.schoolChildren`, and nobody else."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Self

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import RowNode, decode_id, node_from, nodes_from
from backend.graphql_api.places.loaders import PlacesLoaders
from backend.graphql_api.places.types import GeoPoint, WardNode
from backend.graphql_api.schools.loaders import SchoolsLoaders
from backend.schools import classes, reads, records
from backend.schools.models import (
    AssessmentType,
    AttendanceStatus,
    CalendarKind,
    ConductRating,
    DaySession,
    FeePeriod,
    Ownership,
    SchoolLevel,
)
from backend.schools.repository.rows import (
    AssessmentRow,
    ClassRow,
    FeeRow,
    IntakeRow,
    PeriodRow,
    SchoolRow,
    StudentRow,
    TermRow,
)

strawberry.enum(
    SchoolLevel,
    name="SchoolLevel",
    description="NURSERY (nhà trẻ), KINDERGARTEN (mẫu giáo), PRIMARY (tiểu học, grades 1–5), "
    "LOWER_SECONDARY (THCS, 6–9), UPPER_SECONDARY (THPT, 10–12).",
)

strawberry.enum(Ownership, name="SchoolOwnership")
strawberry.enum(FeePeriod, name="SchoolFeePeriod")
strawberry.enum(AttendanceStatus, name="AttendanceStatus")
strawberry.enum(DaySession, name="SchoolDaySession")
strawberry.enum(AssessmentType, name="AssessmentType")
strawberry.enum(ConductRating, name="ConductRating")
strawberry.enum(CalendarKind, name="SchoolCalendarKind")

# A child's record is read one school year at a time.
SchoolYearArgument = Annotated[
    str | None,
    strawberry.argument(description="e.g. 2026-2027; the school's current one by default."),
]


@strawberry.type(description="A fee of the current school year.")
class SchoolFee:
    name: str
    amount_vnd: int
    period: FeePeriod
    school_year: str


def fee_from(row: FeeRow, info: Info) -> SchoolFee:
    return SchoolFee(
        name=row.name.get(info.context.locale),
        amount_vnd=row.amount_vnd,
        period=row.period,
        school_year=row.school_year,
    )


@strawberry.type(description="Places offered at an entry grade in the current school year.")
class SchoolIntake:
    grade: int = strawberry.field(description="0: the kindergarten's or nursery's entry group.")
    places: int
    school_year: str


@strawberry.type(name="School", description="A school of any level; public.")
class SchoolNode(RowNode):
    row: strawberry.Private[SchoolRow]
    level: SchoolLevel
    ownership: Ownership
    address: str
    location: GeoPoint
    phone: str | None
    website: str | None
    grades: list[int] = strawberry.field(description="Grades taught (0: kindergarten groups).")
    programmes: list[str] = strawberry.field(
        description="Programme codes: standard, gifted, bilingual, international, …"
    )
    school_year: str = strawberry.field(description="The year fees and intake describe.")

    @classmethod
    def from_row(cls, row: SchoolRow) -> Self:
        place = row.place
        return cls(
            row=row,
            level=row.level,
            ownership=row.ownership,
            address=place.address,
            location=GeoPoint(latitude=place.latitude, longitude=place.longitude),
            phone=row.phone,
            website=row.website,
            grades=list(row.grades),
            programmes=list(row.programmes),
            school_year=row.current_year,
        )

    @strawberry.field(description="Name in the viewer's language.")
    def name(self, info: Info) -> str:
        return self.row.place.name.get(info.context.locale)

    @strawberry.field
    async def ward(self, info: Info) -> WardNode | None:
        return await node_from(
            PlacesLoaders.of(info).ward_by_id, self.row.place.ward_id, WardNode.from_row
        )

    @strawberry.field(description="Fees for the current school year, largest first.")
    async def fees(self, info: Info) -> list[SchoolFee]:
        found = await SchoolsLoaders.of(info).fees_by_school_id.load(self.row.id)
        return [fee_from(row, info) for row in found]

    @strawberry.field(description="Places per entry grade for the current school year.")
    async def intake(self, info: Info) -> list[SchoolIntake]:
        found: list[IntakeRow] = await SchoolsLoaders.of(info).intakes_by_school_id.load(
            self.row.id
        )
        return [
            SchoolIntake(grade=row.grade, places=row.places, school_year=row.school_year)
            for row in found
        ]

    @strawberry.field(description="Wards whose children the school admits (tuyến tuyển sinh).")
    async def admission_zone(self, info: Info) -> list[WardNode]:
        ward_ids = await SchoolsLoaders.of(info).zone_by_school_id.load(self.row.id)
        wards = await PlacesLoaders.of(info).ward_by_id.load_many(ward_ids)
        found = [WardNode.from_row(ward) for ward in wards if ward is not None]
        return sorted(found, key=lambda node: node.row.slug)

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(SchoolsLoaders.of(info).school_by_id, ids, cls.from_row)


@strawberry.type(description="A school in a search; the distance belongs to the search.")
class SchoolEdge(relay.Edge[SchoolNode]):
    distance_meters: float | None = strawberry.field(
        default=None, description="Metres from `near`, when the list was searched by distance."
    )


@strawberry.type
class SchoolConnection(relay.Connection[SchoolNode]):
    edges: list[SchoolEdge]  # type: ignore[assignment]  # a Connection of richer edges


@strawberry.type(name="SchoolClass", description="A homeroom class of a school year.")
class SchoolClass:
    id: relay.GlobalID
    name: str
    grade: int
    school_year: str
    room: str | None
    homeroom_teacher: str | None


def school_class_from(row: ClassRow) -> SchoolClass:
    return SchoolClass(
        id=relay.GlobalID("SchoolClass", str(row.id)),
        name=row.name,
        grade=row.grade,
        school_year=row.school_year,
        room=row.room,
        homeroom_teacher=row.homeroom_teacher,
    )


@strawberry.type(description="A subject, named in the viewer's language.")
class SchoolSubject:
    code: str
    name: str


async def subject_of(info: Info, code: str) -> SchoolSubject:
    name = await SchoolsLoaders.of(info).subject_by_code.load(code)
    return SchoolSubject(code=code, name=code if name is None else name.get(info.context.locale))


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@strawberry.type(description="A period of the class's weekly timetable (local times).")
class TimetablePeriod:
    row: strawberry.Private[PeriodRow]
    weekday: int = strawberry.field(description="ISO weekday: 1 Monday … 7 Sunday.")
    period: int
    session: DaySession
    starts_at: str = strawberry.field(description="Local time, HH:MM.")
    ends_at: str
    teacher: str | None

    @strawberry.field
    async def subject(self, info: Info) -> SchoolSubject:
        return await subject_of(info, self.row.subject_code)


@strawberry.type(description="Attendance for one session of a school day.")
class AttendanceRecord:
    day: date
    session: DaySession
    status: AttendanceStatus = strawberry.field(
        description="EXCUSED: vắng có phép; UNEXCUSED: vắng không phép."
    )
    note: str | None


@strawberry.type(name="SchoolTerm", description="A term of a school year.")
class SchoolTerm:
    id: relay.GlobalID
    name: str
    school_year: str
    starts_on: date
    ends_on: date


def term_from(row: TermRow, info: Info) -> SchoolTerm:
    return SchoolTerm(
        id=relay.GlobalID("SchoolTerm", str(row.id)),
        name=row.name.get(info.context.locale),
        school_year=row.school_year,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
    )


@strawberry.type(description="A score or a text assessment, with the teacher's comment.")
class Assessment:
    row: strawberry.Private[AssessmentRow]
    id: relay.GlobalID = strawberry.field(description="What `correctSchoolGrade` takes.")
    kind: AssessmentType = strawberry.field(
        description="ORAL (miệng), FIFTEEN_MINUTES (15 phút), ONE_PERIOD (1 tiết), MIDTERM, "
        "SEMESTER."
    )
    score: float | None = strawberry.field(description="Out of 10.")
    text_score: str | None
    comment: str | None
    assessed_on: date
    term_id: relay.GlobalID

    @strawberry.field
    async def subject(self, info: Info) -> SchoolSubject:
        return await subject_of(info, self.row.subject_code)


def assessment_from(row: AssessmentRow) -> Assessment:
    return Assessment(
        row=row,
        id=relay.GlobalID("Assessment", str(row.id)),
        kind=row.kind,
        score=row.score,
        text_score=row.text_score,
        comment=row.comment,
        assessed_on=row.assessed_on,
        term_id=relay.GlobalID("SchoolTerm", str(row.term_id)),
    )


@strawberry.type(description="Conduct (hạnh kiểm / rèn luyện) for a term.")
class ConductRecord:
    term_id: relay.GlobalID
    rating: ConductRating
    comment: str | None


@strawberry.type(description="A fee the student owes, and what was paid.")
class FeeCharge:
    name: str
    amount_vnd: int
    due_on: date
    paid_vnd: int
    paid_on: date | None
    outstanding_vnd: int


@strawberry.type(description="A holiday, an exam or an event on the school's calendar.")
class CalendarItem:
    kind: CalendarKind
    name: str
    starts_on: date
    ends_on: date
    grade: int | None = strawberry.field(description="Only this grade; null: everyone.")


@strawberry.type(
    name="SchoolStudent",
    description="A child as their school recorded them: only their linked parents, and their "
    "school's staff (every read logged), see it.",
)
class StudentNode(RowNode):
    row: strawberry.Private[StudentRow]
    identifier: str = strawberry.field(description="The 12-digit student identifier.")
    full_name: str
    date_of_birth: date
    grade: int

    @classmethod
    def from_row(cls, row: StudentRow) -> Self:
        return cls(
            row=row,
            identifier=row.identifier,
            full_name=row.full_name,
            date_of_birth=row.date_of_birth,
            grade=row.grade,
        )

    @strawberry.field
    async def school(self, info: Info) -> SchoolNode | None:
        return await node_from(
            SchoolsLoaders.of(info).school_by_id, self.row.school_id, SchoolNode.from_row
        )

    @strawberry.field(description="The homeroom class (lớp chủ nhiệm).")
    async def homeroom(self, info: Info) -> SchoolClass | None:
        if self.row.class_id is None:
            return None
        row = await SchoolsLoaders.of(info).class_by_id.load(self.row.class_id)
        return None if row is None else school_class_from(row)

    @strawberry.field(description="The class's weekly timetable, Monday first.")
    async def timetable(self, info: Info) -> list[TimetablePeriod]:
        if self.row.class_id is None:
            return []
        found = await SchoolsLoaders.of(info).timetable_by_class_id.load(self.row.class_id)
        return [
            TimetablePeriod(
                row=row,
                weekday=row.weekday,
                period=row.period,
                session=row.session,
                starts_at=_clock(row.starts_minute),
                ends_at=_clock(row.ends_minute),
                teacher=row.teacher,
            )
            for row in found
        ]

    @strawberry.field(
        description="Attendance by day and session, oldest first: `from`–`to` (local days, "
        "at most 62), the last 30 days by default."
    )
    async def attendance(
        self,
        info: Info,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
    ) -> list[AttendanceRecord]:
        first, last = records.attendance_range(from_, to, info.context.now())
        found = await SchoolsLoaders.of(info).attendance_by_range.load((self.row.id, first, last))
        return [
            AttendanceRecord(day=row.day, session=row.session, status=row.status, note=row.note)
            for row in found
        ]

    async def _year(self, info: Info, school_year: str | None) -> str:
        """The school year asked for, else the school's current one: a child's record is read
        a year at a time, so each of its lists stays within one year."""
        if school_year is not None:
            return classes.school_year(school_year, field="schoolYear")
        school = await SchoolsLoaders.of(info).school_by_id.load(self.row.school_id)
        return school.current_year if school is not None else ""

    @strawberry.field(description="The school's terms of a school year, earliest first.")
    async def terms(
        self,
        info: Info,
        school_year: SchoolYearArgument = None,
    ) -> list[SchoolTerm]:
        year = await self._year(info, school_year)
        found = await SchoolsLoaders.of(info).terms_by_school_year.load((self.row.school_id, year))
        return [term_from(row, info) for row in found]

    @strawberry.field(
        description="Scores of a school year by subject and assessment type; `term` keeps one "
        "term (of that year)."
    )
    async def assessments(
        self,
        info: Info,
        term: relay.GlobalID | None = None,
        school_year: SchoolYearArgument = None,
    ) -> list[Assessment]:
        term_id = None if term is None else decode_id(term, "SchoolTerm", field="term")
        year = await self._year(info, school_year)
        found = await SchoolsLoaders.of(info).assessments_by_student_year.load((self.row.id, year))
        return [assessment_from(row) for row in found if term_id is None or row.term_id == term_id]

    @strawberry.field(description="Conduct per term of a school year, earliest first.")
    async def conduct(
        self,
        info: Info,
        school_year: SchoolYearArgument = None,
    ) -> list[ConductRecord]:
        year = await self._year(info, school_year)
        found = await SchoolsLoaders.of(info).conduct_by_student_year.load((self.row.id, year))
        return [
            ConductRecord(
                term_id=relay.GlobalID("SchoolTerm", str(row.term_id)),
                rating=row.rating,
                comment=row.comment,
            )
            for row in found
        ]

    @strawberry.field(
        description="Fees due in a school year (1 August to 31 July), and any due before it not "
        "yet fully paid, by due date."
    )
    async def fees(
        self,
        info: Info,
        school_year: SchoolYearArgument = None,
    ) -> list[FeeCharge]:
        year = await self._year(info, school_year)
        found = await SchoolsLoaders.of(info).charges_by_student_year.load((self.row.id, year))
        return [
            FeeCharge(
                name=row.name.get(info.context.locale),
                amount_vnd=row.amount_vnd,
                due_on=row.due_on,
                paid_vnd=row.paid_vnd,
                paid_on=row.paid_on,
                outstanding_vnd=max(0, row.amount_vnd - row.paid_vnd),
            )
            for row in found
        ]

    @strawberry.field(
        description="Holidays, exams and events of the school for this grade in a school year "
        "(those starting from 1 August to 31 July)."
    )
    async def calendar(
        self,
        info: Info,
        school_year: SchoolYearArgument = None,
    ) -> list[CalendarItem]:
        year = await self._year(info, school_year)
        found = await SchoolsLoaders.of(info).calendar_by_school_year.load(
            (self.row.school_id, year)
        )
        return [
            CalendarItem(
                kind=row.kind,
                name=row.name.get(info.context.locale),
                starts_on=row.starts_on,
                ends_on=row.ends_on,
                grade=row.grade,
            )
            for row in found
            if row.grade is None or row.grade == self.row.grade
        ]

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        """Linked parents see their children; a school's staff its students, each read logged."""
        viewer = await info.context.viewer()
        if viewer is None:
            return [None] * len(ids)
        async with info.context.read() as session:
            rows = await reads.visible_students(session, viewer.id, ids)
            missing = [key for key in ids if key not in {row.id for row in rows}]
            staff_rows = await reads.students_for_staff(session, viewer.id, missing)
        if staff_rows:
            async with info.context.unit_of_work() as uow:
                await records.record_staff_reads(uow, viewer.id, staff_rows, info.context.now())
        found = {row.id: row for row in [*rows, *staff_rows]}
        return [cls.from_row(found[key]) if key in found else None for key in ids]


@strawberry.type(description="A link code for a guardian; shown this once, never stored.")
class SchoolLinkCode:
    code: str
    expires_at: datetime
    identifier: str
