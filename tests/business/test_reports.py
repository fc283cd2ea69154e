"""Citizens report problems with businesses on the map: the report goes to the agency that
certified the business, whose officers alone see who sent it; bad input, a business not on the
map and a sixth report in a day change nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from backend.business.models import Report
from backend.seed.demo import stable_id
from tests.business.conftest import (
    HOTEL,
    NOODLES,
    OFFICER,
    REPRESENTATIVE,
    RESIDENT,
    business_gid,
    gid,
    ok,
    send,
)
from tests.support.graphql import only_error
from tests.support.sessions import token

FOOD_AGENCY = gid("Agency", stable_id("agency", "chi-cuc-attp"))


async def _report(api: Any, bearer: str | None, business: str, description: str) -> Any:
    return await send(
        api,
        "ReportBusinessProblem",
        {"businessId": business, "category": "HYGIENE", "description": description},
        token=bearer,
    )


async def _stored(api: Any) -> int:
    async with api.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Report)) or 0)


async def test_the_certifying_agency_sees_the_report_and_who_sent_it(seeded: Any) -> None:
    resident = await token(seeded, RESIDENT)
    sent = (await _report(seeded, resident, business_gid(NOODLES), "  Bàn ghế bẩn, ruồi nhiều. "))[
        "data"
    ]["reportBusinessProblem"]
    assert (sent["category"], sent["description"]) == ("HYGIENE", "Bàn ghế bẩn, ruồi nhiều.")

    officer = await token(seeded, OFFICER)
    listed = (await ok(seeded, "BusinessReports", {"agencyId": FOOD_AGENCY}, token=officer))[
        "businessReports"
    ]["edges"]
    [report] = [edge["node"] for edge in listed]
    assert report["id"] == sent["id"]
    assert report["business"]["id"] == business_gid(NOODLES)
    assert report["reporter"]["phone"] == RESIDENT
    assert report["reporter"]["name"]

    # The business itself, and anyone who is not the agency's officer, is told nothing.
    for outsider in (REPRESENTATIVE, RESIDENT):
        refused = await send(
            seeded,
            "BusinessReports",
            {"agencyId": FOOD_AGENCY},
            token=await token(seeded, outsider),
        )
        assert only_error(refused)["extensions"] == {"code": "NOT_FOUND", "field": "agencyId"}


async def test_refused_reports_store_nothing(seeded: Any) -> None:
    resident = await token(seeded, RESIDENT)
    anonymous = await _report(seeded, None, business_gid(NOODLES), "Giá không niêm yết")
    assert only_error(anonymous)["extensions"]["code"] == "UNAUTHENTICATED"
    blank = await _report(seeded, resident, business_gid(NOODLES), "   ")
    assert only_error(blank)["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.description",
    }
    too_long = await _report(seeded, resident, business_gid(NOODLES), "x" * 1001)
    assert only_error(too_long)["extensions"]["code"] == "BAD_USER_INPUT"
    not_on_the_map = await _report(seeded, resident, business_gid(HOTEL), "Phòng bẩn")
    assert only_error(not_on_the_map)["extensions"] == {
        "code": "NOT_FOUND",
        "field": "input.businessId",
    }
    assert await _stored(seeded) == 0


async def test_five_reports_a_day(seeded: Any) -> None:
    resident = await token(seeded, RESIDENT)
    for number in range(5):
        await _report(seeded, resident, business_gid(NOODLES), f"Lần {number + 1}")
    sixth = only_error(await _report(seeded, resident, business_gid(NOODLES), "Lần 6"))
    assert sixth["extensions"]["code"] == "RATE_LIMITED"
    assert 0 < sixth["extensions"]["retryAfterSeconds"] <= 24 * 3600
    assert await _stored(seeded) == 5
