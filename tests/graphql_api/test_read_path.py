"""A request reads through one connection, and never holds two at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event

from tests.health.conftest import AN, CENTRAL, NEAR_BRIDGE, book, slots_of
from tests.support.sessions import token

SEARCH = """
query($near: GeoPointInput!) {
  healthFacilities(near: $near, first: 5) {
    edges { node {
      id name distanceMeters
      openingHours { weekday opens }
      specialties { code name }
      practitioners { fullName specialties { code } }
      nextAvailableSlot { id start specialty { code } }
    } }
  }
}
"""


@dataclass
class Checkouts:
    total: int = 0
    held: int = 0
    most_held: int = 0

    def reset(self) -> None:
        self.total = self.most_held = 0


@pytest.fixture
def checkouts(seeded: Any) -> Checkouts:
    seen = Checkouts()
    pool = seeded.app.state.engine.sync_engine.pool

    def out(*_: Any) -> None:
        seen.total += 1
        seen.held += 1
        seen.most_held = max(seen.most_held, seen.held)

    def back(*_: Any) -> None:
        seen.held -= 1

    event.listen(pool, "checkout", out)
    event.listen(pool, "checkin", back)
    return seen


@pytest.mark.parametrize("settings_overrides", [{"PUBLIC_ANSWER_TTL_SECONDS": 0}])
async def test_a_nested_search_reads_through_one_connection(
    seeded: Any, checkouts: Checkouts
) -> None:
    checkouts.reset()
    seeded.sql.clear()

    body = await seeded(SEARCH, {"near": NEAR_BRIDGE})

    assert not body.get("errors"), body
    assert len(body["data"]["healthFacilities"]["edges"]) >= 3
    assert checkouts.total == 1
    assert checkouts.held == 0  # given back when the answer was written
    # One statement per batch: facilities, opening hours, specialties, practitioners and
    # theirs, next slots and their specialties; no BEGIN, ROLLBACK or ping among them.
    assert seeded.sql.count == 7, seeded.sql.statements


async def test_a_mutation_never_holds_two_connections(seeded: Any, checkouts: Checkouts) -> None:
    bearer = await token(seeded, AN)
    slot = (await slots_of(seeded, CENTRAL, "pediatrics"))[0]
    checkouts.reset()

    booked = await book(seeded, bearer, slot)

    assert booked["status"] == "BOOKED"
    assert checkouts.most_held == 1
    assert checkouts.held == 0
