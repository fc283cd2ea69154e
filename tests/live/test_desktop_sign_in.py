"""The desktop's QR sign-in, followed live: the console's socket hears PENDING, then the
tokens once the civil servant's app approves (in another API process), and the subscription
completes; a socket without the poll secret learns nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cards.conftest import DEFAULTS, ISSUER, OPERATIONS, device_key, my_card, ok, present
from tests.live.conftest import OPERATIONS as LIVE_OPERATIONS
from tests.live.test_subscriptions import signed_in
from tests.support.graphql import data
from tests.support.live import ApiProcess, LiveClient
from tests.support.sessions import token

CIVIL_SERVANT = "+84905000003"
FOLLOW = (LIVE_OPERATIONS / "DesktopCardSignIn.graphql").read_text()


@pytest.fixture
def settings_overrides(redis_url: str) -> dict[str, Any]:
    # The demo cards' issuer key is sealed with the default secret.
    return {"LIVE_REDIS_URL": redis_url, "CARDS_KEY_SECRET": DEFAULTS.card_key_secret.decode()}


async def state_of(client: LiveClient, operation_id: str) -> dict[str, Any]:
    message = await client.receive(within=30)
    assert (message["id"], message["type"]) == (operation_id, "next"), message
    found: dict[str, Any] = message["payload"]["data"]["desktopCardSignIn"]
    return found


async def completed(client: LiveClient, operation_id: str) -> None:
    message = await client.receive(within=30)
    assert message == {"id": operation_id, "type": "complete"}


async def test_the_desktop_hears_the_approval_and_gets_the_tokens_once(
    seeded: Any, server: ApiProcess
) -> None:
    assert "DesktopCardSignIn" in OPERATIONS
    started = (await ok(seeded, "StartDesktopCardSignIn"))["startDesktopCardSignIn"]
    desk = await signed_in(server, None)  # the console is not signed in yet
    follow = {"challenge": started["challenge"], "pollSecret": started["pollSecret"]}
    await desk.subscribe("desk", FOLLOW, follow)
    assert await state_of(desk, "desk") == {
        "state": "PENDING",
        "accessToken": None,
        "accessTokenExpiresAt": None,
        "refreshToken": None,
    }

    # Someone who saw the QR but not the poll secret: told EXPIRED, and done.
    onlooker = await signed_in(server, None)
    await onlooker.subscribe("look", FOLLOW, {**follow, "pollSecret": "guessed"})
    assert (await state_of(onlooker, "look"))["state"] == "EXPIRED"
    await completed(onlooker, "look")

    card = await my_card(seeded, await token(seeded, CIVIL_SERVANT), "CIVIL_SERVANT")
    approval = present(
        card["credential"],
        [],
        key=device_key(CIVIL_SERVANT),
        nonce=started["challenge"],
        audience=f"{ISSUER}/desktop-sign-in",
    )
    await ok(seeded, "ApproveDesktopCardSignIn", {"presentation": approval})

    signed = await state_of(desk, "desk")
    assert signed["state"] == "SIGNED_IN"
    await completed(desk, "desk")
    viewer = data(
        await seeded(
            "query { viewer { phone signedInWithSecondFactor } }", token=signed["accessToken"]
        )
    )["viewer"]
    assert viewer == {"phone": CIVIL_SERVANT, "signedInWithSecondFactor": True}

    # The tokens came once: polling now, or following again, finds it over.
    polled = (await ok(seeded, "CollectDesktopCardSignIn", follow))["collectDesktopCardSignIn"]
    assert (polled["state"], polled["accessToken"]) == ("EXPIRED", None)
    await desk.subscribe("again", FOLLOW, follow)
    assert (await state_of(desk, "again"))["state"] == "EXPIRED"
    await completed(desk, "again")
    for client in (desk, onlooker):
        await client.close()
