"""Mutations of the schools domain: each parses input and runs one use case in a unit of work."""

from __future__ import annotations

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.schools.types import SchoolLinkCode, StudentNode
from backend.schools import links
from backend.schools.models import Student
from backend.schools.repository.rows import StudentRow


@strawberry.input
class LinkSchoolChildInput:
    identifier: str = strawberry.field(description="The child's 12-digit student identifier.")
    code: str = strawberry.field(description="The one-time link code the school gave you.")


@strawberry.input
class IssueSchoolLinkCodeInput:
    school_id: relay.GlobalID
    identifier: str = strawberry.field(description="The student's 12-digit identifier.")


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
