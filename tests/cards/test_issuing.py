"""Cards as issued: SD-JWT VCs bound to the holder's device key, under keys the issuer
publishes, pointing into per-kind status lists; the staff list gates civil-servant cards."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import jwt
import pytest
from jwcrypto.jwk import JWK
from sd_jwt.verifier import SDJWTVerifier
from sqlalchemy import func, select

from backend.cards import keys, sdjwt, statuslist
from backend.cards.models import StaffEntry
from backend.seed.cards import agency_id
from tests.business.conftest import RESTAURANT, business_gid
from tests.cards.conftest import (
    ADMIN,
    CIVIL_SERVANT,
    ISSUER,
    OWNER,
    PARENT,
    RESIDENT,
    VERIFIER,
    agency_gid,
    card_gid,
    device_key,
    inbox,
    my_card,
    ok,
    present,
    send,
)
from tests.support.graphql import only_error
from tests.support.sessions import token


async def _metadata(api: Any) -> dict[str, Any]:
    response = await api.client.get("/.well-known/jwt-vc-issuer")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_each_demo_holder_has_a_key_bound_sd_jwt_vc_verified_by_an_independent_library(
    seeded: Any,
) -> None:
    metadata = await _metadata(seeded)
    assert metadata["issuer"] == ISSUER
    published = {k["kid"]: k for k in metadata["jwks"]["keys"]}
    expected = {
        CIVIL_SERVANT: ("CIVIL_SERVANT", "civil-servant-card", "position"),
        RESIDENT: ("CITIZEN", "citizen-card", "age_over_18"),
        OWNER: ("BUSINESS", "business-card", "enterprise_code"),
    }
    for phone, (kind, vct, claim) in expected.items():
        card = await my_card(seeded, await token(seeded, phone), kind)
        assert card["status"] == "VALID"
        credential = card["credential"]
        issuer_jwt = credential.split("~")[0]
        header = jwt.get_unverified_header(issuer_jwt)
        payload = jwt.decode(issuer_jwt, options={"verify_signature": False})
        assert (header["typ"], payload["iss"], payload["vct"]) == (
            "dc+sd-jwt",
            ISSUER,
            f"{ISSUER}/vct/{vct}",
        )
        assert "_sd_alg" not in payload  # sha-256, the default
        assert header["kid"] in published
        assert payload["exp"] > payload["iat"]
        assert payload["cnf"]["jwk"] == keys.public_jwk(device_key(phone))
        assert payload["status"]["status_list"]["uri"] == f"{ISSUER}/cards/status/{vct}"
        # Nothing personal in the clear: every claim is behind a digest.
        assert not {"given_name", "personal_identifier", "enterprise_code"} & payload.keys()

        presentation = present(credential, [claim], key=device_key(phone), nonce="n-123")
        checked = SDJWTVerifier(
            presentation,
            lambda iss, hdr: JWK(**published[hdr["kid"]]) if iss == ISSUER else None,
            expected_aud=VERIFIER,
            expected_nonce="n-123",
        )
        disclosed = checked.get_verified_payload()
        assert claim in disclosed
        assert not {"given_name", "birthdate", "personal_identifier"} & disclosed.keys()


async def test_status_lists_are_signed_with_a_ttl_and_show_the_revoked_demo_card(
    seeded: Any,
) -> None:
    jwks = (await _metadata(seeded))["jwks"]
    revoked = await my_card(seeded, await token(seeded, PARENT), "CITIZEN")
    valid = await my_card(seeded, await token(seeded, RESIDENT), "CITIZEN")
    response = await seeded.client.get("/cards/status/citizen-card")
    assert response.headers["content-type"].startswith("application/statuslist+jwt")
    header = jwt.get_unverified_header(response.text)
    assert header["typ"] == "statuslist+jwt"
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == header["kid"])).key
    claims = jwt.decode(response.text, key, algorithms=["EdDSA", "ES256"])
    assert claims["sub"] == f"{ISSUER}/cards/status/citizen-card"
    assert claims["ttl"] > 0
    assert claims["status_list"]["bits"] == 2

    def index(card: dict[str, Any]) -> int:
        issuer_jwt = card["credential"].split("~")[0]
        payload = jwt.decode(issuer_jwt, options={"verify_signature": False})
        return int(payload["status"]["status_list"]["idx"])

    lst = claims["status_list"]["lst"]
    assert statuslist.status_at(lst, index(revoked)) == 1
    assert statuslist.status_at(lst, index(valid)) == 0
    assert revoked["status"] == "REVOKED"
    assert (await seeded.client.get("/cards/status/unknown")).status_code == 404


def test_status_list_encoding_matches_the_drafts_example() -> None:
    # draft-ietf-oauth-status-list, section 4.1: 2-bit statuses of 12 tokens.
    statuses = dict(enumerate([1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]))
    lst = statuslist.encode(statuses, size=12)
    assert [statuslist.status_at(lst, i) for i in range(12)] == list(statuses.values())
    assert sdjwt.b64url_decode(lst)[:2] == b"\x78\xda"  # zlib, best compression


async def _staff_count(api: Any) -> int:
    async with api.sessions() as session:
        statement = select(func.count()).where(StaffEntry.agency_id == agency_id())
        return int(await session.scalar(statement) or 0)


STAFF_CSV = (
    "phone,full_name,employing_unit,position,card_number\n"
    "0905 000 003,Trần Thị Công (demo),Phòng Hành chính,Chuyên viên chính,HUE-000399\n"
    "0905000012,Võ Văn Mới (demo),Phòng Tổng hợp,Chuyên viên,HUE-000400\n"
)


async def test_an_agency_administrator_replaces_the_staff_list_and_reissues_a_card(
    seeded: Any,
) -> None:
    admin = await token(seeded, ADMIN)
    before = await _staff_count(seeded)
    bad = STAFF_CSV + "not-a-phone,Ai Đó,Phòng,Chức vụ,HUE-1\n"
    refused = await send(
        seeded, "ImportCardStaffList", {"agencyId": agency_gid(), "csv": bad}, token=admin
    )
    assert only_error(refused)["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.csv"}
    assert "4" in only_error(refused)["message"]
    assert await _staff_count(seeded) == before  # all or nothing

    # Someone who does not administer the agency is told it does not exist.
    outsider = await send(
        seeded,
        "ImportCardStaffList",
        {"agencyId": agency_gid(), "csv": STAFF_CSV},
        token=await token(seeded, CIVIL_SERVANT),
    )
    assert only_error(outsider)["extensions"]["code"] == "NOT_FOUND"

    imported = await ok(
        seeded, "ImportCardStaffList", {"agencyId": agency_gid(), "csv": STAFF_CSV}, token=admin
    )
    assert imported["importCardStaffList"]["staffCount"] == 2

    issue = {
        "agencyId": agency_gid(),
        "phone": "0905000003",
        "photoRef": "photo:HUE-000399",
        "validFrom": date.today().isoformat(),
        "validTo": date(date.today().year + 3, 1, 31).isoformat(),
    }
    held = await send(seeded, "IssueCivilServantCard", issue, token=admin)
    assert only_error(held)["extensions"]["code"] == "CONFLICT"  # the demo card is live
    revoked = await ok(
        seeded,
        "ChangeCardStatus",
        {"cardId": card_gid("civil-servant"), "change": "REVOKE"},
        token=admin,
    )
    assert revoked["changeCardStatus"]["status"] == "REVOKED"
    not_staff = await send(
        seeded, "IssueCivilServantCard", {**issue, "phone": "0905000001"}, token=admin
    )
    assert only_error(not_staff)["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.phone"}

    card = (await ok(seeded, "IssueCivilServantCard", issue, token=admin))["issueCivilServantCard"]
    assert (card["kind"], card["status"], card["cardNumber"]) == (
        "CIVIL_SERVANT",
        "VALID",
        "HUE-000399",
    )
    claims = _disclosed(card["credential"])
    assert claims["position"] == "Chuyên viên chính"
    assert claims["agency"] == "Văn phòng UBND thành phố Huế"
    pushes = [(p.type, p.data) for p in await inbox(seeded, CIVIL_SERVANT)]
    assert [kind for kind, _ in pushes] == ["card.revoked", "card.issued"]
    assert set(pushes[-1][1]) == {"cardId", "kind", "event"}  # ids only, nothing personal


def _disclosed(credential: str) -> dict[str, Any]:
    parsed = sdjwt.parse(credential)
    return {
        json.loads(sdjwt.b64url_decode(d))[1]: json.loads(sdjwt.b64url_decode(d))[2]
        for d in parsed.disclosures
    }


async def test_pilot_cards_for_a_verified_resident_and_a_business_representative(
    seeded: Any,
) -> None:
    operator = await token(seeded, ADMIN)
    # The parent's demo card was revoked: an operator may issue a new one after checking
    # identity documents; the card's device key must have been registered first.
    citizen = {
        "phone": PARENT,
        "fullName": "Hoàng Thị Huynh (demo)",
        "birthDate": "2010-02-03",
        "personalId": "046310000002",
        "address": "12 Lê Lợi, Huế",
        "photoRef": "photo:046310000002",
    }
    bad_id = await send(
        seeded, "IssueCitizenCard", {**citizen, "personalId": "12-34"}, token=operator
    )
    assert only_error(bad_id)["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.personalId",
    }
    not_operator = await send(
        seeded, "IssueCitizenCard", citizen, token=await token(seeded, RESIDENT)
    )
    assert only_error(not_operator)["extensions"]["code"] == "FORBIDDEN"
    card = (await ok(seeded, "IssueCitizenCard", citizen, token=operator))["issueCitizenCard"]
    claims = _disclosed(card["credential"])
    assert (claims["age_over_18"], claims["birthdate"]) == (False, "2010-02-03")

    # The representative already holds the demo business card; a second live one is refused.
    owner = await token(seeded, OWNER)
    again = await send(
        seeded, "RequestBusinessCard", {"businessId": business_gid(RESTAURANT)}, token=owner
    )
    assert only_error(again)["extensions"]["code"] == "CONFLICT"
    stranger = await send(
        seeded,
        "RequestBusinessCard",
        {"businessId": business_gid(RESTAURANT)},
        token=await token(seeded, RESIDENT),
    )
    assert only_error(stranger)["extensions"] == {"code": "NOT_FOUND", "field": "input.businessId"}


async def test_device_keys_must_be_public_ed25519_or_p256(seeded: Any) -> None:
    resident = await token(seeded, RESIDENT)
    public = keys.public_jwk(device_key(RESIDENT))
    registered = await ok(
        seeded, "RegisterCardDeviceKey", {"publicJwk": json.dumps(public)}, token=resident
    )
    assert registered["registerCardDeviceKey"]["thumbprint"] == keys.thumbprint(public)
    for bad in ({**public, "d": "secret"}, {"kty": "RSA", "n": "x", "e": "AQAB"}, "[1]"):
        refused = await send(
            seeded,
            "RegisterCardDeviceKey",
            {"publicJwk": bad if isinstance(bad, str) else json.dumps(bad)},
            token=resident,
        )
        assert only_error(refused)["extensions"] == {
            "code": "BAD_USER_INPUT",
            "field": "input.publicJwk",
        }


@pytest.mark.parametrize("settings_overrides", [{"CARDS_KEY_SECRET": "another-secret-" * 3}])
async def test_under_another_secret_development_starts_a_new_key_and_old_cards_still_verify(
    seeded: Any,
) -> None:
    before = {k["kid"] for k in (await _metadata(seeded))["jwks"]["keys"]}
    status = await seeded.client.get("/cards/status/citizen-card")
    new_kid = jwt.get_unverified_header(status.text)["kid"]
    assert new_kid not in before
    after = {k["kid"] for k in (await _metadata(seeded))["jwks"]["keys"]}
    assert after == before | {new_kid}
    card = await my_card(seeded, await token(seeded, RESIDENT), "CITIZEN")
    nonce = (await ok(seeded, "RequestCardNonce", {"purpose": "PRESENTATION"}))["requestCardNonce"]
    presentation = present(
        card["credential"], ["photo_ref"], key=device_key(RESIDENT), nonce=nonce["nonce"]
    )
    checked = await ok(seeded, "VerifyPresentation", {"presentation": presentation})
    assert checked["verifyPresentation"]["valid"] is True


async def test_my_cards_reads_in_a_bounded_number_of_statements(seeded: Any) -> None:
    owner = await token(seeded, OWNER)
    seeded.sql.clear()
    cards = (await ok(seeded, "MyCards", token=owner))["viewer"]["cards"]["edges"]
    assert [edge["node"]["kind"] for edge in cards] == ["BUSINESS"]
    # The viewer (with its session) and one page of cards.
    assert seeded.sql.count <= 3, seeded.sql.statements
