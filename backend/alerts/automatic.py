"""Alerts raised by threshold rules (river gauges, air quality): the entry point other domains
call, by rule name, without knowing how alerts are stored or delivered.

A rule has at most one alert in force. Raising it again while its alert is a draft edits the
draft; while it is issued, an Update referencing it is created (and issued when `issue`), and
nothing at all happens when the content is unchanged. Clearing issues a Cancel with an all-clear
text, or discards a draft nobody issued.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from backend.alerts import lifecycle, repository
from backend.alerts.areas import Area
from backend.alerts.content import AlertContent
from backend.alerts.errors import AlertInvalid
from backend.alerts.models import (
    Alert,
    Category,
    Certainty,
    MsgType,
    ResponseType,
    Scope,
    Severity,
    Stage,
    Status,
    Urgency,
)
from backend.db.unit_of_work import UnitOfWork
from backend.i18n import Translated

MAX_RULE = 128
ALL_CLEAR_DESCRIPTION = Translated.of(
    "Các chỉ số đã trở lại dưới ngưỡng cảnh báo.",
    "Readings are back below the warning threshold.",
)
ALL_CLEAR_INSTRUCTION = Translated.of(
    "Tiếp tục theo dõi thông tin từ chính quyền địa phương.",
    "Keep following information from the local authorities.",
)

__all__ = [
    "Category",
    "Certainty",
    "ResponseType",
    "Severity",
    "Translated",
    "Urgency",
    "clear_automatic",
    "raise_automatic",
]


def _check_rule(rule: str) -> None:
    if not rule or len(rule) > MAX_RULE:
        raise AlertInvalid("alerts.rule_invalid", field="rule", max=MAX_RULE)


async def raise_automatic(
    uow: UnitOfWork,
    *,
    rule: str,
    wards: Sequence[str],
    event: Translated,
    severity: Severity,
    urgency: Urgency,
    certainty: Certainty,
    headline: Translated,
    description: Translated,
    instruction: Translated,
    now: datetime,
    issue: bool,
    category: Category = Category.ENV,
    response_type: ResponseType = ResponseType.MONITOR,
    area_description: Translated | None = None,
    expires: datetime | None = None,
) -> uuid.UUID:
    """Raise (or refresh) rule `rule`'s alert for `wards` (ward slugs); return the alert's id.

    `issue=False` leaves a draft for an operator to approve; `issue=True` issues at once.
    Texts need Vietnamese and English. Flushes; the caller's unit of work commits.
    """
    _check_rule(rule)
    content = AlertContent(
        status=Status.ACTUAL,
        scope=Scope.PUBLIC,
        category=category,
        event=event,
        urgency=urgency,
        severity=severity,
        certainty=certainty,
        response_type=response_type,
        headline=headline,
        description=description,
        instruction=instruction,
        areas=[Area(description=area_description or event, wards=tuple(dict.fromkeys(wards)))],
        onset=now,
        expires=expires,
    )
    current = await repository.rule_alert_for_update(uow.session, rule)
    if current is not None and current.stage in (Stage.DRAFT, Stage.APPROVED):
        if _same(current, content):
            if issue:
                await lifecycle.issue(uow, current, actor=None, alone=True, now=now)
            return current.id
        await lifecycle.edit(uow, current, content, actor=None, now=now)
        if issue:
            await lifecycle.issue(uow, current, actor=None, alone=True, now=now)
        return current.id
    if current is not None and _same(current, content):
        return current.id  # issued and unchanged: nothing new to say
    alert = await lifecycle.create(
        uow,
        content,
        msg_type=MsgType.UPDATE if current is not None else MsgType.ALERT,
        references=current,
        actor=None,
        rule=rule,
        now=now,
    )
    if issue:
        await lifecycle.issue(uow, alert, actor=None, alone=True, now=now)
    return alert.id


async def clear_automatic(uow: UnitOfWork, *, rule: str, now: datetime) -> uuid.UUID | None:
    """The all-clear for `rule`: issue a Cancel of its issued alert (returned), or discard its
    unissued draft (None). Nothing in force: None."""
    _check_rule(rule)
    current = await repository.rule_alert_for_update(uow.session, rule)
    if current is None:
        return None
    if current.stage is not Stage.ISSUED:
        # An Update draft of an issued alert: drop the draft, then cancel what is issued.
        await lifecycle.discard(uow, current, actor=None, now=now)
        if current.references_id is None:
            return None
        found = await repository.alert_for_update(uow.session, current.references_id)
        if found is None or found.stage is not Stage.ISSUED:
            return None
        current = found
    cancel = AlertContent(
        status=current.status,
        scope=current.scope,
        category=current.category,
        event=current.event,
        urgency=Urgency.PAST,
        severity=Severity.MINOR,
        certainty=Certainty.OBSERVED,
        response_type=ResponseType.ALL_CLEAR,
        headline=Translated.of(
            f"Dỡ bỏ cảnh báo: {current.event.vi}", f"All clear: {current.event.en}"
        ),
        description=ALL_CLEAR_DESCRIPTION,
        instruction=ALL_CLEAR_INSTRUCTION,
        areas=[Area.from_json(area) for area in current.areas],
        onset=now,
    )
    alert = await lifecycle.create(
        uow, cancel, msg_type=MsgType.CANCEL, references=current, actor=None, rule=rule, now=now
    )
    await lifecycle.issue(uow, alert, actor=None, alone=True, now=now)
    return alert.id


def _same(alert: Alert, content: AlertContent) -> bool:
    return (
        alert.event == content.event
        and alert.severity is content.severity
        and alert.urgency is content.urgency
        and alert.certainty is content.certainty
        and alert.category is content.category
        and alert.response_type is content.response_type
        and alert.headline == content.headline
        and alert.description == content.description
        and alert.instruction == content.instruction
        and alert.expires == content.expires
        and alert.areas == [area.as_json() for area in content.areas]
    )
