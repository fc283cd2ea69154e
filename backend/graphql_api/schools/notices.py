"""GraphQL of school notices: what parents read and answer, what the publisher sees."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Self

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import RowNode, decode_id, node_from
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.schools.loaders import SchoolsLoaders
from backend.graphql_api.schools.types import StudentNode
from backend.identity.models import User
from backend.schools import announcements, reads
from backend.schools.models import NoticeAnswer, NoticeAudience, NoticeKind, NoticeRecipient
from backend.schools.repository.notices import NoticeRow, RecipientRow

strawberry.enum(NoticeAudience, name="SchoolNoticeAudience")
strawberry.enum(
    NoticeKind,
    name="SchoolNoticeKind",
    description="ANNOUNCEMENT; ACKNOWLEDGEMENT (confirm reading); CONSENT (yes or no by "
    "`dueOn`); CLOSURE (an unexpected closure, pushed as urgent).",
)
strawberry.enum(NoticeAnswer, name="SchoolNoticeAnswer")


@strawberry.type(description="One of your children a notice reached, and your family's answer.")
class NoticeChild:
    row: strawberry.Private[RecipientRow]
    answer: NoticeAnswer | None
    answered_at: datetime | None

    @strawberry.field
    async def student(self, info: Info) -> StudentNode | None:
        loader = SchoolsLoaders.of(info).student_by_id
        return await node_from(loader, self.row.student_id, StudentNode.from_row)


@strawberry.type(name="SchoolNotice", description="A notice from a school; its families see it.")
class NoticeNode(RowNode):
    row: strawberry.Private[NoticeRow]
    kind: NoticeKind
    audience: NoticeAudience
    grade: int | None
    due_on: date | None
    published_at: datetime
    urgent: bool

    @classmethod
    def from_row(cls, row: NoticeRow) -> Self:
        return cls(
            row=row,
            kind=row.kind,
            audience=row.audience,
            grade=row.grade,
            due_on=row.due_on,
            published_at=row.published_at,
            urgent=row.kind is NoticeKind.CLOSURE,
        )

    @strawberry.field
    def title(self, info: Info) -> str:
        return self.row.title.get(info.context.locale)

    @strawberry.field
    def body(self, info: Info) -> str:
        return self.row.body.get(info.context.locale)

    @strawberry.field(description="Your children it reached, with your answers.")
    async def children(self, info: Info) -> list[NoticeChild]:
        viewer = await info.context.require_viewer()
        loader = SchoolsLoaders.of(info).recipients_by_viewer_and_notice
        found = await loader.load((viewer.id, self.row.id))
        return [NoticeChild(row=r, answer=r.answer, answered_at=r.answered_at) for r in found]

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        viewer = await info.context.viewer()
        if viewer is None:
            return [None] * len(ids)
        async with info.context.read() as session:
            rows = await reads.notices_for_parent_by_ids(session, viewer.id, ids)
        found = {row.id: row for row in rows}
        return [cls.from_row(found[key]) if key in found else None for key in ids]


@strawberry.type(description="A student a notice reached, for the publisher.")
class NoticeResponse:
    student_id: relay.GlobalID
    full_name: str
    answer: NoticeAnswer | None
    answered_at: datetime | None


@strawberry.type
class NoticeResponseEdge:
    node: NoticeResponse
    cursor: str


@strawberry.type
class NoticeResponseConnection:
    edges: list[NoticeResponseEdge]
    page_info: relay.PageInfo
    answered: int
    waiting: int


@strawberry.type(description="A published notice: how many students and parents it reached.")
class PublishedNotice:
    notice_id: relay.GlobalID
    students: int
    parents_notified: int


NOTICES_BY_TIME = Keyset("schools.notices.published", datetime)
RESPONSES_BY_NAME = Keyset("schools.notice_responses.name", str)


@strawberry.type
class NoticeQuery:
    @strawberry.field(
        description="The notice's publisher and the school's administrators: each student it "
        "reached with the family's answer (null: none yet), by name, and the counts."
    )
    async def school_notice_responses(
        self,
        info: Info,
        notice_id: relay.GlobalID,
        first: int | None = None,
        after: str | None = None,
    ) -> NoticeResponseConnection:
        viewer = await info.context.require_viewer()
        notice = decode_id(notice_id, "SchoolNotice", field="noticeId")
        page = RESPONSES_BY_NAME.page(first, after)
        async with info.context.read() as session:
            rows, (answered, waiting) = await reads.notice_responses(
                session, viewer.id, notice, after=page.after, limit=page.limit
            )
        edges = [
            NoticeResponseEdge(
                node=NoticeResponse(
                    student_id=relay.GlobalID("SchoolStudent", str(row.student_id)),
                    full_name=row.full_name,
                    answer=row.answer,
                    answered_at=row.answered_at,
                ),
                cursor=RESPONSES_BY_NAME.encode(row.full_name, row.student_id),
            )
            for row in rows[: page.size]
        ]
        return NoticeResponseConnection(
            edges=edges,
            page_info=page.page_info(rows, edges),  # type: ignore[arg-type]
            answered=answered,
            waiting=waiting,
        )


@strawberry.type
class NoticeViewerFields:
    row: strawberry.Private[User]

    @strawberry.field(description="Notices your children's schools sent, newest first.")
    async def school_notices(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[NoticeNode]:
        page = NOTICES_BY_TIME.page(first, after)
        async with info.context.read() as session:
            rows = await reads.notices_for_parent(
                session, self.row.id, after=page.after, limit=page.limit
            )
        return page.connection(
            rows, node=NoticeNode.from_row, key=lambda row: (row.published_at, row.id)
        )


@strawberry.input(description="A notice to the families of a school, a grade or a class.")
class PublishSchoolNoticeInput:
    school_id: relay.GlobalID
    audience: NoticeAudience
    kind: NoticeKind
    title_vi: str
    body_vi: str
    title_en: str | None = None
    body_en: str | None = None
    grade: int | None = strawberry.field(default=None, description="For a GRADE audience.")
    class_id: relay.GlobalID | None = strawberry.field(
        default=None, description="For a CLASS audience."
    )
    due_on: date | None = strawberry.field(default=None, description="Required for CONSENT.")


@strawberry.input
class AnswerSchoolNoticeInput:
    notice_id: relay.GlobalID
    student_id: relay.GlobalID


@strawberry.input
class AnswerSchoolConsentInput:
    notice_id: relay.GlobalID
    student_id: relay.GlobalID
    consent: bool


@strawberry.input
class RemindSchoolNoticeInput:
    notice_id: relay.GlobalID


def _child(row: NoticeRecipient) -> NoticeChild:
    found = RecipientRow(
        notice_id=row.notice_id,
        student_id=row.student_id,
        answer=row.answer,
        answered_at=row.answered_at,
    )
    return NoticeChild(row=found, answer=found.answer, answered_at=found.answered_at)


@strawberry.type
class NoticeMutation:
    @strawberry.mutation(
        description="School staff: publish a notice; teachers to their classes, "
        "administrators to a grade or the whole school. Parents are pushed once each."
    )
    async def publish_school_notice(
        self, info: Info, input: PublishSchoolNoticeInput
    ) -> PublishedNotice | None:
        viewer = await info.context.require_viewer()
        draft = announcements.Draft(
            school_id=decode_id(input.school_id, "School", field="input.schoolId"),
            audience=input.audience,
            grade=input.grade,
            class_id=None
            if input.class_id is None
            else decode_id(input.class_id, "SchoolClass", field="input.classId"),
            kind=input.kind,
            title_vi=input.title_vi,
            title_en=input.title_en,
            body_vi=input.body_vi,
            body_en=input.body_en,
            due_on=input.due_on,
        )
        async with info.context.unit_of_work() as uow:
            done = await announcements.publish(
                uow, staff_id=viewer.id, draft=draft, now=info.context.now()
            )
        return PublishedNotice(
            notice_id=relay.GlobalID("SchoolNotice", str(done.notice.id)),
            students=done.students,
            parents_notified=done.parents,
        )

    @strawberry.mutation(description="Parents: confirm you have read a notice, for one child.")
    async def acknowledge_school_notice(
        self, info: Info, input: AnswerSchoolNoticeInput
    ) -> NoticeChild | None:
        return await _answer(info, input.notice_id, input.student_id, None)

    @strawberry.mutation(description="Parents: answer a consent form for one child, once.")
    async def answer_school_consent(
        self, info: Info, input: AnswerSchoolConsentInput
    ) -> NoticeChild | None:
        return await _answer(info, input.notice_id, input.student_id, input.consent)

    @strawberry.mutation(
        description="The publisher or an administrator: remind the parents who have not "
        "answered, once; answers how many were pushed."
    )
    async def remind_school_notice(self, info: Info, input: RemindSchoolNoticeInput) -> int | None:
        viewer = await info.context.require_viewer()
        notice = decode_id(input.notice_id, "SchoolNotice", field="input.noticeId")
        async with info.context.unit_of_work() as uow:
            return await announcements.remind(
                uow, staff_id=viewer.id, notice_id=notice, now=info.context.now()
            )


async def _answer(
    info: Info, notice_id: relay.GlobalID, student_id: relay.GlobalID, consent: bool | None
) -> NoticeChild:
    viewer = await info.context.require_viewer()
    notice = decode_id(notice_id, "SchoolNotice", field="input.noticeId")
    student = decode_id(student_id, "SchoolStudent", field="input.studentId")
    async with info.context.unit_of_work() as uow:
        row = await announcements.answer(
            uow,
            parent=viewer,
            notice_id=notice,
            student_id=student,
            consent=consent,
            now=info.context.now(),
        )
    return _child(row)
