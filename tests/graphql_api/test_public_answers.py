"""Anonymous answers to the app's public queries are served from a cache, never personal ones,
and a change made through the API shows at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from backend.graphql_api.schema import CitizenSchema
from tests.contract.test_operations import BY_NAME
from tests.health.conftest import AN, CENTRAL, NEAR_BRIDGE, book, facility_gid, slots_of
from tests.support.api import open_api
from tests.support.graphql import data
from tests.support.sessions import token

SEARCH = BY_NAME["HealthFacilities"]["body"]
SLOTS = BY_NAME["AvailableSlots"]["body"]
NEAR = {"near": NEAR_BRIDGE}


async def test_the_same_public_question_twice_runs_no_sql_the_second_time(seeded: Any) -> None:
    first = await seeded(SEARCH, NEAR)
    assert seeded.sql.count > 0
    seeded.sql.clear()

    second = await seeded(SEARCH, NEAR)

    assert second == first
    assert seeded.sql.count == 0
    other_place = await seeded(SEARCH, {"near": {"latitude": 16.47, "longitude": 107.6}})
    assert seeded.sql.count > 0
    assert other_place != first
    seeded.sql.clear()
    in_english = await seeded(SEARCH, NEAR, language="en")
    assert seeded.sql.count > 0
    assert in_english != first  # names and specialties in English


async def test_a_stored_answer_is_served_before_graphql_runs_by_text_or_by_hash(
    seeded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    executed: list[str | None] = []
    execute = CitizenSchema.execute

    async def counted(schema: CitizenSchema, *args: Any, **kwargs: Any) -> Any:
        executed.append(kwargs.get("operation_name"))
        return await execute(schema, *args, **kwargs)

    monkeypatch.setattr(CitizenSchema, "execute", counted)
    by_hash = {"version": 1, "sha256Hash": BY_NAME["HealthFacilities"]["id"]}

    async def post(body: dict[str, Any], **headers: str) -> Any:
        response = await seeded.client.post("/graphql", json=body, headers=headers)
        assert response.headers["cache-control"] == "private, no-store"
        return response.json()

    first = await post({"query": SEARCH, "variables": NEAR})
    assert executed == [None]
    assert await post({"query": SEARCH, "variables": NEAR}) == first
    named = {"operationName": "HealthFacilities", "variables": NEAR}
    assert await post({**named, "extensions": {"persistedQuery": by_hash}}) == first
    assert await post({**named, "extensions": {"persistedQuery": by_hash}}) == first
    assert executed == [None]  # named or not, by text or by hash: the same operation

    # What the store cannot answer still gets GraphQL's own answer.
    wrong = await post({"operationName": "Nope", "extensions": {"persistedQuery": by_hash}})
    assert "Nope" in wrong["errors"][0]["message"]
    assert "data" not in wrong or wrong["data"] is None
    # A token, even one that turns out to be no good, never takes an answer from the store.
    assert await post({"query": SEARCH, "variables": NEAR}, authorization="Bearer nope") == first
    assert executed == [None, "Nope", None]


async def test_signed_in_and_unlisted_documents_are_never_cached(seeded: Any) -> None:
    bearer = await token(seeded, AN)
    seeded.sql.clear()
    await seeded(SEARCH, NEAR, token=bearer)
    first = seeded.sql.count
    seeded.sql.clear()
    await seeded(SEARCH, NEAR, token=bearer)
    assert seeded.sql.count == first > 1  # the session check, then the search itself again

    unlisted = "{ healthSpecialties { code } }"
    await seeded(unlisted)
    seeded.sql.clear()
    await seeded(unlisted)
    assert seeded.sql.count > 0


async def test_a_booking_shows_at_once_in_the_cached_slots(seeded: Any) -> None:
    slot = (await slots_of(seeded, CENTRAL, "pediatrics"))[0]
    window = {
        "facilityId": facility_gid(CENTRAL),
        "from": (slot.start_at - timedelta(minutes=1)).isoformat(),
        "to": (slot.start_at + timedelta(minutes=1)).isoformat(),
        "specialty": "pediatrics",
    }

    def seats(body: dict[str, Any]) -> int:
        return int(data(body)["availableSlots"]["edges"][0]["node"]["remaining"])

    before = seats(await seeded(SLOTS, window))
    assert seats(await seeded(SLOTS, window)) == before  # served from the cache

    await book(seeded, await token(seeded, AN), slot)

    assert seats(await seeded(SLOTS, window)) == before - 1


@pytest.mark.parametrize("settings_overrides", [{"PUBLIC_ANSWER_TTL_SECONDS": 0}])
async def test_a_ttl_of_zero_turns_the_cache_off(seeded: Any) -> None:
    await seeded(SEARCH, NEAR)
    seeded.sql.clear()
    await seeded(SEARCH, NEAR)
    assert seeded.sql.count > 0


async def test_api_processes_share_answers_and_invalidations_through_redis(
    seeded: Any, redis_url: str
) -> None:
    shared = seeded.app.state.services.settings.model_copy(update={"cache_redis_url": redis_url})
    async with open_api(shared) as one, open_api(shared) as other:
        answer = await one(SEARCH, NEAR)
        other.sql.clear()
        assert await other(SEARCH, NEAR) == answer
        assert other.sql.count == 0

        slot = (await slots_of(one, CENTRAL, "pediatrics"))[0]
        await book(one, await token(one, AN), slot)
        other.sql.clear()
        await other(SEARCH, NEAR)
        assert other.sql.count > 0  # the booking moved the shared generation
