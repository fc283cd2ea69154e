"""Using a card: a civil servant signs in with it, any holder shows it by QR, and verifiers
check presentations online (GraphQL) or offline (cached keys and lists); each forgery or misuse
is refused with its reason code."""

from __future__ import annotations

import io
import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric import ec
from PIL import Image

from backend.cards import keys, qr, sdjwt, verify
from backend.cards.cli import cache_trust, verify_offline
from backend.cards.issuing import Issuer
from backend.cards.models import CardKind
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.settings import Settings
from tests.cards.conftest import (
    ADMIN,
    CIVIL_SERVANT,
    OPERATIONS,
    OWNER,
    PARENT,
    RESIDENT,
    SIGN_IN,
    VERIFIER,
    device_key,
    inbox,
    my_card,
    ok,
    present,
    send,
)
from tests.support.graphql import only_error
from tests.support.sessions import token

# What a holder typically shows: enough for the verifier, nothing more.
TYPICAL = {
    "CIVIL_SERVANT": (CIVIL_SERVANT, ["given_name", "agency", "position", "photo_ref"]),
    "CITIZEN": (RESIDENT, ["age_over_18", "photo_ref"]),
    "BUSINESS": (OWNER, ["enterprise_code", "business_name", "representative"]),
}


async def _nonce(api: Any, purpose: str) -> dict[str, Any]:
    return dict((await ok(api, "RequestCardNonce", {"purpose": purpose}))["requestCardNonce"])


async def _verify(api: Any, presentation: str) -> dict[str, Any]:
    answer = await ok(api, "VerifyPresentation", {"presentation": presentation})
    return dict(answer["verifyPresentation"])


async def test_a_civil_servant_signs_in_with_the_card_until_it_is_suspended(seeded: Any) -> None:
    card = await my_card(seeded, await token(seeded, CIVIL_SERVANT), "CIVIL_SERVANT")
    nonce = await _nonce(seeded, "SIGN_IN")
    assert nonce["audience"] == SIGN_IN
    presentation = present(
        card["credential"],
        [],
        key=device_key(CIVIL_SERVANT),
        nonce=nonce["nonce"],
        audience=SIGN_IN,
    )
    signed_in = (await ok(seeded, "SignInWithCard", {"presentation": presentation}))[
        "signInWithCard"
    ]
    assert signed_in["card"]["id"] == card["id"]
    viewer = await seeded(
        "query { viewer { phone roles { role } } }", token=signed_in["accessToken"]
    )
    assert viewer["data"]["viewer"]["phone"] == CIVIL_SERVANT
    assert "CIVIL_SERVANT" in [r["role"] for r in viewer["data"]["viewer"]["roles"]]

    # The same presentation again, and one over a nonce never issued, are refused.
    replayed = await send(seeded, "SignInWithCard", {"presentation": presentation})
    assert only_error(replayed)["extensions"] == {"code": "UNAUTHENTICATED", "reason": "replayed"}
    made_up = present(
        card["credential"], [], key=device_key(CIVIL_SERVANT), nonce="made-up", audience=SIGN_IN
    )
    wrong = await send(seeded, "SignInWithCard", {"presentation": made_up})
    assert only_error(wrong)["extensions"]["reason"] == "nonce_invalid"

    # Another resident's card cannot sign in, even correctly presented.
    resident_card = await my_card(seeded, await token(seeded, RESIDENT), "CITIZEN")
    other = present(
        resident_card["credential"],
        [],
        key=device_key(RESIDENT),
        nonce=(await _nonce(seeded, "SIGN_IN"))["nonce"],
        audience=SIGN_IN,
    )
    refused = await seeded(OPERATIONS["SignInWithCard"], {"presentation": other}, language="en")
    assert only_error(refused)["extensions"]["reason"] == "wrong_kind"
    assert only_error(refused)["message"] == "Only a civil-servant card can sign in."

    # The agency suspends the card: the session opened with it can no longer refresh, the
    # holder is told, and signing in again is refused.
    admin = await token(seeded, ADMIN)
    changed = await ok(
        seeded, "ChangeCardStatus", {"cardId": card["id"], "change": "SUSPEND"}, token=admin
    )
    assert changed["changeCardStatus"]["status"] == "SUSPENDED"
    refresh = await send(seeded, "RefreshSession", {"refreshToken": signed_in["refreshToken"]})
    assert only_error(refresh)["extensions"]["code"] == "UNAUTHENTICATED"
    again = present(
        card["credential"],
        [],
        key=device_key(CIVIL_SERVANT),
        nonce=(await _nonce(seeded, "SIGN_IN"))["nonce"],
        audience=SIGN_IN,
    )
    suspended = await send(seeded, "SignInWithCard", {"presentation": again})
    assert only_error(suspended)["extensions"]["reason"] == "suspended"
    pushes = await inbox(seeded, CIVIL_SERVANT)
    assert [(p.type, p.data["event"]) for p in pushes] == [("card.suspended", "SUSPENDED")]
    # Suspending twice is refused and changes nothing.
    twice = await send(
        seeded, "ChangeCardStatus", {"cardId": card["id"], "change": "SUSPEND"}, token=admin
    )
    assert only_error(twice)["extensions"]["code"] == "CONFLICT"


