"""Steps every alert goes through, whoever drives it (an operator or a threshold rule): create,
edit, issue (replacing what it references), discard, each with its audit row."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from backend.alerts import content as content_rules
from backend.alerts import repository
from backend.alerts.content import AlertContent
from backend.alerts.errors import AlertConflict
from backend.alerts.models import Alert, AlertAction, AlertEvent, MsgType, Stage
from backend.db.unit_of_work import UnitOfWork
from backend.i18n import Translated

DELIVER_TASK = "alerts.deliver"
SENDER = "pctt@hue.gov.vn"
SENDER_NAME = Translated.of(
    "Ban Chỉ huy Phòng thủ dân sự thành phố Huế", "Huế City Civil Defence Command"
)


def identifier_for(alert_id: uuid.UUID) -> str:
    """A CAP identifier: unique for this sender, no spaces, commas, '<' or '&'."""
    return f"vn-hue-{alert_id.hex}"


async def audit(
    uow: UnitOfWork,
    alert_id: uuid.UUID,
    action: AlertAction,
    *,
    actor: uuid.UUID | None,
    now: datetime,
    **detail: Any,
) -> None:
    await repository.add_event(
        uow.session,
        AlertEvent(
            id=uuid.uuid4(),
            alert_id=alert_id,
            actor_id=actor,
            action=action,
            detail=detail,
            created_at=now,
        ),
    )


async def create(
    uow: UnitOfWork,
    content: AlertContent,
    *,
    msg_type: MsgType,
    references: Alert | None,
    actor: uuid.UUID | None,
    rule: str | None,
    now: datetime,
) -> Alert:
    """A new draft (an Alert, or an Update/Cancel of an issued alert)."""
    content_rules.checked(content)
    if references is not None and references.stage is not Stage.ISSUED:
        raise AlertConflict("alerts.reference_not_in_force", field="id")
    alert_id = uuid.uuid4()
    alert = Alert(
        id=alert_id,
        identifier=identifier_for(alert_id),
        sender=SENDER,
        sender_name=SENDER_NAME,
        msg_type=msg_type,
        references_id=references.id if references else None,
        stage=Stage.DRAFT,
        rule=rule,
        drafted_by=actor,
        created_at=now,
        updated_at=now,
    )
    content_rules.apply(alert, content)
    await repository.add_alert(uow.session, alert)
    await audit(
        uow, alert.id, AlertAction.DRAFTED, actor=actor, now=now, msg_type=msg_type.value, rule=rule
    )
    return alert


async def edit(
    uow: UnitOfWork, alert: Alert, content: AlertContent, *, actor: uuid.UUID | None, now: datetime
) -> None:
    """Change a draft; an approved alert that changes needs approving again."""
    if alert.stage not in (Stage.DRAFT, Stage.APPROVED):
        raise AlertConflict("alerts.not_a_draft", field="id")
    content_rules.checked(content)
    content_rules.apply(alert, content)
    alert.stage = Stage.DRAFT
    alert.approved_by = None
    alert.updated_at = now
    await audit(uow, alert.id, AlertAction.EDITED, actor=actor, now=now)


async def issue(
    uow: UnitOfWork, alert: Alert, *, actor: uuid.UUID | None, alone: bool, now: datetime
) -> None:
    """Send it: stamp `sent`, retire the alert it references, deliver after commit."""
    if alert.stage not in (Stage.DRAFT, Stage.APPROVED):
        raise AlertConflict("alerts.already_issued", field="id")
    if alert.references_id is not None:
        previous = await repository.alert_for_update(uow.session, alert.references_id)
        if previous is None or previous.stage is not Stage.ISSUED:
            raise AlertConflict("alerts.reference_not_in_force", field="id")
        previous.stage = Stage.CANCELLED if alert.msg_type is MsgType.CANCEL else Stage.SUPERSEDED
        previous.updated_at = now
    alert.stage = Stage.ISSUED
    alert.sent = now
    alert.issued_by = actor
    alert.updated_at = now
    action = AlertAction.ISSUED_ALONE if alone else AlertAction.ISSUED
    await audit(uow, alert.id, action, actor=actor, now=now, status=alert.status.value)
    uow.enqueue(DELIVER_TASK, str(alert.id))


async def discard(uow: UnitOfWork, alert: Alert, *, actor: uuid.UUID | None, now: datetime) -> None:
    if alert.stage not in (Stage.DRAFT, Stage.APPROVED):
        raise AlertConflict("alerts.not_a_draft", field="id")
    alert.stage = Stage.DISCARDED
    alert.updated_at = now
    await audit(uow, alert.id, AlertAction.DISCARDED, actor=actor, now=now)
