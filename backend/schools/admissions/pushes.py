"""The push to a parent when the school moves their application: ids and the new state only,
never the child's name or the school's reason (the app fetches those)."""

from __future__ import annotations

from backend.schools.admissions.models import EnrolmentApplication
from notifications.messages import PushMessage, Text
from notifications.models import Category


def status_changed(application: EnrolmentApplication) -> PushMessage:
    return PushMessage(
        category=Category.SCHOOL,
        type="school_enrolment.updated",
        title=Text.from_catalogue("school.push.enrolment.title"),
        body=Text.from_catalogue(f"school.push.enrolment.{application.status.value}"),
        deep_link=f"citizenhub://school-enrolments/{application.id}",
        data={"applicationId": str(application.id), "status": application.status.value.upper()},
        collapse_key=f"school-enrolment-{application.id.hex}",
        ttl="week",
    )
