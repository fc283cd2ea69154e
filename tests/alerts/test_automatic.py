"""Alerts raised by threshold rules: one alert in force per rule, updates instead of duplicates,
an all-clear that cancels what was issued."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from backend.alerts.automatic import clear_automatic, raise_automatic
from backend.alerts.errors import AlertInvalid
from backend.alerts.models import Certainty, MsgType, ResponseType, Severity, Stage, Urgency
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.i18n import Translated
from tests.alerts.conftest import DESCRIPTION, FLOOD, HEADLINE, INSTRUCTION, Tasks, alert_row

RULE = "gauge:kim-long:alarm-2"


async def _raise(api: Any, tasks: Tasks, *, issue: bool, **changes: Any) -> Any:
    values: dict[str, Any] = {
        "wards": ["kim-long", "thuan-hoa"],
        "event": FLOOD,
        "severity": Severity.SEVERE,
        "urgency": Urgency.EXPECTED,
        "certainty": Certainty.LIKELY,
        "headline": HEADLINE,
        "description": DESCRIPTION,
        "instruction": INSTRUCTION,
        **changes,
    }
    async with UnitOfWork(api.sessions, tasks) as uow:
        return await raise_automatic(uow, rule=RULE, now=utcnow(), issue=issue, **values)


async def test_a_rule_raised_again_updates_its_alert_instead_of_duplicating(seeded: Any) -> None:
    tasks = Tasks()
    first = await _raise(seeded, tasks, issue=True)
    again = await _raise(seeded, tasks, issue=True)
    assert again == first
    assert tasks.sent == [("alerts.deliver", [str(first)])]  # once: nothing new to say

    worse = await _raise(seeded, tasks, issue=True, severity=Severity.EXTREME)

    assert worse != first
    update, original = await alert_row(seeded, worse), await alert_row(seeded, first)
    assert (update.msg_type, update.references_id, update.stage) == (
        MsgType.UPDATE,
        first,
        Stage.ISSUED,
    )
    assert original.stage is Stage.SUPERSEDED
    assert update.areas[0]["wards"] == ["kim-long", "thuan-hoa"]
    assert tasks.sent[-1] == ("alerts.deliver", [str(worse)])


async def test_the_all_clear_cancels_the_alert_in_force(seeded: Any) -> None:
    tasks = Tasks()
    issued = await _raise(seeded, tasks, issue=True)

    async with UnitOfWork(seeded.sessions, tasks) as uow:
        cleared = await clear_automatic(uow, rule=RULE, now=utcnow() + timedelta(hours=1))

    assert cleared is not None
    cancel = await alert_row(seeded, cleared)
    assert (cancel.msg_type, cancel.references_id, cancel.response_type) == (
        MsgType.CANCEL,
        issued,
        ResponseType.ALL_CLEAR,
    )
    assert cancel.headline.en == "All clear: Flood on the Huong River"
    assert (await alert_row(seeded, issued)).stage is Stage.CANCELLED
    async with UnitOfWork(seeded.sessions, tasks) as uow:
        assert await clear_automatic(uow, rule=RULE, now=utcnow()) is None  # nothing in force
    fresh = await _raise(seeded, tasks, issue=True)  # the level rises again: a new Alert
    assert (await alert_row(seeded, fresh)).msg_type is MsgType.ALERT


async def test_a_draft_is_edited_in_place_and_cleared_by_discarding(seeded: Any) -> None:
    tasks = Tasks()
    draft = await _raise(seeded, tasks, issue=False)
    edited = await _raise(seeded, tasks, issue=False, urgency=Urgency.IMMEDIATE)

    assert edited == draft
    row = await alert_row(seeded, draft)
    assert (row.stage, row.urgency, row.sent) == (Stage.DRAFT, Urgency.IMMEDIATE, None)
    async with UnitOfWork(seeded.sessions, tasks) as uow:
        assert await clear_automatic(uow, rule=RULE, now=utcnow()) is None
    assert (await alert_row(seeded, draft)).stage is Stage.DISCARDED
    assert tasks.sent == []


async def test_texts_need_english_and_the_refusal_changes_nothing(seeded: Any) -> None:
    tasks = Tasks()
    with pytest.raises(AlertInvalid) as refused:
        await _raise(seeded, tasks, issue=True, headline=Translated.of("Chỉ tiếng Việt"))
    assert refused.value.extensions() == {
        "code": "BAD_USER_INPUT",
        "field": "headline",
        "reason": "alerts.text_required",
    }
    async with UnitOfWork(seeded.sessions, tasks) as uow:
        assert await clear_automatic(uow, rule=RULE, now=utcnow()) is None
    assert tasks.sent == []
