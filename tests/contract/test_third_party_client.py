"""The contract proven with a GraphQL client that is not ours (gql, over HTTP), the kind the app
uses: sign in, refresh the session, find a facility and book, read a refusal's code."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import Client
from gql.graphql_request import GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport

from backend.db.types import utcnow
from backend.graphql_api.persisted import MANIFEST

SCHEMA = (Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql").read_text()
BODIES = {
    operation["name"]: operation["body"]
    for operation in json.loads(MANIFEST.read_text(encoding="utf-8"))["operations"]
}
NEAR = {"latitude": 16.4637, "longitude": 107.5909}


def client(api: Any, token: str | None = None) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = HTTPXAsyncTransport(
        url="http://citizen.test/graphql",
        transport=httpx.ASGITransport(app=api.app),
        headers=headers,
    )
    # The client validates every operation against the published schema before sending it.
    return Client(transport=transport, schema=SCHEMA)


async def run(api: Any, name: str, variables: dict[str, Any], token: str | None = None) -> Any:
    async with client(api, token) as session:
        return await session.execute(
            GraphQLRequest(BODIES[name], variable_values=variables, operation_name=name)
        )


async def test_sign_in_refresh_and_book_with_gql(seeded: Any) -> None:
    signed_in = (
        await run(seeded, "Login", {"identifier": "0905 000 002", "password": "hue-demo-2026"})
    )["login"]
    refreshed = (await run(seeded, "RefreshSession", {"refreshToken": signed_in["refreshToken"]}))[
        "refreshToken"
    ]
    token = refreshed["accessToken"]
    assert refreshed["user"]["id"] == signed_in["user"]["id"]

    facilities = (await run(seeded, "HealthFacilities", {"near": NEAR}, token))["healthFacilities"]
    facility = facilities["edges"][0]["node"]
    now = utcnow()
    slots = (
        await run(
            seeded,
            "AvailableSlots",
            {
                "facilityId": facility["id"],
                "from": (now + timedelta(days=1)).isoformat(),
                "to": (now + timedelta(days=8)).isoformat(),
            },
            token,
        )
    )["availableSlots"]["edges"]
    booked = (
        await run(
            seeded,
            "BookAppointment",
            {"input": {"slotId": slots[0]["node"]["id"], "patient": {"self": True}}},
            token,
        )
    )["bookAppointment"]

    assert booked["status"] == "BOOKED"
    assert booked["queueNumber"] >= 1
    assert booked["facility"]["id"] == facility["id"]
    mine = (await run(seeded, "MyAppointments", {}, token))["viewer"]["appointments"]["edges"]
    assert [edge["node"]["id"] for edge in mine] == [booked["id"]]


async def test_gql_sees_the_error_code_of_a_refusal(seeded: Any) -> None:
    with pytest.raises(TransportQueryError) as refused:
        await run(seeded, "Login", {"identifier": "0905000002", "password": "wrong password"})

    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
