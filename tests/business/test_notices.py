"""Notices from agencies to businesses by sector and ward: each matching business's accounts get
one push, once per account even when it acts for several; reading records a receipt; only the
agency's officers publish; bad filters change nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from backend.business.models import Business, Notice
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


async def _notice_pushes(api: Any, phone: str) -> list[Any]:
    return [n for n in await inbox(api, phone) if n.type.startswith("business_notice")]


async def test_a_section_and_a_ward_choose_who_is_reached_once_each(seeded: Any) -> None:
    officer = await token(seeded, OFFICER)
    owner = await token(seeded, REPRESENTATIVE)
    operator = await token(seeded, "+84905000007")

    async def verified_claim(code: str, phone: str) -> None:
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

    # The resident's claim on the hotel stays pending; the parent's is verified, and the parent
    # is also staff of the restaurant: two matching businesses under two roles. The owner also
    # represents the noodle shop.
    await ok(
        seeded,
        "ClaimBusiness",
        {"code": HOTEL, "certificateNumber": "GCN"},
        token=await token(seeded, RESIDENT),
    )
    await verified_claim(HOTEL, PARENT)
    await verified_claim(NOODLES, REPRESENTATIVE)
    await ok(
        seeded,
        "AddBusinessStaff",
        {"businessId": business_gid(RESTAURANT), "phone": "0905000002"},
        token=owner,
    )
    agency = gid("Agency", stable_id("agency", "chi-cuc-attp"))
    by_section = (
        await ok(
            seeded,
            "PublishBusinessNotice",
            _notice_input(agency, vsicPrefixes=["i"]),
            token=officer,
        )
    )["publishBusinessNotice"]
    # Section I (55 accommodation, 56 food and drink): the restaurant, the noodle shop, the hotel.
    assert by_section["recipients"] == 3
    assert len(await _notice_pushes(seeded, PARENT)) == 1
    assert len(await _notice_pushes(seeded, REPRESENTATIVE)) == 1
    assert await _notice_pushes(seeded, RESIDENT) == []  # a claim gives nothing until verified

    # A ward narrows it to the businesses inside it.
    async with seeded.sessions() as session:
        wards = {
            code: (await session.scalar(select(Business.ward_id).where(Business.code == code)))
            for code in (RESTAURANT, NOODLES)
        }
    assert wards[NOODLES] is not None
    assert wards[RESTAURANT] != wards[NOODLES]
    in_ward = (
        await ok(
            seeded,
            "PublishBusinessNotice",
            _notice_input(agency, vsicPrefixes=["56"], wardIds=[gid("Ward", wards[NOODLES])]),
            token=officer,
        )
    )["publishBusinessNotice"]
    assert in_ward["recipients"] == 1
    assert len(await _notice_pushes(seeded, REPRESENTATIVE)) == 2  # for the noodle shop
    assert len(await _notice_pushes(seeded, PARENT)) == 1
