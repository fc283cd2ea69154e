"""Passkeys as civil servants' second factor on the web: registration, then a password and a
passkey assertion before any token; every refusal leaves no session behind."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from backend.cards.models import Passkey, PasskeySession
from backend.db.types import utcnow
from backend.identity.models import RefreshToken, SecondFactor
from backend.seed.demo import stable_id
from backend.seed.hue import DEMO_PASSWORD
from tests.cards.conftest import CIVIL_SERVANT, ISSUER, RESIDENT, ok, send
from tests.support.clock import Clock
from tests.support.graphql import only_error
from tests.support.sessions import token
from tests.support.webauthn import SoftAuthenticator, b64url

ORIGIN = ISSUER
RP_ID = "citizen-hub.hue.gov.vn"
SECOND_FACTOR = "query { viewer { phone signedInWithSecondFactor } }"


def authenticator(*, synced: bool = False) -> SoftAuthenticator:
    return SoftAuthenticator(origin=ORIGIN, rp_id=RP_ID, synced=synced)


async def card_session(api: Any) -> str:
    """A session of the civil servant opened with the card (app or desktop QR sign-in)."""
    return await token(api, CIVIL_SERVANT, SecondFactor.CARD)


async def register(
    api: Any, device: SoftAuthenticator, name: str | None = None, *, viewer: str | None = None
) -> dict[str, Any]:
    viewer = viewer or await card_session(api)
    options = (await ok(api, "PasskeyRegistrationOptions", token=viewer))[
        "passkeyRegistrationOptions"
    ]["optionsJson"]
    credential = device.create(options)
    variables = {"credential": credential, "name": name}
    return dict((await ok(api, "RegisterPasskey", variables, token=viewer))["registerPasskey"])


async def sign_in_options(api: Any) -> str:
    variables = {"identifier": CIVIL_SERVANT, "password": DEMO_PASSWORD}
    started = (await ok(api, "StartPasskeySignIn", variables))["startPasskeySignIn"]
    return str(started["optionsJson"])


async def finish(api: Any, assertion: str) -> dict[str, Any]:
    return await send(api, "FinishPasskeySignIn", {"credential": assertion})


def refusal(body: dict[str, Any]) -> str:
    error = only_error(body)
    assert error["extensions"]["code"] == "UNAUTHENTICATED", error
    assert not (body.get("data") or {}).get("finishPasskeySignIn")
    return str(error["extensions"]["reason"])


async def sessions_of_civil_servant(api: Any) -> int:
    async with api.sessions() as session:
        statement = select(func.count()).where(
            RefreshToken.user_id == stable_id("user", CIVIL_SERVANT)
        )
        return int(await session.scalar(statement) or 0)


async def stored(api: Any, device: SoftAuthenticator) -> Passkey:
    async with api.sessions() as session:
        found = await session.scalar(
            select(Passkey).where(Passkey.credential_id == b64url(device.credential_id))
        )
        assert found is not None
        return found


async def test_a_civil_servant_registers_a_passkey_then_signs_in_with_password_and_passkey(
    seeded: Any,
) -> None:
    device = authenticator()
    registered = await register(seeded, device)
    assert registered["credentialId"] == b64url(device.credential_id)
    assert (registered["backupEligible"], registered["backupState"]) == (False, False)
    assert registered["transports"] == ["hybrid", "internal"]

    options = json.loads(await sign_in_options(seeded))
    assert options["rpId"] == RP_ID
    assert [c["id"] for c in options["allowCredentials"]] == [registered["credentialId"]]

    signed_in = await finish(seeded, device.get(json.dumps(options)))
    tokens = signed_in["data"]["finishPasskeySignIn"]
    viewer = await seeded(SECOND_FACTOR, token=tokens["accessToken"])
    assert viewer["data"]["viewer"] == {"phone": CIVIL_SERVANT, "signedInWithSecondFactor": True}
    password_only = await seeded(SECOND_FACTOR, token=await token(seeded, CIVIL_SERVANT))
    assert password_only["data"]["viewer"]["signedInWithSecondFactor"] is False
    assert (await stored(seeded, device)).sign_count == 1
    async with seeded.sessions() as session:
        marked = await session.scalar(select(func.count()).select_from(PasskeySession))
    assert marked == 1


async def test_only_civil_servants_register_passkeys(seeded: Any) -> None:
    for second_factor in (None, SecondFactor.CARD):
        resident = await token(seeded, RESIDENT, second_factor)
        body = await send(seeded, "PasskeyRegistrationOptions", token=resident)
        assert only_error(body)["extensions"]["code"] == "FORBIDDEN"


async def test_a_wrong_password_or_no_passkey_gives_no_options(seeded: Any) -> None:
    wrong = {"identifier": CIVIL_SERVANT, "password": "not-the-password"}
    body = await send(seeded, "StartPasskeySignIn", wrong)
    assert only_error(body)["extensions"]["code"] == "UNAUTHENTICATED"
    none_yet = {"identifier": CIVIL_SERVANT, "password": DEMO_PASSWORD}
    body = await send(seeded, "StartPasskeySignIn", none_yet)
    assert only_error(body)["extensions"]["code"] == "CONFLICT"


async def test_every_bad_assertion_is_refused_with_its_reason_and_opens_no_session(
    seeded: Any,
) -> None:
    device = authenticator()
    await register(seeded, device)
    before = await sessions_of_civil_servant(seeded)

    cases = {
        "challenge_invalid": lambda o: device.get(o, challenge=b64url(b"never issued by us")),
        "origin_mismatch": lambda o: device.get(o, origin="https://phishing.example"),
        "rp_id_mismatch": lambda o: device.get(o, rp_id="phishing.example"),
        "credential_unknown": lambda o: authenticator().get(o),
        "signature_invalid": lambda o: device.get(o, forge=True),
    }
    for reason, answer in cases.items():
        body = await finish(seeded, answer(await sign_in_options(seeded)))
        assert refusal(body) == reason

    assert await sessions_of_civil_servant(seeded) == before


async def test_a_challenge_is_used_once_and_lasts_two_minutes(seeded: Any, clock: Clock) -> None:
    device = authenticator()
    await register(seeded, device)
    assertion = device.get(await sign_in_options(seeded))
    assert "errors" not in await finish(seeded, assertion)
    assert refusal(await finish(seeded, assertion)) == "replayed"

    late = device.get(await sign_in_options(seeded))
    clock.set(utcnow() + timedelta(minutes=2, seconds=1))
    assert refusal(await finish(seeded, late)) == "challenge_invalid"


async def test_a_registration_challenge_does_not_sign_in_and_registration_checks_origin(
    seeded: Any,
) -> None:
    viewer = await card_session(seeded)
    options = (await ok(seeded, "PasskeyRegistrationOptions", token=viewer))[
        "passkeyRegistrationOptions"
    ]["optionsJson"]
    device = authenticator()
    phished = device.create(options, origin="https://phishing.example")
    body = await send(seeded, "RegisterPasskey", {"credential": phished}, token=viewer)
    assert only_error(body)["extensions"]["reason"] == "origin_mismatch"
    again = await send(
        seeded, "RegisterPasskey", {"credential": device.create(options)}, token=viewer
    )
    assert only_error(again)["extensions"]["reason"] == "replayed"

    await register(seeded, device)
    # An answer over a registration challenge is not a sign-in.
    fresh = (await ok(seeded, "PasskeyRegistrationOptions", token=viewer))[
        "passkeyRegistrationOptions"
    ]["optionsJson"]
    assert refusal(await finish(seeded, device.get(fresh))) == "challenge_invalid"


async def test_a_device_bound_counter_must_grow_and_a_synced_one_may_stay(seeded: Any) -> None:
    bound = authenticator()
    await register(seeded, bound)
    bound.sign_count = 5
    assert "errors" not in await finish(seeded, bound.get(await sign_in_options(seeded)))
    bound.sign_count = 2  # a cloned authenticator lags behind
    body = await finish(seeded, bound.get(await sign_in_options(seeded)))
    assert refusal(body) == "counter_regressed"
    assert (await stored(seeded, bound)).sign_count == 6

    synced = authenticator(synced=True)
    registered = await register(seeded, synced)
    assert (registered["backupEligible"], registered["backupState"]) == (True, True)
    for _ in range(2):  # a synced passkey may always say 0
        answer = synced.get(await sign_in_options(seeded), count_by=0)
        assert "errors" not in await finish(seeded, answer)
    synced.sign_count = 9
    assert "errors" not in await finish(seeded, synced.get(await sign_in_options(seeded)))
    synced.sign_count = 3  # another device of the owner, its own count
    assert "errors" not in await finish(seeded, synced.get(await sign_in_options(seeded)))
    assert (await stored(seeded, synced)).sign_count == 10
