"""A civil servant lists their passkeys (named, newest first, page by page) and removes one:
the sessions it opened end, and the last one stays while no valid card could replace it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from strawberry import relay

from backend.cards.models import Passkey, PasskeySession
from backend.identity.models import SecondFactor
from backend.seed.demo import stable_id
from tests.cards.conftest import (
    ADMIN,
    CIVIL_SERVANT,
    RESIDENT,
    card_gid,
    my_card,
    ok,
    send,
)
from tests.cards.test_passkeys import authenticator, card_session, register, sign_in_options
from tests.support.graphql import data, only_error
from tests.support.sessions import token
from tests.support.webauthn import SoftAuthenticator

PAGE = """
query Passkeys($first: Int, $after: String) {
  viewer {
    passkeys(first: $first, after: $after) {
      edges { node { id name createdAt lastUsedAt backupEligible } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
REFRESH = "mutation($t: String!) { refreshToken(input: {refreshToken: $t}) { accessToken } }"


async def passkey_sign_in(api: Any, device: SoftAuthenticator) -> dict[str, Any]:
    answer = device.get(await sign_in_options(api))
    return dict(
        (await ok(api, "FinishPasskeySignIn", {"credential": answer}))["finishPasskeySignIn"]
    )


async def names(api: Any, viewer: str) -> list[str]:
    edges = (await ok(api, "MyPasskeys", token=viewer))["viewer"]["passkeys"]["edges"]
    return [edge["node"]["name"] for edge in edges]


async def remove(api: Any, viewer: str, passkey_id: str) -> dict[str, Any]:
    return await send(api, "RemovePasskey", {"passkeyId": passkey_id}, token=viewer)


async def stored_count(api: Any) -> tuple[int, int]:
    async with api.sessions() as session:
        keys = await session.scalar(select(func.count()).select_from(Passkey))
        sessions = await session.scalar(select(func.count()).select_from(PasskeySession))
    return int(keys or 0), int(sessions or 0)


async def test_passkeys_are_listed_by_name_newest_first_page_by_page(seeded: Any) -> None:
    viewer = await card_session(seeded)
    laptop, phone, spare = authenticator(), authenticator(synced=True), authenticator()
    registered = await register(seeded, laptop, "  Office   laptop ", viewer=viewer)
    assert registered["passkey"]["name"] == "Office laptop"
    await register(seeded, phone, "Phone", viewer=viewer)
    await register(seeded, spare, viewer=viewer)  # no name given
    assert await names(seeded, viewer) == ["Passkey 3", "Phone", "Office laptop"]

    await passkey_sign_in(seeded, phone)
    first = data(await seeded(PAGE, {"first": 2}, token=viewer))["viewer"]["passkeys"]
    assert [e["node"]["name"] for e in first["edges"]] == ["Passkey 3", "Phone"]
    assert first["pageInfo"]["hasNextPage"] is True
    used = first["edges"][1]["node"]
    assert used["lastUsedAt"] is not None
    assert used["backupEligible"] is True
    assert first["edges"][0]["node"]["lastUsedAt"] is None
    rest = data(
        await seeded(PAGE, {"first": 2, "after": first["pageInfo"]["endCursor"]}, token=viewer)
    )["viewer"]["passkeys"]
    assert [e["node"]["name"] for e in rest["edges"]] == ["Office laptop"]
    assert rest["pageInfo"]["hasNextPage"] is False

    # Nobody else sees them; a resident has none.
    resident = await token(seeded, RESIDENT)
    assert await names(seeded, resident) == []


async def test_a_passkey_name_is_one_printable_line_of_at_most_64_characters(
    seeded: Any,
) -> None:
    viewer = await card_session(seeded)
    options = (await ok(seeded, "PasskeyRegistrationOptions", token=viewer))[
        "passkeyRegistrationOptions"
    ]["optionsJson"]
    for name, reason in (("Laptop\u202e", "input.text_invalid"), ("x" * 65, "input.too_long")):
        credential = authenticator().create(options)
        variables = {"credential": credential, "name": name}
        body = await send(seeded, "RegisterPasskey", variables, token=viewer)
        error = only_error(body)
        assert (error["extensions"]["code"], error["extensions"]["field"]) == (
            "BAD_USER_INPUT",
            "input.name",
        ), reason
    assert await stored_count(seeded) == (0, 0)


async def test_removing_a_passkey_ends_the_sessions_it_opened(seeded: Any) -> None:
    viewer = await card_session(seeded)
    kept, lost = authenticator(), authenticator()
    await register(seeded, kept, "Kept", viewer=viewer)
    lost_id = (await register(seeded, lost, "Lost", viewer=viewer))["passkey"]["id"]
    opened = await passkey_sign_in(seeded, lost)
    other = await passkey_sign_in(seeded, kept)

    removed = (
        await ok(seeded, "RemovePasskey", {"passkeyId": lost_id}, token=other["accessToken"])
    )["removePasskey"]
    assert (removed["removedPasskeyId"], removed["endedSessions"]) == (lost_id, 1)
    assert await names(seeded, viewer) == ["Kept"]
    # The session the removed passkey opened is over: its tokens no longer work.
    assert (
        only_error(await seeded(REFRESH, {"t": opened["refreshToken"]}))["extensions"]["code"]
        == "UNAUTHENTICATED"
    )
    gone = await seeded("query { viewer { id } }", token=opened["accessToken"])
    assert only_error(gone)["extensions"]["code"] == "UNAUTHENTICATED"
    # The other passkey's session goes on.
    assert "errors" not in await seeded(REFRESH, {"t": other["refreshToken"]})
    assert await stored_count(seeded) == (1, 1)
    # And the removed passkey signs in no more.
    answer = lost.get(await sign_in_options(seeded))
    body = await send(seeded, "FinishPasskeySignIn", {"credential": answer})
    assert only_error(body)["extensions"]["reason"] == "credential_unknown"


async def test_removal_needs_a_second_factor_and_the_owner(seeded: Any) -> None:
    viewer = await card_session(seeded)
    first_id = (await register(seeded, authenticator(), "One", viewer=viewer))["passkey"]["id"]
    await register(seeded, authenticator(), "Two", viewer=viewer)

    password_only = await token(seeded, CIVIL_SERVANT)
    body = await remove(seeded, password_only, first_id)
    assert only_error(body)["extensions"]["code"] == "SECOND_FACTOR_REQUIRED"
    someone_else = await token(seeded, ADMIN, SecondFactor.CARD)
    body = await remove(seeded, someone_else, first_id)
    assert only_error(body)["extensions"] == {"code": "NOT_FOUND", "field": "input.passkeyId"}
    not_a_passkey = await remove(seeded, viewer, card_gid("civil-servant"))
    assert only_error(not_a_passkey)["extensions"]["code"] == "BAD_USER_INPUT"
    unknown = str(relay.GlobalID("Passkey", str(stable_id("passkey", "none"))))
    assert only_error(await remove(seeded, viewer, unknown))["extensions"]["code"] == "NOT_FOUND"
    assert await names(seeded, viewer) == ["Two", "One"]


async def test_the_last_passkey_stays_while_no_valid_card_can_sign_in_instead(
    seeded: Any,
) -> None:
    viewer = await card_session(seeded)
    first = await register(seeded, authenticator(), "One", viewer=viewer)
    second = await register(seeded, authenticator(), "Two", viewer=viewer)

    # With a valid civil-servant card, even the last passkey may go.
    await ok(seeded, "RemovePasskey", {"passkeyId": first["passkey"]["id"]}, token=viewer)
    # Without one (the agency suspends the card), the last passkey is the only way in.
    card = await my_card(seeded, await token(seeded, CIVIL_SERVANT), "CIVIL_SERVANT")
    suspend = {"cardId": card["id"], "change": "SUSPEND"}
    await ok(seeded, "ChangeCardStatus", suspend, token=await token(seeded, ADMIN))
    body = await remove(seeded, viewer, second["passkey"]["id"])
    error = only_error(body)
    assert error["extensions"] == {"code": "CONFLICT", "field": "input.passkeyId"}
    assert "Đây là khóa truy cập cuối cùng" in error["message"]
    assert await names(seeded, viewer) == ["Two"]
