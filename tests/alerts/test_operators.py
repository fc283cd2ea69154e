"""Alerts issued by people: a second operator approves before issue, Extreme + Immediate may be
issued alone (and is logged so), every refusal has a code and a reason and changes nothing,
updates and cancels reference what they replace."""

from __future__ import annotations

import json
from typing import Any

from backend.alerts.models import Stage
from backend.seed.demo import stable_id
from tests.alerts.conftest import (
    OPERATOR,
    RESIDENT,
    SECOND_OPERATOR,
    alert_input,
    alert_row,
    events,
    gid,
    ok,
    send,
    token_of,
    uuid_of,
)
from tests.support.graphql import only_error


def _user(phone: str) -> Any:
    return stable_id("user", f"+84{phone[1:]}")


def _refusal(body: dict[str, Any]) -> tuple[str, str]:
    error = only_error(body)
    return error["extensions"]["code"], error["extensions"].get("reason", "")


async def test_a_second_operator_approves_before_issue(seeded: Any) -> None:
    first, second = await token_of(seeded, OPERATOR), await token_of(seeded, SECOND_OPERATOR)
    drafted = (await ok(seeded, "DraftAlert", {"input": alert_input()}, token=first))["draftAlert"]
    assert (drafted["stage"], drafted["sent"], drafted["msgType"]) == ("DRAFT", None, "ALERT")
    shape = json.loads(drafted["areas"][0]["geojson"])
    assert shape["features"][0]["geometry"]["coordinates"][0][0] == [107.56, 16.463]
    alert_id = uuid_of(drafted["id"])

    own = await send(seeded, "ApproveAlert", {"id": drafted["id"]}, token=first)
    early = await send(seeded, "IssueAlert", {"id": drafted["id"]}, token=second)

    assert _refusal(own) == ("FORBIDDEN", "alerts.same_operator")
    assert only_error(own)["message"] == "Người soạn thảo không thể tự phê duyệt cảnh báo của mình."
    assert _refusal(early) == ("CONFLICT", "alerts.approval_required")
    assert (await alert_row(seeded, alert_id)).stage is Stage.DRAFT  # nothing changed

    approved = await ok(seeded, "ApproveAlert", {"id": drafted["id"]}, token=second)
    again = await send(seeded, "ApproveAlert", {"id": drafted["id"]}, token=second)
    issued = (await ok(seeded, "IssueAlert", {"id": drafted["id"]}, token=first))["issueAlert"]

    assert approved["approveAlert"]["stage"] == "APPROVED"
    assert _refusal(again) == ("CONFLICT", "alerts.already_approved")
    assert issued["stage"] == "ISSUED"
    assert issued["sent"] is not None
    assert await events(seeded, alert_id) == [
        ("drafted", _user(OPERATOR)),
        ("approved", _user(SECOND_OPERATOR)),
        ("issued", _user(OPERATOR)),
    ]
    twice = await send(seeded, "IssueAlert", {"id": drafted["id"]}, token=first)
    assert _refusal(twice) == ("CONFLICT", "alerts.already_issued")


async def test_extreme_and_immediate_may_be_issued_alone_and_is_logged_so(seeded: Any) -> None:
    first = await token_of(seeded, OPERATOR)
    urgent = alert_input(severity="EXTREME", urgency="IMMEDIATE", responseType="EVACUATE")
    drafted = (await ok(seeded, "DraftAlert", {"input": urgent}, token=first))["draftAlert"]

    issued = (await ok(seeded, "IssueAlert", {"id": drafted["id"]}, token=first))["issueAlert"]

    assert issued["stage"] == "ISSUED"
    assert await events(seeded, uuid_of(drafted["id"])) == [
        ("drafted", _user(OPERATOR)),
        ("issued_alone", _user(OPERATOR)),
    ]


async def test_only_operators_draft_and_bad_input_is_refused(seeded: Any) -> None:
    resident, first = await token_of(seeded, RESIDENT), await token_of(seeded, OPERATOR)
    open_ring = alert_input()
    open_ring["areas"][0]["polygons"][0].pop()
    unknown_ward = alert_input(
        areas=[{"description": {"vi": "X", "en": "X"}, "wards": ["khong-co"]}]
    )
    english_missing = alert_input(headline={"vi": "Cảnh báo", "en": " "})

    assert _refusal(await send(seeded, "DraftAlert", {"input": alert_input()}, token=resident)) == (
        "FORBIDDEN",
        "alerts.not_operator",
    )
    anonymous = await send(seeded, "DraftAlert", {"input": alert_input()})
    assert only_error(anonymous)["extensions"]["code"] == "UNAUTHENTICATED"
    refused = [
        only_error(await send(seeded, "DraftAlert", {"input": value}, token=first))["extensions"]
        for value in (open_ring, unknown_ward, english_missing)
    ]
    assert [(e["code"], e["reason"], e["field"]) for e in refused] == [
        ("BAD_USER_INPUT", "alerts.polygon_open", "input.areas"),
        ("BAD_USER_INPUT", "alerts.ward_unknown", "input.areas"),
        ("BAD_USER_INPUT", "alerts.text_required", "input.headline"),
    ]
    listed = await ok(seeded, "OperatorAlerts", {"stages": ["DRAFT"]}, token=first)
    assert listed["operatorAlerts"]["edges"] == []  # nothing was written
    assert _refusal(await send(seeded, "OperatorAlerts", {}, token=resident)) == (
        "FORBIDDEN",
        "alerts.not_operator",
    )


async def test_an_update_and_a_cancel_reference_what_they_replace(seeded: Any) -> None:
    first, second = await token_of(seeded, OPERATOR), await token_of(seeded, SECOND_OPERATOR)
    flood = gid(stable_id("alert", "flood-huong"))

    worse = alert_input(severity="EXTREME", headline={"vi": "Lũ lớn", "en": "Major flood"})
    update = (await ok(seeded, "UpdateAlert", {"id": flood, "input": worse}, token=first))[
        "updateAlert"
    ]
    assert (update["msgType"], update["referencesId"], update["stage"]) == (
        "UPDATE",
        flood,
        "DRAFT",
    )
    public = (await ok(seeded, "Alerts", {}))["alerts"]["edges"]
    assert [edge["node"]["id"] for edge in public] == [flood]  # the draft changes nothing yet

    await ok(seeded, "ApproveAlert", {"id": update["id"]}, token=second)
    await ok(seeded, "IssueAlert", {"id": update["id"]}, token=second)

    public = (await ok(seeded, "Alerts", {}))["alerts"]["edges"]
    assert [edge["node"]["headline"] for edge in public] == ["Lũ lớn"]
    assert (await alert_row(seeded, uuid_of(flood))).stage is Stage.SUPERSEDED
    stale = await send(seeded, "UpdateAlert", {"id": flood, "input": worse}, token=first)
    assert _refusal(stale) == ("CONFLICT", "alerts.reference_not_in_force")

    cancel = (await ok(seeded, "CancelAlert", {"id": update["id"]}, token=first))["cancelAlert"]
    await ok(seeded, "ApproveAlert", {"id": cancel["id"]}, token=second)
    await ok(seeded, "IssueAlert", {"id": cancel["id"]}, token=first)

    assert cancel["msgType"] == "CANCEL"
    assert cancel["referencesId"] == update["id"]
    assert (await ok(seeded, "Alerts", {}))["alerts"]["edges"] == []
    assert (await alert_row(seeded, uuid_of(update["id"]))).stage is Stage.CANCELLED
