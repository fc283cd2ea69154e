"""Anonymous visitors can browse public data; personal data needs the owner's token."""

from __future__ import annotations

from typing import Any

from strawberry.relay import to_base64

from tests.support.graphql import VIEWER, data, error_codes, login


async def test_anonymous_visitors_browse_places_and_have_no_viewer(seeded: Any) -> None:
    body = data(await seeded("{ viewer { id } places(first: 3) { edges { node { name } } } }"))
    assert body["viewer"] is None
    assert len(body["places"]["edges"]) == 3


async def test_anonymous_visitors_cannot_fetch_an_account_by_id(seeded: Any) -> None:
    me = (await login(seeded))["user"]
    query = "query($id: ID!) { node(id: $id) { id ... on User { phone } } }"

    assert data(await seeded(query, {"id": me["id"]}))["node"] is None
    other = await login(seeded, "0905000002")
    assert data(await seeded(query, {"id": me["id"]}, token=other["accessToken"]))["node"] is None
    mine = await login(seeded)
    own = data(await seeded(query, {"id": me["id"]}, token=mine["accessToken"]))["node"]
    assert own == {"id": me["id"], "phone": "+84905000001"}


async def test_a_bad_token_is_an_error_not_an_anonymous_answer(seeded: Any) -> None:
    body = await seeded(VIEWER, token="not.a.jwt")
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["message"] == "Phiên đăng nhập không hợp lệ hoặc đã hết hạn."


async def test_node_refuses_malformed_and_unknown_ids(seeded: Any) -> None:
    query = "query($id: ID!) { node(id: $id) { id } }"
    assert error_codes(await seeded(query, {"id": "garbage"})) == ["BAD_USER_INPUT"]
    unknown_type = to_base64("Passport", "00000000-0000-0000-0000-000000000000")
    assert error_codes(await seeded(query, {"id": unknown_type})) == ["BAD_USER_INPUT"]
    not_uuid = to_base64("Place", "1 OR 1=1")
    assert error_codes(await seeded(query, {"id": not_uuid})) == ["BAD_USER_INPUT"]
    missing = to_base64("Place", "00000000-0000-0000-0000-000000000000")
    assert data(await seeded(query, {"id": missing}))["node"] is None


async def test_staff_roles_carry_their_scope(seeded: Any) -> None:
    doctor = await login(seeded, "bacsi@demo.hue.vn")
    roles = {item["role"]: item["scopeId"] for item in doctor["user"]["roles"]}
    assert roles["RESIDENT"] is None
    assert roles["HEALTH_STAFF"] is not None
