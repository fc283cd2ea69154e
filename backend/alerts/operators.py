"""Alerts issued by people: civil-defence operators draft, a second operator approves, then any
operator issues. Only an Extreme and Immediate alert may be issued by one operator alone, and
that is written to the audit trail as such. Updates and Cancels of issued alerts are new drafts
that reference them and follow the same rules."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.alerts import content as content_rules
from backend.alerts import lifecycle, repository
from backend.alerts.content import AlertContent
from backend.alerts.errors import AlertConflict, AlertForbidden, AlertInvalid, AlertNotFound
from backend.alerts.models import Alert, AlertAction, MsgType, Severity, Stage, Urgency
from backend.db.unit_of_work import UnitOfWork
from backend.identity import service as identity
from backend.identity.models import Role
from backend.places.service import ward_exists


async def is_operator(session: AsyncSession, user_id: uuid.UUID | None) -> bool:
    if user_id is None:
        return False
    assignments = (await identity.roles_of(session, [user_id]))[user_id]
    return any(a.role is Role.CIVIL_DEFENCE_OPERATOR for a in assignments)


async def require_operator(session: AsyncSession, user_id: uuid.UUID) -> None:
    if not await is_operator(session, user_id):
        raise AlertForbidden("alerts.not_operator")


def may_issue_alone(alert: Alert) -> bool:
    """A threat to life right now cannot wait for a second operator."""
    return alert.severity is Severity.EXTREME and alert.urgency is Urgency.IMMEDIATE


async def _known_wards(uow: UnitOfWork, content: AlertContent) -> None:
    for area in content.areas:
        for ward in area.wards:
            if not await ward_exists(uow.session, ward):
                raise AlertInvalid("alerts.ward_unknown", field="areas")


async def _alert(uow: UnitOfWork, alert_id: uuid.UUID) -> Alert:
    found = await repository.alert_for_update(uow.session, alert_id)
    if found is None:
        raise AlertNotFound("alerts.not_found", field="id")
    return found


async def draft(
    uow: UnitOfWork, operator: uuid.UUID, content: AlertContent, now: datetime
) -> Alert:
    await require_operator(uow.session, operator)
    await _known_wards(uow, content)
    return await lifecycle.create(
        uow, content, msg_type=MsgType.ALERT, references=None, actor=operator, rule=None, now=now
    )


async def edit(
    uow: UnitOfWork, operator: uuid.UUID, alert_id: uuid.UUID, content: AlertContent, now: datetime
) -> Alert:
    await require_operator(uow.session, operator)
    alert = await _alert(uow, alert_id)
    await _known_wards(uow, content)
    await lifecycle.edit(uow, alert, content, actor=operator, now=now)
    return alert


async def approve(
    uow: UnitOfWork, operator: uuid.UUID, alert_id: uuid.UUID, now: datetime
) -> Alert:
    """A second operator's approval; the drafter's own does not count."""
    await require_operator(uow.session, operator)
    alert = await _alert(uow, alert_id)
    if alert.stage is Stage.APPROVED:
        raise AlertConflict("alerts.already_approved", field="id")
    if alert.stage is not Stage.DRAFT:
        raise AlertConflict("alerts.not_a_draft", field="id")
    if alert.drafted_by == operator:
        raise AlertForbidden("alerts.same_operator", field="id")
    alert.stage = Stage.APPROVED
    alert.approved_by = operator
    alert.updated_at = now
    await lifecycle.audit(uow, alert.id, AlertAction.APPROVED, actor=operator, now=now)
    return alert


async def issue(uow: UnitOfWork, operator: uuid.UUID, alert_id: uuid.UUID, now: datetime) -> Alert:
    await require_operator(uow.session, operator)
    alert = await _alert(uow, alert_id)
    alone = alert.stage is Stage.DRAFT
    if alone and not may_issue_alone(alert):
        raise AlertConflict("alerts.approval_required", field="id")
    await lifecycle.issue(uow, alert, actor=operator, alone=alone, now=now)
    return alert


async def _replacement(
    uow: UnitOfWork,
    operator: uuid.UUID,
    alert_id: uuid.UUID,
    content: AlertContent,
    msg_type: MsgType,
    now: datetime,
) -> Alert:
    await require_operator(uow.session, operator)
    original = await _alert(uow, alert_id)
    await _known_wards(uow, content)
    return await lifecycle.create(
        uow,
        content,
        msg_type=msg_type,
        references=original,
        actor=operator,
        rule=original.rule,
        now=now,
    )


async def update(
    uow: UnitOfWork, operator: uuid.UUID, alert_id: uuid.UUID, content: AlertContent, now: datetime
) -> Alert:
    """A draft Update of an issued alert; issued, it supersedes the original."""
    return await _replacement(uow, operator, alert_id, content, MsgType.UPDATE, now)


async def cancel(
    uow: UnitOfWork,
    operator: uuid.UUID,
    alert_id: uuid.UUID,
    content: AlertContent | None,
    now: datetime,
) -> Alert:
    """A draft Cancel of an issued alert, saying the original's content unless told otherwise."""
    await require_operator(uow.session, operator)
    original = await _alert(uow, alert_id)
    said = content or content_rules.of(original)
    return await _replacement(uow, operator, alert_id, said, MsgType.CANCEL, now)


async def discard(
    uow: UnitOfWork, operator: uuid.UUID, alert_id: uuid.UUID, now: datetime
) -> Alert:
    await require_operator(uow.session, operator)
    alert = await _alert(uow, alert_id)
    await lifecycle.discard(uow, alert, actor=operator, now=now)
    return alert
