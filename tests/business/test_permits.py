"""A business's permits page like every list: latest issued first, ties by id, a page at a time;
only accounts acting for the business see them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from backend.business.models import Permit, PermitStatus
from backend.db.unit_of_work import UnitOfWork
from backend.graphql_api.business.types import PERMITS_BY_ISSUE
from backend.seed.demo import stable_id
from tests.business.conftest import (
    OPERATOR,
    REPRESENTATIVE,
    RESIDENT,
    RESTAURANT,
    gid,
    ok,
    send,
)
from tests.support.graphql import data, only_error
from tests.support.sessions import token

OWNER_MEMBERSHIP = gid("BusinessMembership", stable_id("membership", RESTAURANT))

PAGE = """
query($id: ID!, $after: String) {
  node(id: $id) {
    ... on BusinessMembership {
      issuedPermits(first: 1, after: $after) {
        edges { node { number issuedOn } }
        pageInfo { hasNextPage endCursor }
      }
      permits { number }
    }
  }
}
"""


async def _add_permit(api: Any, number: str, issued_on: date) -> None:
    async with UnitOfWork(api.sessions) as uow:
        uow.session.add(
            Permit(
                id=uuid.uuid4(),
                number=number,
                business_id=stable_id("business", RESTAURANT),
                permit_type_id=stable_id("permit-type", "food-safety-certificate"),
                status=PermitStatus.VALID,
                issued_on=issued_on,
                valid_until=None,
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )


async def test_permits_page_latest_issued_first(seeded: Any) -> None:
    # Two more permits issued the same day as the demo's certificate: ties go by id.
    for number in ("TEST-A", "TEST-B"):
        await _add_permit(seeded, number, date(2025, 3, 10))
    owner = await token(seeded, REPRESENTATIVE)
    paged: list[tuple[str, str]] = []
    after = None
    while True:
        body = data(await seeded(PAGE, {"id": OWNER_MEMBERSHIP, "after": after}, token=owner))
        node = body["node"]
        connection = node["issuedPermits"]
        paged += [(e["node"]["issuedOn"], e["node"]["number"]) for e in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert len(paged) == len(node["permits"]) == 4
    assert {number for _, number in paged} == {p["number"] for p in node["permits"]}
    days = [day for day, _ in paged]
    assert days == sorted(days, reverse=True)
    assert {"ATTP-2025-0001DEMO", "TEST-A", "TEST-B"} <= {number for _, number in paged}
    # The app's operation reads the same list.
    listed = (await ok(seeded, "BusinessPermits", {"membershipId": OWNER_MEMBERSHIP}, token=owner))[
        "node"
    ]["issuedPermits"]["edges"]
    assert [e["node"]["number"] for e in listed] == [number for _, number in paged]


async def test_a_cursor_whose_day_is_not_a_day_is_refused(seeded: Any) -> None:
    owner = await token(seeded, REPRESENTATIVE)
    for key in ("2025-13-01", "yesterday", "2025-3-1"):
        cursor = PERMITS_BY_ISSUE.encode(key, uuid.uuid4())
        body = await seeded(PAGE, {"id": OWNER_MEMBERSHIP, "after": cursor}, token=owner)
        assert only_error(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}, key


async def test_only_the_business_accounts_see_its_permits(seeded: Any) -> None:
    # Someone else's membership id is not theirs to read.
    for phone in (RESIDENT, OPERATOR):
        body = await send(
            seeded,
            "BusinessPermits",
            {"membershipId": OWNER_MEMBERSHIP},
            token=await token(seeded, phone),
        )
        assert body["data"] == {"node": None}, phone


async def test_a_permit_by_id_for_the_business_accounts_only(seeded: Any) -> None:
    permit = gid("Permit", stable_id("permit", "ATTP-2025-0001DEMO"))
    owner = await token(seeded, REPRESENTATIVE)
    found = (await ok(seeded, "BusinessPermit", {"id": permit}, token=owner))["node"]
    assert (found["number"], found["status"], found["issuedOn"]) == (
        "ATTP-2025-0001DEMO",
        "VALID",
        "2025-03-10",
    )
    for bearer in (None, await token(seeded, RESIDENT), await token(seeded, OPERATOR)):
        hidden = await send(seeded, "BusinessPermit", {"id": permit}, token=bearer)
        assert hidden["data"] == {"node": None}
