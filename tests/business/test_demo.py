"""The business demo: a handful of Huế businesses, the demo account as the verified
representative of the restaurant on Phạm Ngũ Lão with an application in each state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from backend.business.models import ApplicationStatus, Business
from tests.business.conftest import REPRESENTATIVE, RESTAURANT, ok
from tests.support.sessions import token

DEMO_APPLICATIONS = """
query($after: String) {
  viewer {
    businessMemberships(first: 5) {
      edges {
        node {
          role status
          business { code address }
          applications(first: 100, after: $after) { edges { node { status } } }
        }
      }
    }
  }
}
"""


async def test_the_demo_has_its_businesses_and_an_application_in_each_state(seeded: Any) -> None:
    async with seeded.sessions() as session:
        addresses = list(await session.scalars(select(Business.address)))
    # A restaurant on Phạm Ngũ Lão, a hotel, a craft shop at Đông Ba market, a tour operator.
    for part in ("Phạm Ngũ Lão", "Lê Lợi", "Chợ Đông Ba", "Chu Văn An"):
        assert any(part in address for address in addresses), part
    owner = await token(seeded, REPRESENTATIVE)
    answer = await ok(seeded, "MyBusinesses", token=owner)
    [membership] = answer["viewer"]["businessMemberships"]["edges"]
    assert (membership["node"]["role"], membership["node"]["status"]) == (
        "REPRESENTATIVE",
        "ACTIVE",
    )
    assert membership["node"]["business"]["code"] == RESTAURANT
    listed = await seeded(DEMO_APPLICATIONS, {"after": None}, token=owner)
    [node] = [edge["node"] for edge in listed["data"]["viewer"]["businessMemberships"]["edges"]]
    states = {edge["node"]["status"] for edge in node["applications"]["edges"]}
    assert states == {status.name for status in ApplicationStatus}
