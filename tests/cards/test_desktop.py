"""QR sign-in on a desktop: a one-minute challenge the civil servant's app approves with the
card; the desktop collects the session once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from backend.cards.desktop import QR_PREFIX
from backend.db.types import utcnow
from tests.cards.conftest import (
    CIVIL_SERVANT,
    ISSUER,
    RESIDENT,
    device_key,
    my_card,
    ok,
    present,
    send,
)
from tests.support.clock import Clock
from tests.support.graphql import only_error
from tests.support.sessions import token

AUDIENCE = f"{ISSUER}/desktop-sign-in"


async def _start(api: Any) -> dict[str, Any]:
    return dict((await ok(api, "StartDesktopCardSignIn"))["startDesktopCardSignIn"])


async def _collect(api: Any, started: dict[str, Any], secret: str | None = None) -> dict[str, Any]:
    variables = {"challenge": started["challenge"], "pollSecret": secret or started["pollSecret"]}
    return dict((await ok(api, "CollectDesktopCardSignIn", variables))["collectDesktopCardSignIn"])


async def test_the_app_approves_a_desktop_challenge_which_signs_in_once(seeded: Any) -> None:
    started = await _start(seeded)
    assert started["qrText"] == QR_PREFIX + started["challenge"]
    assert (await _collect(seeded, started))["state"] == "PENDING"

    card = await my_card(seeded, await token(seeded, CIVIL_SERVANT), "CIVIL_SERVANT")
    scanned = started["qrText"].removeprefix(QR_PREFIX)
    approval = present(
        card["credential"], [], key=device_key(CIVIL_SERVANT), nonce=scanned, audience=AUDIENCE
    )
    assert (await ok(seeded, "ApproveDesktopCardSignIn", {"presentation": approval}))[
        "approveDesktopCardSignIn"
    ] is True
    again = await send(seeded, "ApproveDesktopCardSignIn", {"presentation": approval})
    assert only_error(again)["extensions"] == {"code": "UNAUTHENTICATED", "reason": "replayed"}

    # Someone who saw the QR but lacks the poll secret gets nothing.
    assert (await _collect(seeded, started, "guessed"))["state"] == "EXPIRED"
    signed_in = await _collect(seeded, started)
    assert signed_in["state"] == "SIGNED_IN"
    viewer = await seeded(
        "query { viewer { phone signedInWithSecondFactor } }", token=signed_in["accessToken"]
    )
    # Opened by the card: a second factor, as a passkey would be.
    assert viewer["data"]["viewer"] == {"phone": CIVIL_SERVANT, "signedInWithSecondFactor": True}
    collected_again = await _collect(seeded, started)
    assert (collected_again["state"], collected_again["accessToken"]) == ("EXPIRED", None)


async def test_a_challenge_expires_after_a_minute_and_needs_a_civil_servant_card(
    seeded: Any, clock: Clock
) -> None:
    started = await _start(seeded)
    resident = await my_card(seeded, await token(seeded, RESIDENT), "CITIZEN")
    wrong_card = present(
        resident["credential"],
        [],
        key=device_key(RESIDENT),
        nonce=started["challenge"],
        audience=AUDIENCE,
    )
    refused = await send(seeded, "ApproveDesktopCardSignIn", {"presentation": wrong_card})
    assert only_error(refused)["extensions"]["reason"] == "wrong_kind"

    clock.set(utcnow() + timedelta(seconds=61))
    card = await my_card(seeded, await token(seeded, CIVIL_SERVANT), "CIVIL_SERVANT")
    late = present(
        card["credential"],
        [],
        key=device_key(CIVIL_SERVANT),
        nonce=started["challenge"],
        audience=AUDIENCE,
        at=int(clock.now().timestamp()),
    )
    expired = await send(seeded, "ApproveDesktopCardSignIn", {"presentation": late})
    assert only_error(expired)["extensions"]["reason"] == "nonce_invalid"
    assert (await _collect(seeded, started))["state"] == "EXPIRED"
