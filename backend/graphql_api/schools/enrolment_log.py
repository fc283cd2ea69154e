"""GraphQL of the log of staff reads of enrolment applications, for school administrators."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.pagination import Keyset
from backend.schools.admissions import read_log
from backend.schools.admissions.read_log import LoggedRead

READS = Keyset("schools.enrolment_reads", datetime)


@strawberry.type(description="A staff member's read of an enrolment application.")
class SchoolEnrolmentRead:
    application_id: relay.GlobalID
    staff_name: str
    staff_phone: str | None
    at: datetime

    @classmethod
    def from_row(cls, row: LoggedRead) -> SchoolEnrolmentRead:
        return cls(
            application_id=relay.GlobalID("SchoolEnrolmentApplication", str(row.application_id)),
            staff_name=row.staff_name,
            staff_phone=row.staff_phone,
            at=row.at,
        )


@strawberry.type
class SchoolEnrolmentReadEdge:
    node: SchoolEnrolmentRead
    cursor: str


@strawberry.type
class SchoolEnrolmentReadConnection:
    edges: list[SchoolEnrolmentReadEdge]
    page_info: relay.PageInfo


@strawberry.type
class EnrolmentLogQuery:
    @strawberry.field(
        description="School administrators: who of the staff read which application and when, "
        "newest first; `applicationId` keeps one application."
    )
    async def school_enrolment_reads(
        self,
        info: Info,
        school_id: relay.GlobalID,
        application_id: relay.GlobalID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> SchoolEnrolmentReadConnection:
        viewer = await info.context.require_viewer()
        school = decode_id(school_id, "School", field="schoolId")
        application = (
            None
            if application_id is None
            else decode_id(application_id, "SchoolEnrolmentApplication", field="applicationId")
        )
        page = READS.page(first, after)
        async with info.context.read() as session:
            rows = await read_log.reads_of_school(
                session,
                viewer.id,
                school,
                application_id=application,
                after=page.after,
                limit=page.limit,
            )
        edges = [
            SchoolEnrolmentReadEdge(
                node=SchoolEnrolmentRead.from_row(row), cursor=READS.encode(row.at, row.id)
            )
            for row in rows[: page.size]
        ]
        return SchoolEnrolmentReadConnection(
            edges=edges,
            page_info=page.page_info(rows, edges),  # type: ignore[arg-type]
        )
