"""Notices from agencies to businesses by sector and ward: each matching business's accounts get
one push, once per account even when it acts for several; reading records a receipt; only the
agency's officers publish; bad filters change nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from backend.business.models import Notice
from backend.seed.demo import stable_id
from notifications.models import Notification
from tests.business.conftest import (
    HOTEL,
    NOODLES,
    OFFICER,
    PARENT,
    REPRESENTATIVE,
    RESIDENT,
    RESTAURANT,
    business_gid,
    gid,
    inbox,
    ok,
    send,
)
from tests.support.graphql import only_error
from tests.support.sessions import token


async def _count(api: Any, model: Any) -> int:
    async with api.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _notice_input(agency: str, **more: Any) -> dict[str, Any]:
    return {
        "input": {
            "agencyId": agency,
            "titleVi": "Kiểm tra an toàn thực phẩm dịp Festival",
            "titleEn": "Food safety inspections during the Festival",
            "bodyVi": "Đoàn kiểm tra liên ngành làm việc từ 1/6.",
            **more,
        }
    }


async def test_a_notice_reaches_each_matching_account_once(seeded: Any) -> None:
    owner = await token(seeded, REPRESENTATIVE)
    officer = await token(seeded, OFFICER)
    # The representative also acts for the noodle shop (a second matching business), and the
    # parent is staff of the hotel (not food and drink: no notice).
    operator = await token(seeded, "+84905000007")
    for code, phone in [(NOODLES, REPRESENTATIVE), (HOTEL, PARENT)]:
        claim = (
            await ok(
                seeded,
                "ClaimBusiness",
                {"code": code, "certificateNumber": "GCN"},
                token=await token(seeded, phone),
            )
        )["claimBusiness"]
        await ok(
            seeded, "DecideBusinessClaim", {"claimId": claim["id"], "approve": True}, token=operator
        )
    agencies = (await ok(seeded, "MyAgencies", token=officer))["viewer"]["businessAgencies"]
    food_agency = next(a["id"] for a in agencies if a["name"].startswith("Chi cục"))
    published = (
        await ok(
            seeded,
            "PublishBusinessNotice",
            _notice_input(food_agency, vsicPrefixes=["5610"]),
            token=officer,
        )
    )["publishBusinessNotice"]
    assert published["recipients"] == 2  # the restaurant and the noodle shop
    pushes = [
        n for n in await inbox(seeded, REPRESENTATIVE) if n.type.startswith("business_notice")
    ]
    assert len(pushes) == 1
    assert pushes[0].deep_link == f"citizenhub://business-notices/{pushes[0].data['noticeId']}"
    assert pushes[0].body.en == "Food safety inspections during the Festival"
    assert [n for n in await inbox(seeded, PARENT) if n.type.startswith("business_notice")] == []

    mine = (await ok(seeded, "MyBusinesses", token=owner))["viewer"]["businessMemberships"]
    restaurant = next(
        e["node"]["id"] for e in mine["edges"] if e["node"]["business"]["code"] == RESTAURANT
    )
    listed = (await ok(seeded, "BusinessNotices", {"membershipId": restaurant}, token=owner))[
        "node"
    ]["notices"]["edges"]
    assert [e["node"]["title"] for e in listed] == [
        "Kiểm tra an toàn thực phẩm dịp Festival",
        "Chuẩn bị phòng chống lụt bão (demo)",
    ]
    assert listed[0]["node"]["readAt"] is None
    read = (await ok(seeded, "MarkBusinessNoticeRead", {"noticeId": published["id"]}, token=owner))[
        "markBusinessNoticeRead"
    ]
    assert read["readAt"] is not None
    again = (
        await ok(seeded, "MarkBusinessNoticeRead", {"noticeId": published["id"]}, token=owner)
    )["markBusinessNoticeRead"]
    assert again["readAt"] == read["readAt"]  # the first reading counts
    # Someone the notice did not reach can neither read nor acknowledge it.
    stranger = await token(seeded, RESIDENT)
    assert (await send(seeded, "BusinessNotice", {"id": published["id"]}, token=stranger))[
        "data"
    ] == {"node": None}
    refused = await send(
        seeded, "MarkBusinessNoticeRead", {"noticeId": published["id"]}, token=stranger
    )
    assert only_error(refused)["extensions"] == {"code": "NOT_FOUND", "field": "input.noticeId"}


async def test_only_officers_publish_and_bad_filters_change_nothing(seeded: Any) -> None:
    officer = await token(seeded, OFFICER)
    agency = gid("Agency", stable_id("agency", "chi-cuc-attp"))
    before = (await _count(seeded, Notice), await _count(seeded, Notification))
    owner = await token(seeded, REPRESENTATIVE)
    forbidden = await send(seeded, "PublishBusinessNotice", _notice_input(agency), token=owner)
    assert only_error(forbidden)["extensions"]["code"] == "FORBIDDEN"
    for more, field in [
        ({"vsicPrefixes": ["56", "5x"]}, "input.vsicPrefixes[1]"),
        ({"titleVi": "  "}, "input.titleVi"),
        ({"wardIds": [business_gid(RESTAURANT)]}, "input.wardIds[0]"),
    ]:
        body = await send(
            seeded, "PublishBusinessNotice", _notice_input(agency, **more), token=officer
        )
        assert only_error(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert (await _count(seeded, Notice), await _count(seeded, Notification)) == before
