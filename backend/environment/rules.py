"""Threshold rules with hysteresis, evaluated on ingest.

A rule watches one datastream: its reading (`value`), or its station's hourly VN_AQI
(`vn_aqi_hourly`). It fires once when the value reaches the threshold and has stayed there for
the hold time, and gives the all-clear once the value falls below `threshold - hysteresis`, so
a level hovering at the threshold neither fires nor clears again and again. Transitions are
recorded and raise or clear an automatic public alert for the rule's wards (backend.alerts).
Readings older than the last one a rule saw are ignored: late data never flips a rule back."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from backend.alerts import automatic
from backend.db.unit_of_work import UnitOfWork
from backend.environment import reads
from backend.environment.models import (
    Datastream,
    Quality,
    RuleState,
    RuleTransition,
    ThresholdRule,
)
from backend.environment.repository.observations import Checked
from backend.i18n import Translated

VALUE = "value"
VN_AQI_HOURLY = "vn_aqi_hourly"
ALERT_RULE_PREFIX = "environment:"


@dataclass(frozen=True, slots=True)
class Step:
    state: RuleState
    since: datetime | None
    # The transition to record: FIRING (fired) or CLEAR (all-clear); None for none.
    transition: RuleState | None


def step(
    state: RuleState,
    since: datetime | None,
    *,
    value: float,
    at: datetime,
    threshold: float,
    hysteresis: float,
    hold: timedelta,
) -> Step:
    """The rule's next state after a value at `at` (pure)."""
    above = value >= threshold
    if state is RuleState.FIRING:
        if value < threshold - hysteresis:
            return Step(RuleState.CLEAR, None, RuleState.CLEAR)
        return Step(state, since, None)
    if not above:
        return Step(RuleState.CLEAR, None, None)
    started = since if state is RuleState.PENDING and since is not None else at
    if at - started >= hold:
        return Step(RuleState.FIRING, started, RuleState.FIRING)
    return Step(RuleState.PENDING, started, None)


async def evaluate(uow: UnitOfWork, rows: Sequence[Checked], now: datetime) -> int:
    """Run the rules of the datastreams in a stored batch; returns the transitions made."""
    session = uow.session
    stream_ids = {row.datastream_id for row in rows if row.quality is Quality.OK}
    if not stream_ids:
        return 0
    rules = list(
        await session.scalars(
            select(ThresholdRule)
            .where(ThresholdRule.datastream_id.in_(sorted(stream_ids)))
            .order_by(ThresholdRule.slug)
            .with_for_update()
        )
    )
    made = 0
    for rule in rules:
        for at, value in await _values(uow, rule, rows):
            if rule.last_time is not None and at <= rule.last_time:
                continue
            moved = step(
                rule.state,
                rule.since,
                value=value,
                at=at,
                threshold=rule.threshold,
                hysteresis=rule.hysteresis,
                hold=timedelta(minutes=rule.hold_minutes),
            )
            rule.state, rule.since, rule.last_time = moved.state, moved.since, at
            if moved.transition is not None:
                made += 1
                await _record(uow, rule, moved.transition, value, at, now)
    await session.flush()
    return made


async def _values(
    uow: UnitOfWork, rule: ThresholdRule, rows: Sequence[Checked]
) -> list[tuple[datetime, float]]:
    mine = sorted(
        (row.phenomenon_time, row.result)
        for row in rows
        if row.datastream_id == rule.datastream_id and row.quality is Quality.OK
    )
    if rule.metric != VN_AQI_HOURLY or not mine:
        return mine
    # One value per completed hour: an hour's index is taken once a reading of a later hour
    # arrived, so each hour is computed once rather than at every batch inside it.
    newest_hour = _hour(mine[-1][0])
    hours = sorted(
        {
            _hour(at)
            for at, _ in mine
            if _hour(at) < newest_hour and (rule.last_time is None or _hour(at) > rule.last_time)
        }
        | ({newest_hour - timedelta(hours=1)} if _due(rule, newest_hour) else set())
    )
    if not hours:
        return []
    station = await uow.session.scalar(
        select(Datastream.thing_id).where(Datastream.id == rule.datastream_id)
    )
    assert station is not None
    found = []
    for hour in hours:
        index = await reads.hourly_index_at(uow.session, station, hour)
        if index is not None:
            found.append((hour, float(index[0].value)))
    return found


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _due(rule: ThresholdRule, newest_hour: datetime) -> bool:
    """The hour before the newest is complete and not yet evaluated."""
    previous = newest_hour - timedelta(hours=1)
    return rule.last_time is None or previous > rule.last_time


async def _record(
    uow: UnitOfWork,
    rule: ThresholdRule,
    transition: RuleState,
    value: float,
    at: datetime,
    now: datetime,
) -> None:
    uow.session.add(
        RuleTransition(id=uuid.uuid4(), rule_id=rule.id, to_state=transition, value=value, at=at)
    )
    name = f"{ALERT_RULE_PREFIX}{rule.slug}"
    if transition is RuleState.CLEAR:
        await automatic.clear_automatic(uow, rule=name, now=now)
        return
    local = (at + timedelta(hours=7)).strftime("%H:%M %d/%m/%Y")
    shown = f"{value:g}"
    await automatic.raise_automatic(
        uow,
        rule=name,
        wards=rule.ward_codes,
        event=rule.title,
        severity=automatic.Severity(rule.severity),
        urgency=automatic.Urgency.IMMEDIATE,
        certainty=automatic.Certainty.OBSERVED,
        headline=rule.title,
        description=Translated.of(
            f"Giá trị đo được {shown} lúc {local}, vượt ngưỡng {rule.threshold:g}.",
            f"Measured {shown} at {local}, past the threshold of {rule.threshold:g}.",
        ),
        instruction=rule.instruction,
        now=now,
        issue=rule.auto_issue,
        response_type=automatic.ResponseType.PREPARE,
    )
