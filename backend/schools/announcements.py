"""Notices from a school to the families of a school, a grade or a class: announcements,
acknowledgement requests, consent forms (yes or no by a due date) and unexpected closures
(urgent). Parents are pushed once each, in their language, with an inbox entry; each child's
answer counts once; the publisher sees who has answered and may remind the others once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, Forbidden, NotFound
from backend.i18n import Translated
from backend.identity.models import User
from backend.schools import access, notices
from backend.schools.models import (
    NoticeAnswer,
    NoticeAudience,
    NoticeKind,
    NoticeRecipient,
    SchoolNotice,
    StaffRole,
)
from backend.schools.records import local_day
from backend.schools.repository import links as link_rows
from backend.schools.repository import notices as rows
from backend.schools.repository import staff as staff_rows
from notifications.service import notify

MAX_TITLE = 150
MAX_BODY = 4000


@dataclass(frozen=True, slots=True)
class Published:
    notice: SchoolNotice
    students: int
    parents: int


@dataclass(frozen=True, slots=True)
class Draft:
    school_id: uuid.UUID
    audience: NoticeAudience
    grade: int | None
    class_id: uuid.UUID | None
    kind: NoticeKind
    title_vi: str
    title_en: str | None
    body_vi: str
    body_en: str | None
    due_on: date | None


def _text(value: str | None, *, field: str, limit: int, required: bool) -> str | None:
    cleaned = None if value is None else value.strip()
    if not cleaned:
        if required:
            raise BadUserInput("input.required", field=field)
        return None
    if len(cleaned) > limit:
        raise BadUserInput("input.too_long", field=field, max=limit)
    return cleaned


async def _may_address(uow: UnitOfWork, user_id: uuid.UUID, draft: Draft) -> None:
    """Teachers address their classes; a grade or the whole school takes an administrator."""
    session = uow.session
    if draft.audience is NoticeAudience.CLASS:
        if draft.class_id is None:
            raise BadUserInput("input.required", field="input.classId")
        found = await access.require_class(session, user_id, draft.class_id, field="input.classId")
        if found.school_id != draft.school_id:
            raise BadUserInput("school.not_in_class", field="input.classId")
        return
    if draft.audience is NoticeAudience.GRADE and not (
        draft.grade is not None and 0 <= draft.grade <= 12
    ):
        raise BadUserInput("school.grade_invalid", field="input.grade")
    await access.require_staff(session, user_id, draft.school_id)
    if (
        await staff_rows.staff_role(session, draft.school_id, user_id)
        is not StaffRole.ADMINISTRATOR
    ):
        raise Forbidden("school.administrators_only", field="input.audience")


async def publish(
    uow: UnitOfWork, *, staff_id: uuid.UUID, draft: Draft, now: datetime
) -> Published:
    title_vi = _text(draft.title_vi, field="input.titleVi", limit=MAX_TITLE, required=True)
    body_vi = _text(draft.body_vi, field="input.bodyVi", limit=MAX_BODY, required=True)
    title_en = _text(draft.title_en, field="input.titleEn", limit=MAX_TITLE, required=False)
    body_en = _text(draft.body_en, field="input.bodyEn", limit=MAX_BODY, required=False)
    assert title_vi is not None
    assert body_vi is not None
    if draft.kind is NoticeKind.CONSENT:
        if draft.due_on is None:
            raise BadUserInput("input.required", field="input.dueOn")
        if draft.due_on < local_day(now):
            raise BadUserInput("school.due_in_past", field="input.dueOn")
    await _may_address(uow, staff_id, draft)
    session = uow.session
    notice = SchoolNotice(
        id=uuid.uuid4(),
        school_id=draft.school_id,
        audience=draft.audience,
        grade=draft.grade if draft.audience is NoticeAudience.GRADE else None,
        class_id=draft.class_id if draft.audience is NoticeAudience.CLASS else None,
        kind=draft.kind,
        title=Translated.of(title_vi, title_en),
        body=Translated.of(body_vi, body_en),
        due_on=draft.due_on if draft.kind is NoticeKind.CONSENT else None,
        published_by=staff_id,
        published_at=now,
        created_at=now,
    )
    link_rows.add(session, notice)
    await session.flush()
    students = await rows.audience_students(
        session, draft.school_id, draft.audience, notice.grade, notice.class_id
    )
    link_rows.add(session, *(NoticeRecipient(notice_id=notice.id, student_id=s) for s in students))
    parents = sorted(
        {
            user
            for users in (await staff_rows.parents_of(session, students)).values()
            for user in users
        }
    )
    if parents:
        await notify(uow, user_ids=parents, message=notices.notice_published(notice), now=now)
    await session.flush()
    return Published(notice=notice, students=len(students), parents=len(parents))


async def answer(
    uow: UnitOfWork,
    *,
    parent: User,
    notice_id: uuid.UUID,
    student_id: uuid.UUID,
    consent: bool | None,
    now: datetime,
) -> NoticeRecipient:
    """A linked parent's acknowledgement (`consent` None) or yes/no for one child; once."""
    session = uow.session
    found = await rows.notice_by_id(session, notice_id)
    linked = await link_rows.linked_students(session, parent.id, [student_id])
    recipient = None
    if found is not None and linked:
        recipient = await rows.recipient_for_update(session, notice_id, student_id)
    if found is None or recipient is None:
        raise NotFound("school.notice_not_found", field="input.noticeId")
    if consent is None:
        if found.kind is not NoticeKind.ACKNOWLEDGEMENT:
            raise Conflict("school.notice_not_acknowledgeable", field="input.noticeId")
        value = NoticeAnswer.ACKNOWLEDGED
    else:
        if found.kind is not NoticeKind.CONSENT:
            raise Conflict("school.notice_not_consent", field="input.noticeId")
        if found.due_on is not None and local_day(now) > found.due_on:
            raise Conflict("school.consent_closed", field="input.noticeId")
        value = NoticeAnswer.YES if consent else NoticeAnswer.NO
    if recipient.answer is not None or not await rows.record_answer(
        session, notice_id, student_id, answer=value, by=parent.id, at=now
    ):
        raise Conflict("school.already_answered", field="input.studentId")
    await session.refresh(recipient)
    return recipient


async def _require_publisher(uow: UnitOfWork, staff_id: uuid.UUID, notice: SchoolNotice) -> None:
    await access.require_publisher(
        uow.session,
        staff_id,
        school_id=notice.school_id,
        published_by=notice.published_by,
        class_id=notice.class_id,
    )


async def remind(
    uow: UnitOfWork, *, staff_id: uuid.UUID, notice_id: uuid.UUID, now: datetime
) -> int:
    """Push the parents of children whose family has not answered; once per notice."""
    session = uow.session
    notice = await rows.notice_for_update(session, notice_id)
    if notice is None:
        raise NotFound("school.notice_not_found", field="input.noticeId")
    await _require_publisher(uow, staff_id, notice)
    if notice.kind not in (NoticeKind.ACKNOWLEDGEMENT, NoticeKind.CONSENT):
        raise Conflict("school.notice_needs_no_answer", field="input.noticeId")
    if notice.reminded_at is not None or not await rows.claim_reminder(session, notice.id, now):
        raise Conflict("school.already_reminded", field="input.noticeId")
    waiting = await rows.unanswered(session, notice_id)
    parents = sorted(
        {
            user
            for users in (await staff_rows.parents_of(session, waiting)).values()
            for user in users
        }
    )
    if parents:
        await notify(uow, user_ids=parents, message=notices.notice_reminder(notice), now=now)
    await session.flush()
    return len(parents)
