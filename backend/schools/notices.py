"""The pushes of the schools domain. They carry ids only, never a child's name or a teacher's
note: the app fetches those over an authenticated request."""

from __future__ import annotations

import uuid
from datetime import date

from backend.schools.models import NoticeKind, SchoolNotice
from notifications.messages import PushMessage, Text
from notifications.models import Category


def unexcused_absence(student_id: uuid.UUID, day: date) -> PushMessage:
    """A child was marked absent without leave: once per child and day, to linked parents."""
    return PushMessage(
        category=Category.SCHOOL,
        type="school_attendance.absent",
        title=Text.from_catalogue("school.push.absent.title"),
        body=Text.from_catalogue("school.push.absent.body", date=day.strftime("%d/%m/%Y")),
        deep_link=f"citizenhub://school-students/{student_id}",
        data={"studentId": str(student_id), "day": day.isoformat()},
        collapse_key=f"school-absence-{student_id.hex}-{day.isoformat()}",
        ttl="day",
    )


def notice_published(notice: SchoolNotice) -> PushMessage:
    """A new notice, titled as the school wrote it; a closure is urgent (quiet hours bypassed)."""
    body_key = f"school.push.notice.{notice.kind.value}"
    params = {"date": notice.due_on.strftime("%d/%m/%Y")} if notice.due_on else {}
    return PushMessage(
        category=Category.SCHOOL,
        type="school_notice.published",
        title=notice.title,
        body=Text.from_catalogue(body_key, **params),
        deep_link=f"citizenhub://school-notices/{notice.id}",
        data={"noticeId": str(notice.id), "kind": notice.kind.value.upper()},
        urgent=notice.kind is NoticeKind.CLOSURE,
        ttl="short" if notice.kind is NoticeKind.CLOSURE else "week",
    )


def notice_reminder(notice: SchoolNotice) -> PushMessage:
    return PushMessage(
        category=Category.SCHOOL,
        type="school_notice.reminder",
        title=notice.title,
        body=Text.from_catalogue("school.push.notice.reminder"),
        deep_link=f"citizenhub://school-notices/{notice.id}",
        data={"noticeId": str(notice.id)},
        collapse_key=f"school-notice-reminder-{notice.id.hex}",
        ttl="day",
    )
