"""A civil servant's password alone opens a session without the civil-servant role: work
that needs it answers SECOND_FACTOR_REQUIRED until the card or a passkey opens the session,
and a session keeps what opened it across refreshes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from backend.cards.models import Passkey, PasskeyChallenge
from backend.identity.models import SecondFactor
from backend.seed.hue import DEMO_PASSWORD
from tests.cards.conftest import (
    CIVIL_SERVANT,
    RESIDENT,
    card_presentation,
    my_card,
    ok,
    send,
)
from tests.cards.test_passkeys import authenticator, register, sign_in_options
from tests.support.graphql import data, only_error
from tests.support.sessions import token

LOGIN = """
mutation Login($identifier: String!, $password: String!) {
  login(input: {identifier: $identifier, password: $password}) {
    accessToken refreshToken secondFactor secondFactorRequired
  }
}
"""
REFRESH = """
mutation Refresh($token: String!) {
  refreshToken(input: {refreshToken: $token}) {
    accessToken refreshToken secondFactor secondFactorRequired
  }
}
"""
STANDING = "query { viewer { signedInWithSecondFactor secondFactorRequired roles { role } } }"
REQUIRED_VI = (
    "Thao tác này cần đăng nhập bằng thẻ công chức hoặc khóa truy cập; chỉ mật khẩu thì chưa đủ."
)
REQUIRED_EN = (
    "This needs a sign-in with your civil-servant card or a passkey: a password alone is not "
    "enough."
)


async def login(api: Any, phone: str) -> dict[str, Any]:
    variables = {"identifier": phone, "password": DEMO_PASSWORD}
    return dict(data(await api(LOGIN, variables))["login"])


async def refresh(api: Any, refresh_token: str) -> dict[str, Any]:
    return dict(data(await api(REFRESH, {"token": refresh_token}))["refreshToken"])


async def standing(api: Any, access_token: str) -> dict[str, Any]:
    viewer = data(await api(STANDING, token=access_token))["viewer"]
    return {
        "second": viewer["signedInWithSecondFactor"],
        "required": viewer["secondFactorRequired"],
        "civil_servant": "CIVIL_SERVANT" in [r["role"] for r in viewer["roles"]],
    }


async def challenges(api: Any) -> int:
    async with api.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(PasskeyChallenge)) or 0)


async def may_enrol(api: Any, access_token: str) -> bool:
    body = await send(api, "PasskeyRegistrationOptions", token=access_token)
    return not body.get("errors")


async def test_a_password_alone_gives_a_civil_servant_no_civil_servant_standing(
    seeded: Any,
) -> None:
    session = await login(seeded, CIVIL_SERVANT)
    assert (session["secondFactor"], session["secondFactorRequired"]) == (None, True)
    # The account still holds the role; this session does not carry it.
    assert await standing(seeded, session["accessToken"]) == {
        "second": False,
        "required": True,
        "civil_servant": True,
    }

    body = await send(seeded, "PasskeyRegistrationOptions", token=session["accessToken"])
    error = only_error(body)
    assert error["extensions"] == {
        "code": "SECOND_FACTOR_REQUIRED",
        "methods": ["CARD", "PASSKEY"],
    }
    assert error["message"] == REQUIRED_VI
    assert body["data"] == {"passkeyRegistrationOptions": None}
    english = await seeded(
        "mutation { passkeyRegistrationOptions { optionsJson } }",
        token=session["accessToken"],
        language="en",
    )
    assert only_error(english)["message"] == REQUIRED_EN
    assert await challenges(seeded) == 0  # nothing was started

    # Refreshing does not add what the sign-in did not prove.
    rotated = await refresh(seeded, session["refreshToken"])
    assert (rotated["secondFactor"], rotated["secondFactorRequired"]) == (None, True)
    assert not await may_enrol(seeded, rotated["accessToken"])

    resident = await login(seeded, RESIDENT)
    assert (resident["secondFactor"], resident["secondFactorRequired"]) == (None, False)
    assert (await standing(seeded, resident["accessToken"]))["required"] is False


async def test_the_card_gives_the_standing_and_a_refresh_keeps_it(seeded: Any) -> None:
    card = await my_card(seeded, await token(seeded, CIVIL_SERVANT), "CIVIL_SERVANT")
    nonce = (await ok(seeded, "RequestCardNonce", {"purpose": "SIGN_IN"}))["requestCardNonce"]
    presentation = card_presentation(card["credential"], CIVIL_SERVANT, nonce)
    signed_in = (await ok(seeded, "SignInWithCard", {"presentation": presentation}))[
        "signInWithCard"
    ]
    assert await standing(seeded, signed_in["accessToken"]) == {
        "second": True,
        "required": False,
        "civil_servant": True,
    }
    assert await may_enrol(seeded, signed_in["accessToken"])

    rotated = await refresh(seeded, signed_in["refreshToken"])
    assert (rotated["secondFactor"], rotated["secondFactorRequired"]) == ("CARD", False)
    assert await may_enrol(seeded, rotated["accessToken"])


async def test_a_password_and_a_passkey_give_the_standing_and_a_refresh_keeps_it(
    seeded: Any,
) -> None:
    device = authenticator()
    await register(seeded, device)
    answer = device.get(await sign_in_options(seeded))
    tokens = (await ok(seeded, "FinishPasskeySignIn", {"credential": answer}))[
        "finishPasskeySignIn"
    ]
    assert (await standing(seeded, tokens["accessToken"]))["required"] is False
    assert await may_enrol(seeded, tokens["accessToken"])

    rotated = await refresh(seeded, tokens["refreshToken"])
    assert (rotated["secondFactor"], rotated["secondFactorRequired"]) == ("PASSKEY", False)
    assert await may_enrol(seeded, rotated["accessToken"])


async def test_a_password_session_cannot_enrol_a_passkey_of_its_own(seeded: Any) -> None:
    """A registration challenge fetched in a card session, answered from a password session:
    refused, and no passkey is kept."""
    card_session = await token(seeded, CIVIL_SERVANT, SecondFactor.CARD)
    options = (await ok(seeded, "PasskeyRegistrationOptions", token=card_session))[
        "passkeyRegistrationOptions"
    ]["optionsJson"]
    password_only = (await login(seeded, CIVIL_SERVANT))["accessToken"]
    credential = authenticator().create(options)
    body = await send(seeded, "RegisterPasskey", {"credential": credential}, token=password_only)
    assert only_error(body)["extensions"]["code"] == "SECOND_FACTOR_REQUIRED"
    async with seeded.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Passkey)) == 0
