"""What refers to another object does so by global id, and the node it names can be fetched."""

from __future__ import annotations

from typing import Any

from tests.health.conftest import CENTRAL, DUNG, facility_gid
from tests.support.graphql import data
from tests.support.sessions import token

ROLES = """
query { viewer { roles { role scopeId scope { id ... on HealthFacility { name } } } } }
"""


async def test_a_staff_role_refers_to_its_facility(seeded: Any) -> None:
    roles = data(await seeded(ROLES, token=await token(seeded, DUNG), language="en"))["viewer"]
    by_role = {role["role"]: role for role in roles["roles"]}
    assert by_role["HEALTH_STAFF"]["scope"]["id"] == facility_gid(CENTRAL)
    assert by_role["HEALTH_STAFF"]["scope"]["name"] == "Hue Central Hospital"
    assert by_role["RESIDENT"]["scope"] is None


async def test_weekly_availability_is_a_node(seeded: Any) -> None:
    dung = await token(seeded, DUNG)
    added = data(
        await seeded(
            """mutation($input: AddWeeklyAvailabilityInput!) {
                 addWeeklyAvailability(input: $input) { id weekday start end capacity } }""",
            {
                "input": {
                    "facilityId": facility_gid(CENTRAL),
                    "specialty": "pediatrics",
                    "weekday": "SUNDAY",
                    "start": "08:00:00",
                    "end": "10:00:00",
                    "slotMinutes": 30,
                    "capacity": 2,
                }
            },
            token=dung,
        )
    )["addWeeklyAvailability"]
    fetched = data(
        await seeded(
            "query($id: ID!) { node(id: $id) { ... on WeeklyAvailability"
            " { id weekday start end capacity } } }",
            {"id": added["id"]},
        )
    )["node"]
    assert fetched == added
