"""Permit applications: a business prepares one (draft), submits it; the agency's officers
review it, ask for more information, approve (a permit is issued) or reject; the business may
withdraw it while it is open. Every move is checked against the table below, kept in the
history and the audit trail, and pushed to every account acting for the business.

The agency's deadline counts its statutory working days from the (re)submission: a request for
information stops the clock and a resubmission starts it again, as for a dossier received
incomplete.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from backend.business import access, documents, notices, permits, workdays
from backend.business.access import Right
from backend.business.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    BusinessStatus,
    PermitType,
)
from backend.business.repository import applications as repository
from backend.business.repository import businesses as business_rows
from backend.business.repository import members as member_rows
from backend.business.text import checked_text
from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, NotFound
from backend.free_text import check_printable
from notifications.service import notify

MAX_FORM_FIELDS = 30
MAX_FORM_VALUE = 2000
MAX_NOTE = 1000
FIELD_NAME = re.compile(r"^[a-z][a-zA-Z0-9_]{0,39}$")

S = ApplicationStatus
OPEN = (S.SUBMITTED, S.IN_REVIEW, S.NEEDS_INFO, S.RESUBMITTED)


class Action(StrEnum):
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    REQUEST_INFO = "request_info"
    RESUBMIT = "resubmit"
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"


@dataclass(frozen=True, slots=True)
class Rule:
    sources: tuple[ApplicationStatus, ...]
    target: ApplicationStatus
    # The member right the move needs; None: an officer of the agency moves it.
    right: Right | None
    note_required: bool = False


RULES: dict[Action, Rule] = {
    Action.SUBMIT: Rule((S.DRAFT,), S.SUBMITTED, Right.APPLY),
    Action.START_REVIEW: Rule((S.SUBMITTED, S.RESUBMITTED), S.IN_REVIEW, None),
    Action.REQUEST_INFO: Rule(
        (S.SUBMITTED, S.RESUBMITTED, S.IN_REVIEW), S.NEEDS_INFO, None, note_required=True
    ),
    Action.RESUBMIT: Rule((S.NEEDS_INFO,), S.RESUBMITTED, Right.APPLY),
    Action.APPROVE: Rule((S.IN_REVIEW,), S.APPROVED, None),
    Action.REJECT: Rule((S.IN_REVIEW,), S.REJECTED, None, note_required=True),
    Action.WITHDRAW: Rule((S.DRAFT, *OPEN), S.WITHDRAWN, Right.MANAGE),
}


async def _require_active(
    session: AsyncSession, business_id: uuid.UUID, *, field: str = "input.applicationId"
) -> None:
    """Applications start and go to the agency only while the registry says the business is
    active."""
    business = await business_rows.business_shared(session, business_id)
    if business is None or business.status is not BusinessStatus.ACTIVE:
        raise Conflict("business.not_active", field=field)


def checked_form(
    values: Sequence[tuple[str, str]], permit_type: PermitType, *, complete: bool
) -> dict[str, str]:
    """The form as stored: only the type's fields, printable text of bounded length; with
    `complete`, every required field filled (what submitting needs)."""
    if len(values) > MAX_FORM_FIELDS:
        raise BadUserInput("input.list_size", field="input.form", max=MAX_FORM_FIELDS)
    known = {str(spec["name"]): bool(spec.get("required")) for spec in permit_type.form_fields}
    form: dict[str, str] = {}
    for index, (name, value) in enumerate(values):
        if not FIELD_NAME.match(name) or name not in known:
            raise BadUserInput("business.form_field_unknown", field=f"input.form[{index}].name")
        if name in form:
            raise BadUserInput("business.form_field_twice", field=f"input.form[{index}].name")
        text = check_printable(value, field=f"input.form[{index}].value").strip()
        if len(text) > MAX_FORM_VALUE:
            raise BadUserInput(
                "input.too_long", field=f"input.form[{index}].value", max=MAX_FORM_VALUE
            )
        if text:
            form[name] = text
    if complete:
        for name, required in known.items():
            if required and name not in form:
                raise BadUserInput("business.form_field_missing", field="input.form", name=name)
    return form


def _step(
    application_id: uuid.UUID,
    source: ApplicationStatus | None,
    target: ApplicationStatus,
    *,
    actor_id: uuid.UUID,
    note: str | None,
    now: datetime,
) -> ApplicationEvent:
    """One line of the history."""
    return ApplicationEvent(
        id=uuid.uuid4(),
        application_id=application_id,
        from_status=source,
        to_status=target,
        actor_id=actor_id,
        note=note,
        at=now,
    )


async def create(
    uow: UnitOfWork,
    *,
    user_id: uuid.UUID,
    business_id: uuid.UUID,
    permit_type_id: uuid.UUID,
    form: Sequence[tuple[str, str]],
    now: datetime,
) -> Application:
    """A draft application of an active business; nothing is pushed until it is submitted."""
    session = uow.session
    await access.require(session, business_id, user_id, Right.APPLY)
    await _require_active(session, business_id, field="input.businessId")
    permit_type = await repository.permit_type(session, permit_type_id)
    if permit_type is None:
        raise NotFound("business.permit_type_not_found", field="input.permitTypeId")
    application = Application(
        id=uuid.uuid4(),
        business_id=business_id,
        permit_type_id=permit_type.id,
        agency_id=permit_type.agency_id,
        status=S.DRAFT,
        created_by=user_id,
        form=checked_form(form, permit_type, complete=False),
        created_at=now,
        updated_at=now,
    )
    await repository.add(
        session,
        application,
        _step(application.id, None, S.DRAFT, actor_id=user_id, note=None, now=now),
    )
    await access.audit(
        session,
        "application.created",
        business_id=business_id,
        actor_id=user_id,
        now=now,
        application=application.id,
    )
    return application


async def move(
    uow: UnitOfWork,
    *,
    user_id: uuid.UUID,
    application_id: uuid.UUID,
    action: Action,
    note: str | None,
    form: Sequence[tuple[str, str]] | None,
    now: datetime,
) -> Application:
    """One step of the table `RULES`, by a member with the right it needs or by an officer of
    the handling agency. Anyone else is told the application does not exist."""
    session = uow.session
    rule = RULES[action]
    application = await repository.application_for_update(session, application_id)
    if application is None:
        raise NotFound("business.application_not_found", field="input.applicationId")
    if rule.right is None:
        if application.agency_id not in await access.officer_agencies(session, user_id):
            raise NotFound("business.application_not_found", field="input.applicationId")
    else:
        role = await access.member_role(session, application.business_id, user_id)
        if role is None:
            raise NotFound("business.application_not_found", field="input.applicationId")
        await access.require(session, application.business_id, user_id, rule.right)
    if application.status not in rule.sources:
        raise Conflict("business.status_transition", field="input.action")
    if action in (Action.SUBMIT, Action.RESUBMIT):
        # A suspended or dissolved business sends the agency nothing new; it may still withdraw.
        await _require_active(session, application.business_id)
    checked_note = checked_text(
        note, field="input.note", limit=MAX_NOTE, required=rule.note_required
    )
    permit_type = await repository.permit_type(session, application.permit_type_id)
    assert permit_type is not None
    values: dict[str, object] = {"status": rule.target, "updated_at": now}
    if form is not None:
        if rule.right is not Right.APPLY:
            raise BadUserInput("business.form_not_editable", field="input.form")
        values["form"] = checked_form(form, permit_type, complete=True)
    elif action in (Action.SUBMIT, Action.RESUBMIT):
        checked_form(list(application.form.items()), permit_type, complete=True)
    if action in (Action.SUBMIT, Action.RESUBMIT):
        await documents.require_complete(session, application, permit_type)
    if rule.right is None:
        values["officer_note"] = checked_note
    if rule.target in (S.SUBMITTED, S.RESUBMITTED):
        values["submitted_at"] = now
        values["due_at"] = workdays.due_at(now, permit_type.processing_days)
    elif rule.target is S.NEEDS_INFO:
        values["due_at"] = None
    elif rule.target in (S.APPROVED, S.REJECTED, S.WITHDRAWN):
        values["due_at"] = None
        values["decided_at"] = now
    previous = application.status
    if not await repository.transition(
        session, application.id, from_statuses=rule.sources, values=values
    ):
        raise Conflict("business.status_transition", field="input.action")
    await session.refresh(application)
    await repository.add(
        session,
        _step(application.id, previous, rule.target, actor_id=user_id, note=checked_note, now=now),
    )
    await access.audit(
        session,
        f"application.{rule.target.value}",
        business_id=application.business_id,
        actor_id=user_id,
        now=now,
        application=application.id,
    )
    if rule.target is S.APPROVED:
        await permits.issue(session, application, permit_type, now=now)
    members = await member_rows.active_members(session, [application.business_id])
    await notify(
        uow,
        user_ids=[member for member, _ in members.get(application.business_id, [])],
        message=notices.application_updated(application),
        now=now,
    )
    return application


def is_overdue(due_at: datetime | None, now: datetime) -> bool:
    return due_at is not None and due_at <= now


def due_day(due_at: datetime | None) -> date | None:
    """The last working day of the deadline, local (`due_at` is the midnight after it)."""
    if due_at is None:
        return None
    return workdays.local_day(due_at - timedelta(seconds=1))