def _decode(png: bytes) -> str:
    # A QR symbol only: the decoder's 1D readers can see a short "barcode" in a QR's modules.
    found = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    # The decoder may report one symbol twice (found from two of its finder patterns).
    texts = {str(barcode.text) for barcode in found}
    assert len(texts) == 1
    return texts.pop()


async def test_each_kind_shown_by_qr_decodes_and_verifies_online_and_offline(
    seeded: Any, settings: Settings, tmp_path: Path
) -> None:
    trust = tmp_path / "trust"
    await cache_trust(settings, trust)
    for kind, (phone, reveal) in TYPICAL.items():
        card = await my_card(seeded, await token(seeded, phone), kind)
        offline = present(
            card["credential"],
            reveal,
            key=device_key(phone),
            nonce=verify.offline_nonce(int(time.time())),
        )
        code = qr.render(offline)
        assert code.version <= qr.MAX_VERSION, (kind, code.version, len(offline))
        scanned = _decode(qr.png(offline))
        assert scanned == offline

        report = verify_offline(scanned, trust, audience=VERIFIER)
        assert (report["valid"], sorted(report["claims"])) == (True, sorted(reveal))
        assert verify_offline(scanned, trust, audience=VERIFIER)["reason"] == "replayed"

        nonce = await _nonce(seeded, "PRESENTATION")
        online = present(card["credential"], reveal, key=device_key(phone), nonce=nonce["nonce"])
        checked = await _verify(seeded, _decode(qr.png(online)))
        assert (checked["valid"], checked["kind"]) == (True, kind)
        assert sorted(c["name"] for c in checked["claims"]) == sorted(reveal)
        assert (await _verify(seeded, online))["reason"] == "replayed"


async def test_offline_verification_needs_a_status_list_within_its_ttl(
    seeded: Any, settings: Settings, tmp_path: Path
) -> None:
    trust = tmp_path / "trust"
    await cache_trust(settings, trust)
    card = await my_card(seeded, await token(seeded, RESIDENT), "CITIZEN")
    later = int(time.time()) + Issuer.from_settings(settings).status_ttl + 120
    presentation = present(
        card["credential"],
        ["age_over_18"],
        key=device_key(RESIDENT),
        nonce=verify.offline_nonce(later),
        at=later,
    )
    report = verify_offline(presentation, trust, audience=VERIFIER, now=later)
    assert (report["valid"], report["reason"]) == (False, "status_unavailable")


async def _issuer_key(api: Any, settings: Settings) -> keys.SigningKey:
    async with UnitOfWork(api.sessions) as uow:
        return await keys.signing_key(uow.session, settings.card_key_secret, utcnow())


def _tamper_disclosure(presentation: str) -> str:
    parts = presentation.split("~")
    salt, name, _ = json.loads(sdjwt.b64url_decode(parts[1]))
    parts[1] = sdjwt.make_disclosure(name, False if name == "age_over_18" else "x", salt)
    return "~".join(parts)


