"""Who acts for a business: a claim gives nothing until an operator verified it; staff added by
the representative submit applications and read, nothing more; every change is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from backend.business.models import AuditEvent, Membership
from backend.seed.demo import stable_id
from tests.business.conftest import (
    HOTEL,
    PARENT,
    REPRESENTATIVE,
    RESIDENT,
    RESTAURANT,
    application_gid,
    business_gid,
    gid,
    give_documents,
    inbox,
    ok,
    permit_type_gid,
    send,
)
from tests.support.graphql import only_error
from tests.support.sessions import token

OWNER_MEMBERSHIP = gid("BusinessMembership", stable_id("membership", RESTAURANT))


async def _staff(api: Any, bearer: str, membership: str) -> list[tuple[str, str]]:
    found = await ok(api, "BusinessStaff", {"membershipId": membership}, token=bearer)
    edges = found["node"]["staff"]["edges"]
    return [(edge["node"]["phone"], edge["node"]["role"]) for edge in edges]


async def _count(api: Any, model: Any) -> int:
    async with api.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_an_unverified_claim_gives_no_access_until_an_operator_verifies_it(
    seeded: Any,
) -> None:
    resident = await token(seeded, RESIDENT)
    operator = await token(seeded, "+84905000007")
    claim = (
        await ok(
            seeded,
            "ClaimBusiness",
            {"code": HOTEL, "certificateNumber": "GCN 3301023454"},
            token=resident,
        )
    )["claimBusiness"]
    assert (claim["role"], claim["status"], claim["rights"]) == ("REPRESENTATIVE", "PENDING", [])
    mine = (await ok(seeded, "MyBusinesses", token=resident))["viewer"]["businessMemberships"]
    assert mine["edges"][0]["node"]["rights"] == []
    refused = await send(
        seeded,
        "CreateBusinessApplication",
        {
            "businessId": business_gid(HOTEL),
            "permitTypeId": permit_type_gid("food-safety-certificate"),
            "form": [],
        },
        token=resident,
    )
    assert only_error(refused)["extensions"] == {"code": "NOT_FOUND", "field": "input.businessId"}

    # Only operators decide; someone else is refused and nothing changes.
    not_allowed = await send(
        seeded, "DecideBusinessClaim", {"claimId": claim["id"], "approve": True}, token=resident
    )
    assert only_error(not_allowed)["extensions"]["code"] == "FORBIDDEN"
    pending = (await ok(seeded, "BusinessClaims", token=operator))["businessClaims"]["edges"]
    assert [edge["node"]["id"] for edge in pending] == [claim["id"]]
    decided = (
        await ok(
            seeded, "DecideBusinessClaim", {"claimId": claim["id"], "approve": True}, token=operator
        )
    )["decideBusinessClaim"]
    assert (decided["status"], decided["rights"]) == ("ACTIVE", ["READ", "APPLY", "MANAGE"])
    pushes = await inbox(seeded, RESIDENT)
    assert [(push.type, push.data["status"]) for push in pushes] == [
        ("business_membership.updated", "ACTIVE")
    ]
    again = await send(
        seeded,
        "DecideBusinessClaim",
        {"claimId": claim["id"], "approve": False, "note": "Sai số giấy chứng nhận"},
        token=operator,
    )
    assert only_error(again)["extensions"] == {"code": "CONFLICT", "field": "input.claimId"}
    # A second claim on a represented business is refused.
    parent = await token(seeded, PARENT)
    taken = await send(
        seeded, "ClaimBusiness", {"code": HOTEL, "certificateNumber": "x"}, token=parent
    )
    assert only_error(taken)["extensions"] == {"code": "CONFLICT", "field": "input.code"}
    # The claim and its verification are in the audit trail, with who made each.
    async with seeded.sessions() as session:
        trail = (
            await session.execute(
                select(AuditEvent.kind, AuditEvent.actor_id)
                .where(AuditEvent.business_id == stable_id("business", HOTEL))
                .order_by(AuditEvent.at, AuditEvent.kind)
            )
        ).all()
    assert [tuple(row) for row in trail if row.kind.startswith("claim.")] == [
        ("claim.submitted", stable_id("user", RESIDENT)),
        ("claim.approved", stable_id("user", "+84905000007")),
    ]


async def test_invalid_codes_are_refused_and_nothing_is_stored(seeded: Any) -> None:
    resident = await token(seeded, RESIDENT)
    before = (await _count(seeded, Membership), await _count(seeded, AuditEvent))
    for code, expected in [
        ("3301023455", "BAD_USER_INPUT"),  # wrong check digit
        ("3301023", "BAD_USER_INPUT"),
        ("0100233488", "NOT_FOUND"),  # valid, not in the registry
    ]:
        body = await send(
            seeded, "ClaimBusiness", {"code": code, "certificateNumber": "GCN"}, token=resident
        )
        assert only_error(body)["extensions"] == {"code": expected, "field": "input.code"}, code
    body = await send(
        seeded, "ClaimBusiness", {"code": HOTEL, "certificateNumber": "  "}, token=resident
    )
    assert only_error(body)["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.certificateNumber",
    }
    assert (await _count(seeded, Membership), await _count(seeded, AuditEvent)) == before


async def test_staff_rights_are_limited_and_end_when_removed(seeded: Any) -> None:
    owner = await token(seeded, REPRESENTATIVE)
    staff = await token(seeded, PARENT)
    added = (
        await ok(
            seeded,
            "AddBusinessStaff",
            {"businessId": business_gid(RESTAURANT), "phone": "0905 000 002"},
            token=owner,
        )
    )["addBusinessStaff"]
    assert (added["role"], added["rights"]) == ("STAFF", ["READ", "APPLY"])
    # The representative sees who acts for the business; staff see no one.
    assert await _staff(seeded, owner, OWNER_MEMBERSHIP) == [
        (REPRESENTATIVE, "REPRESENTATIVE"),
        (PARENT, "STAFF"),
    ]
    assert await _staff(seeded, staff, added["id"]) == []
    listed = await ok(seeded, "BusinessStaff", {"membershipId": OWNER_MEMBERSHIP}, token=owner)
    assert listed["node"]["staff"]["edges"][1]["node"]["membershipId"] == added["id"]
    # Someone else's membership is nobody's business.
    stranger = await send(seeded, "BusinessStaff", {"membershipId": OWNER_MEMBERSHIP}, token=staff)
    assert stranger["data"] == {"node": None}

    # Staff apply and read…
    created = (
        await ok(
            seeded,
            "CreateBusinessApplication",
            {
                "businessId": business_gid(RESTAURANT),
                "permitTypeId": permit_type_gid("change-of-registered-details"),
                "form": [{"name": "changeSummary", "value": "Đổi địa chỉ trụ sở"}],
            },
            token=staff,
        )
    )["createBusinessApplication"]
    await give_documents(seeded, staff, created["id"])
    submitted = await ok(
        seeded,
        "MoveBusinessApplication",
        {"applicationId": created["id"], "action": "SUBMIT"},
        token=staff,
    )
    assert submitted["moveBusinessApplication"]["status"] == "SUBMITTED"
    # …but neither withdraw nor manage staff.
    withdraw = await send(
        seeded,
        "MoveBusinessApplication",
        {"applicationId": created["id"], "action": "WITHDRAW"},
        token=staff,
    )
    assert only_error(withdraw)["extensions"]["code"] == "FORBIDDEN"
    manage = await send(
        seeded,
        "AddBusinessStaff",
        {"businessId": business_gid(RESTAURANT), "phone": "0905000001"},
        token=staff,
    )
    assert only_error(manage)["extensions"]["code"] == "FORBIDDEN"

    await ok(seeded, "RemoveBusinessStaff", {"membershipId": added["id"]}, token=owner)
    assert await _staff(seeded, owner, OWNER_MEMBERSHIP) == [(REPRESENTATIVE, "REPRESENTATIVE")]
    gone = await send(
        seeded, "BusinessApplication", {"id": application_gid("restaurant-pavement")}, token=staff
    )
    assert gone["data"] == {"node": None}
    mine = (await ok(seeded, "MyBusinesses", token=staff))["viewer"]["businessMemberships"]
    node = mine["edges"][0]["node"]
    assert (
        node["status"],
        node["rights"],
        node["applications"]["edges"],
        node["issuedPermits"]["edges"],
    ) == (
        "REVOKED",
        [],
        [],
        [],
    )
    async with seeded.sessions() as session:
        kinds = list(
            await session.scalars(select(AuditEvent.kind).order_by(AuditEvent.at, AuditEvent.kind))
        )
    assert {"staff.added", "application.created", "application.submitted", "staff.removed"} <= set(
        kinds
    )


async def test_add_staff_refuses_unknown_numbers_without_changes(seeded: Any) -> None:
    owner = await token(seeded, REPRESENTATIVE)
    before = await _count(seeded, Membership)
    for phone, code in [("0905 999 999", "NOT_FOUND"), ("12345", "BAD_USER_INPUT")]:
        body = await send(
            seeded,
            "AddBusinessStaff",
            {"businessId": business_gid(RESTAURANT), "phone": phone},
            token=owner,
        )
        assert only_error(body)["extensions"] == {"code": code, "field": "input.phone"}
    assert await _count(seeded, Membership) == before
