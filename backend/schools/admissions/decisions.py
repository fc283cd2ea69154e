"""A school's side of enrolment: its administrators move each application a step, with a
reason for every refusal; each step is kept in the history and pushed to the parent. Admission
takes a place under the database's own guard, and a place not confirmed in time is given back."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, Forbidden, NotFound
from backend.schools import access
from backend.schools.admissions import pushes, repository
from backend.schools.admissions.models import EnrolmentApplication, EnrolmentStatus
from backend.schools.models import StaffRole
from backend.schools.repository import staff as staff_rows
from notifications.service import notify

MAX_REASON = 500
EXPIRE_BATCH = 200


class Decision(StrEnum):
    REQUEST_CORRECTION = "request_correction"
    VERIFY = "verify"
    ADMIT = "admit"
    WAITLIST = "waitlist"
    REJECT = "reject"


S = EnrolmentStatus
# Each decision: the states it applies to and the state it leads to.
STEPS: dict[Decision, tuple[tuple[EnrolmentStatus, ...], EnrolmentStatus]] = {
    Decision.REQUEST_CORRECTION: ((S.SUBMITTED, S.CORRECTED), S.CORRECTION_REQUESTED),
    Decision.VERIFY: ((S.SUBMITTED, S.CORRECTED), S.VERIFIED),
    Decision.ADMIT: ((S.VERIFIED, S.WAITLISTED), S.ADMITTED),
    Decision.WAITLIST: ((S.VERIFIED,), S.WAITLISTED),
    Decision.REJECT: ((S.SUBMITTED, S.CORRECTED, S.VERIFIED, S.WAITLISTED), S.REJECTED),
}
NEEDS_REASON = (Decision.REQUEST_CORRECTION, Decision.REJECT)


async def decide(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    application_id: uuid.UUID,
    decision: Decision,
    reason: str | None,
    now: datetime,
) -> EnrolmentApplication:
    session = uow.session
    cleaned = " ".join((reason or "").split()) or None
    if decision in NEEDS_REASON and cleaned is None:
        raise BadUserInput("school.enrolment_reason_required", field="input.reason")
    if cleaned is not None and len(cleaned) > MAX_REASON:
        raise BadUserInput("input.too_long", field="input.reason", max=MAX_REASON)
    application = await repository.application_for_update(session, application_id)
    if application is None or application.status is EnrolmentStatus.DRAFT:
        raise NotFound("school.enrolment_not_found", field="input.applicationId")
    await access.require_staff(session, staff_id, application.school_id)
    if await staff_rows.staff_role(session, application.school_id, staff_id) is not (
        StaffRole.ADMINISTRATOR
    ):
        raise Forbidden("school.administrators_only", field="input.applicationId")
    sources, target = STEPS[decision]
    if application.status not in sources or not await repository.claim_status(
        session, application.id, application.status, target
    ):
        raise Conflict("school.enrolment_wrong_state", field="input.applicationId")
    if decision is Decision.ADMIT and not await repository.take_place(
        session, application.round_id, application.school_id
    ):
        raise Conflict("school.enrolment_full", field="input.applicationId")
    application.status, application.updated_at = target, now
    application.reason = cleaned
    repository.add_event(session, application, actor_id=staff_id, now=now)
    await session.flush()
    await notify(
        uow, user_ids=[application.parent_id], message=pushes.status_changed(application), now=now
    )
    return application


async def expire_unconfirmed(uow: UnitOfWork, *, now: datetime) -> int:
    """Admitted children not confirmed by the round's deadline lose the place, which goes back
    to the school's count; their parents are told."""
    session = uow.session
    late = await repository.unconfirmed_past_deadline(session, now, EXPIRE_BATCH)
    for application in late:
        await repository.give_back_place(session, application.round_id, application.school_id)
        application.status, application.reason, application.updated_at = S.EXPIRED, None, now
        repository.add_event(session, application, actor_id=None, now=now)
        await notify(
            uow,
            user_ids=[application.parent_id],
            message=pushes.status_changed(application),
            now=now,
        )
    await session.flush()
    return len(late)