async def test_forgeries_and_misuse_are_refused_with_a_reason(
    seeded: Any, settings: Settings, stranger_key: ec.EllipticCurvePrivateKey
) -> None:
    resident = await my_card(seeded, await token(seeded, RESIDENT), "CITIZEN")
    revoked = await my_card(seeded, await token(seeded, PARENT), "CITIZEN")
    credential = resident["credential"]
    signer = await _issuer_key(seeded, settings)
    issuer_jwt = credential.split("~")[0]
    import jwt

    payload = jwt.decode(issuer_jwt, options={"verify_signature": False})

    def reissued(**changes: Any) -> str:
        claims = {**payload, **changes}
        digests = claims.pop("_sd")
        claims.pop("_sd_alg", None)
        token_ = jwt.encode(
            {**claims, "_sd": digests, "_sd_alg": "sha-256"},
            changes.pop("key", signer.key) if "key" in changes else signer.key,
            algorithm=sdjwt.algorithm_of(signer.key),
            headers={"typ": "dc+sd-jwt", "kid": signer.kid},
        )
        return "~".join([token_, *credential.split("~")[1:]])

    async def fresh(
        cred: str, *, key: Any = None, reveal: tuple[str, ...] = ("age_over_18",)
    ) -> str:
        nonce = (await _nonce(seeded, "PRESENTATION"))["nonce"]
        return present(cred, list(reveal), key=key or device_key(RESIDENT), nonce=nonce)

    header, _body, signature = issuer_jwt.split(".")
    forged_body = sdjwt.b64url(json.dumps({**payload, "exp": payload["exp"] + 10**8}).encode())
    forged = "~".join([f"{header}.{forged_body}.{signature}", *credential.split("~")[1:]])
    other_issuer = reissued(iss="https://evil.example")
    expired = reissued(exp=int(time.time()) - 86400)

    foreign = sdjwt.make_disclosure("age_over_18", True)
    with_foreign = await fresh(credential)
    parts = with_foreign.split("~")
    not_in_credential = "~".join([parts[0], foreign, *parts[1:]])

    cases = {
        "signature_invalid": await fresh(forged),
        "issuer_unknown": await fresh(other_issuer),
        "expired": await fresh(expired),
        "revoked": await fresh(revoked["credential"], key=device_key(PARENT)),
        "nonce_invalid": present(credential, ["age_over_18"], key=device_key(RESIDENT), nonce="x"),
        "audience_mismatch": present(
            credential,
            [],
            key=device_key(RESIDENT),
            nonce=(await _nonce(seeded, "PRESENTATION"))["nonce"],
            audience="https://other.example",
        ),
        "disclosure_unknown": not_in_credential,
        "key_binding_invalid": await fresh(credential, key=stranger_key),
        "key_binding_missing": sdjwt.parse(await fresh(credential)).without_kb,
    }
    tampered = _tamper_disclosure(await fresh(credential))
    for reason, presentation in {**cases, "disclosure_unknown ": tampered}.items():
        checked = await _verify(seeded, presentation)
        assert (checked["valid"], checked["reason"], checked["claims"]) == (
            False,
            reason.strip(),
            [],
        ), reason

    # Suspension is seen at once; a replay of a presentation accepted once is refused.
    good = await fresh(credential)
    assert (await _verify(seeded, good))["valid"] is True
    assert (await _verify(seeded, good))["reason"] == "replayed"
    await ok(
        seeded,
        "ChangeCardStatus",
        {"cardId": resident["id"], "change": "SUSPEND"},
        token=await token(seeded, ADMIN),
    )
    assert (await _verify(seeded, await fresh(credential)))["reason"] == "suspended"


@pytest.mark.parametrize("algorithm", ["ES256"])
async def test_a_rotated_key_keeps_the_old_one_published_until_its_cards_expire(
    seeded: Any, settings: Settings, algorithm: str
) -> None:
    before = {
        k["kid"]
        for k in (await seeded.client.get("/.well-known/jwt-vc-issuer")).json()["jwks"]["keys"]
    }
    async with UnitOfWork(seeded.sessions) as uow:
        new_kid = await keys.rotate(uow.session, settings.card_key_secret, algorithm, utcnow())
    after = {
        k["kid"]: k
        for k in (await seeded.client.get("/.well-known/jwt-vc-issuer")).json()["jwks"]["keys"]
    }
    assert before < set(after)
    assert after[new_kid]["alg"] == algorithm
    # Cards issued before still verify; the status list is now signed with the new key.
    card = await my_card(seeded, await token(seeded, RESIDENT), "CITIZEN")
    nonce = (await _nonce(seeded, "PRESENTATION"))["nonce"]
    checked = await _verify(
        seeded, present(card["credential"], ["photo_ref"], key=device_key(RESIDENT), nonce=nonce)
    )
    assert checked["valid"] is True
    status = await seeded.client.get("/cards/status/citizen-card")
    import jwt

    assert jwt.get_unverified_header(status.text)["kid"] == new_kid
    # Past the old cards' expiry the old key is no longer published.
    async with seeded.sessions() as session:
        far = utcnow() + timedelta(days=366 * 6)
        assert {k["kid"] for k in (await keys.jwks(session, far))["keys"]} == {new_kid}
    assert CardKind.CITIZEN.value == "citizen"


async def test_the_cli_verifies_a_scanned_qr_offline_with_exit_status(
    seeded: Any, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from backend.cli import main as citizen

    trust = tmp_path / "trust"
    await cache_trust(settings, trust)
    card = await my_card(seeded, await token(seeded, RESIDENT), "CITIZEN")
    shown = present(
        card["credential"],
        ["age_over_18"],
        key=device_key(RESIDENT),
        nonce=verify.offline_nonce(int(time.time())),
    )
    scanned = _decode(qr.png(shown))
    assert citizen(["card", "verify", scanned, "--trust", str(trust)]) == 0
    assert json.loads(capsys.readouterr().out)["claims"] == {"age_over_18": True}
    assert citizen(["card", "verify", scanned, "--trust", str(trust)]) == 1
    assert json.loads(capsys.readouterr().out)["reason"] == "replayed"
