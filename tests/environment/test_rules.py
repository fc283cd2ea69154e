"""Threshold rules: fire once on crossing, all-clear below the threshold minus the hysteresis,
hold times; through the gauge's own batches and the public alerts they raise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from backend.environment.models import RuleState, RuleTransition, ThresholdRule
from backend.environment.rules import step
from backend.seed.demo import stable_id
from tests.environment.conftest import KIM_LONG, OPERATIONS, issue_key, post
from tests.support.graphql import data

T0 = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Public answers are cached for seconds; these tests read alerts right after a change."""
    return {"PUBLIC_ANSWER_TTL_SECONDS": 0}


KIM_LONG_RULE = "Sông Hương tại Kim Long vượt báo động II"


def run(values: list[float], *, hold: timedelta = timedelta(0)) -> list[RuleState | None]:
    state, since = RuleState.CLEAR, None
    transitions = []
    for i, value in enumerate(values):
        moved = step(
            state,
            since,
            value=value,
            at=T0 + timedelta(hours=i),
            threshold=2.0,
            hysteresis=0.2,
            hold=hold,
        )
        state, since = moved.state, moved.since
        transitions.append(moved.transition)
    return transitions


def test_a_rule_fires_once_and_clears_below_the_hysteresis_band() -> None:
    fired, cleared = RuleState.FIRING, RuleState.CLEAR
    assert run([1.5, 2.0, 2.5, 1.9, 2.1, 1.81, 1.79, 1.9, 2.0]) == [
        None, fired, None, None, None, None, cleared, None, fired,
    ]  # fmt: skip


def test_a_hold_time_needs_the_value_to_stay_above() -> None:
    fired = RuleState.FIRING
    hold = timedelta(hours=1)
    assert run([2.1, 1.9, 2.1, 2.2, 2.3], hold=hold) == [None, None, None, fired, None]


async def active_rule_alerts(api: Any) -> list[dict[str, Any]]:
    answer = await api(OPERATIONS["Alerts"], {"active": True}, language="vi")
    edges = data(answer)["alerts"]["edges"]
    return [e["node"] for e in edges if e["node"]["event"] == KIM_LONG_RULE]


async def transitions(api: Any) -> list[tuple[RuleState, float]]:
    rule_id = stable_id("env-rule", "kim-long-alarm-2")
    async with api.sessions() as session:
        found = await session.execute(
            select(RuleTransition.to_state, RuleTransition.value)
            .where(RuleTransition.rule_id == rule_id)
            .order_by(RuleTransition.at)
        )
        return [(row[0], row[1]) for row in found]


async def test_kim_long_past_alarm_ii_raises_one_alert_and_then_the_all_clear(
    seeded: Any,
) -> None:
    key = await issue_key(seeded, KIM_LONG)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=50)

    async def level(minutes: int, value: float) -> None:
        moment = (start + timedelta(minutes=minutes)).isoformat()
        rows = [{"datastream": 7, "phenomenonTime": moment, "result": value}]
        assert (await post(seeded, key, rows)).json()["accepted"] == 1

    assert await active_rule_alerts(seeded) == []
    await level(0, 2.1)
    raised = await active_rule_alerts(seeded)
    assert len(raised) == 1
    assert raised[0]["severity"] == "SEVERE"
    assert raised[0]["areas"][0]["wards"] == ["kim-long", "thuan-hoa", "phu-hoi", "vinh-ninh"]
    assert "2.1" in raised[0]["description"]

    await level(10, 1.9)  # inside the hysteresis band: still in force
    await level(20, 2.6)  # still above: no second alert
    assert [a["id"] for a in await active_rule_alerts(seeded)] == [raised[0]["id"]]

    await level(30, 1.7)
    assert await active_rule_alerts(seeded) == []
    assert await transitions(seeded) == [(RuleState.FIRING, 2.1), (RuleState.CLEAR, 1.7)]

    # A late reading above the threshold does not flip the rule back.
    await level(-30, 3.0)
    assert await active_rule_alerts(seeded) == []
    async with seeded.sessions() as session:
        rule = await session.get(ThresholdRule, stable_id("env-rule", "kim-long-alarm-2"))
    assert rule is not None
    assert rule.state is RuleState.CLEAR


async def test_a_haze_fires_the_air_quality_rule_once_per_completed_hour_as_a_draft(
    seeded: Any,
) -> None:
    key = await issue_key(seeded, "KK-TTH01")
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    rows = [
        {
            "datastream": 1,
            "phenomenonTime": (hour - timedelta(hours=h, minutes=30)).isoformat(),
            "result": 900.0,
        }
        for h in (4, 3, 2, 1)
    ]
    assert (await post(seeded, key, rows)).json()["accepted"] == 4
    rule_id = stable_id("env-rule", "hue-aqi-150")
    async with seeded.sessions() as session:
        found = await session.execute(
            select(RuleTransition.to_state, RuleTransition.at).where(
                RuleTransition.rule_id == rule_id
            )
        )
        moved = [(row[0], row[1]) for row in found]
        rule = await session.get(ThresholdRule, rule_id)
    # Readings at −4:30 … −1:30. The hours starting −5 and −4 are above 150: fired at the
    # second; −3 is still firing; −2, the newest hour, is not complete yet.
    assert moved == [(RuleState.FIRING, hour - timedelta(hours=4))]
    assert rule is not None
    assert rule.state is RuleState.FIRING
    assert rule.last_time == hour - timedelta(hours=3)
    # Left as a draft for an operator: nothing public yet.
    answer = await seeded(OPERATIONS["Alerts"], {"active": True}, language="en")
    events = [e["node"]["event"] for e in data(answer)["alerts"]["edges"]]
    assert "Huế air quality bad (VN_AQI above 150)" not in events
