"""Mutations of the schools domain: each parses input and runs one use case in a unit of work."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from backend.errors import BadUserInput
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.schools.types import SchoolLinkCode, StudentNode
from backend.schools import attendance, enrolment, links
from backend.schools.models import AttendanceStatus, DaySession, Student
from backend.schools.repository.rows import StudentRow


@strawberry.input(description="One student's attendance for the session.")
class AttendanceMarkInput:
    student_id: relay.GlobalID
    status: AttendanceStatus
    note: str | None = None


@strawberry.input
class RecordSchoolAttendanceInput:
    class_id: relay.GlobalID
    day: date = strawberry.field(description="The local school day.")
    session: DaySession
    entries: list[AttendanceMarkInput] = strawberry.field(description="At most 60.")


@strawberry.type
class RecordedAttendance:
    recorded: int
    parents_alerted: int = strawberry.field(
        description="Parents pushed about an unexcused absence (once per child and day)."
    )


@strawberry.input(description="A student the school records, in one of its classes.")
class EnrolSchoolStudentInput:
    class_id: relay.GlobalID
    identifier: str = strawberry.field(description="The 12-digit student identifier.")
    full_name: str
    date_of_birth: date
    guardian_phones: list[str] = strawberry.field(
        description="1 to 4 phones: only accounts with one of them can link to the child."
    )


@strawberry.input
class LinkSchoolChildInput:
    identifier: str = strawberry.field(description="The child's 12-digit student identifier.")
    code: str = strawberry.field(description="The one-time link code the school gave you.")


@strawberry.input
class IssueSchoolLinkCodeInput:
    school_id: relay.GlobalID
    identifier: str = strawberry.field(description="The student's 12-digit identifier.")


@strawberry.input
class ApproveSchoolLinkInput:
    school_id: relay.GlobalID
    identifier: str = strawberry.field(description="The student's 12-digit identifier.")
    parent_phone: str = strawberry.field(
        description="The phone of a guardian the school recorded (the account must hold it, "
        "verified)."
    )


@strawberry.input
class RevokeSchoolLinkInput:
    school_id: relay.GlobalID
    identifier: str = strawberry.field(description="The student's 12-digit identifier.")
    parent_phone: str = strawberry.field(description="The phone of the linked parent's account.")


def _student(row: Student) -> StudentNode:
    return StudentNode.from_row(
        StudentRow(
            id=row.id,
            school_id=row.school_id,
            identifier=row.identifier,
            full_name=row.full_name,
            date_of_birth=row.date_of_birth,
            grade=row.grade,
            class_id=row.class_id,
        )
    )


@strawberry.type
class SchoolsMutation:
    @strawberry.mutation(
        description="Parents: link your child with their identifier and the school's one-time "
        "code; only a guardian whose phone the school recorded can link."
    )
    async def link_school_child(
        self, info: Info, input: LinkSchoolChildInput
    ) -> StudentNode | None:
        viewer = await info.context.require_verified_viewer()
        async with info.context.unit_of_work() as uow:
            student = await links.link_child(
                uow,
                parent=viewer,
                identifier=input.identifier,
                code=input.code,
                now=info.context.now(),
            )
        return _student(student)

    @strawberry.mutation(
        description="School staff: a new one-time link code for a student (earlier codes stop "
        "working); valid 14 days."
    )
    async def issue_school_link_code(
        self, info: Info, input: IssueSchoolLinkCodeInput
    ) -> SchoolLinkCode | None:
        viewer = await info.context.require_viewer()
        school_id = decode_id(input.school_id, "School", field="input.schoolId")
        async with info.context.unit_of_work() as uow:
            issued = await links.issue_code(
                uow,
                staff_id=viewer.id,
                school_id=school_id,
                identifier=input.identifier,
                now=info.context.now(),
            )
        return SchoolLinkCode(
            code=issued.code, expires_at=issued.expires_at, identifier=issued.student.identifier
        )

    @strawberry.mutation(
        description="Teachers (their classes) and school administrators: record or correct a "
        "session's attendance; an unexcused absence is pushed to the parents once that day."
    )
    async def record_school_attendance(
        self, info: Info, input: RecordSchoolAttendanceInput
    ) -> RecordedAttendance | None:
        viewer = await info.context.require_viewer()
        class_id = decode_id(input.class_id, "SchoolClass", field="input.classId")
        if len(input.entries) > attendance.MAX_ENTRIES:
            raise BadUserInput("input.too_long", field="input.entries", max=attendance.MAX_ENTRIES)
        marks = [
            attendance.Mark(
                student_id=decode_id(entry.student_id, "SchoolStudent", field="input.entries"),
                status=entry.status,
                note=entry.note,
            )
            for entry in input.entries
        ]
        async with info.context.unit_of_work() as uow:
            alerted = await attendance.record(
                uow,
                teacher_id=viewer.id,
                class_id=class_id,
                day=input.day,
                day_session=input.session,
                marks=marks,
                now=info.context.now(),
            )
        return RecordedAttendance(recorded=len(marks), parents_alerted=alerted)

    @strawberry.mutation(description="School administrators: record a student in a class.")
    async def enrol_school_student(
        self, info: Info, input: EnrolSchoolStudentInput
    ) -> SchoolLinkCode | None:
        viewer = await info.context.require_viewer()
        class_id = decode_id(input.class_id, "SchoolClass", field="input.classId")
        if len(input.guardian_phones) > enrolment.MAX_GUARDIANS:
            raise BadUserInput(
                "input.too_long", field="input.guardianPhones", max=enrolment.MAX_GUARDIANS
            )
        async with info.context.unit_of_work() as uow:
            student = await enrolment.enrol(
                uow,
                staff_id=viewer.id,
                class_id=class_id,
                identifier=input.identifier,
                full_name=input.full_name,
                date_of_birth=input.date_of_birth,
                guardian_phones=input.guardian_phones,
                now=info.context.now(),
            )
            issued = await links.issue_code(
                uow,
                staff_id=viewer.id,
                school_id=student.school_id,
                identifier=student.identifier,
                now=info.context.now(),
            )
        return SchoolLinkCode(
            code=issued.code, expires_at=issued.expires_at, identifier=student.identifier
        )

    @strawberry.mutation(
        description="School staff (administrators, or a teacher of the child's class): link a "
        "recorded guardian's account to the child without a code, on the school's approval."
    )
    async def approve_school_link(self, info: Info, input: ApproveSchoolLinkInput) -> bool | None:
        viewer = await info.context.require_viewer()
        school_id = decode_id(input.school_id, "School", field="input.schoolId")
        async with info.context.unit_of_work() as uow:
            await links.approve_link(
                uow,
                staff_id=viewer.id,
                school_id=school_id,
                identifier=input.identifier,
                parent_phone=input.parent_phone,
                now=info.context.now(),
            )
        return True

    @strawberry.mutation(description="School staff: end a parent's link to a student.")
    async def revoke_school_link(self, info: Info, input: RevokeSchoolLinkInput) -> bool | None:
        viewer = await info.context.require_viewer()
        school_id = decode_id(input.school_id, "School", field="input.schoolId")
        async with info.context.unit_of_work() as uow:
            await links.revoke_link(
                uow,
                staff_id=viewer.id,
                school_id=school_id,
                identifier=input.identifier,
                parent_phone=input.parent_phone,
                now=info.context.now(),
            )
        return True
