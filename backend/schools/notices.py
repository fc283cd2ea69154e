"""The pushes of the schools domain. They carry ids only, never a child's name or a teacher's
note: the app fetches those over an authenticated request."""

from __future__ import annotations

import uuid
from datetime import date

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
