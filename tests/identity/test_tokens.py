"""Access tokens: every classic JWT attack is refused, and key rotation keeps sessions alive."""

from __future__ import annotations

import base64
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.app import create_app
from backend.errors import Unauthenticated
from backend.identity import tokens
from backend.identity.tokens import Keyring, key_id
from backend.settings import Settings
from tests.support.graphql import VIEWER, data, error_codes, login
from tests.support.processes import write_signing_key


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (
        json.loads(base64.urlsafe_b64decode(pad(header))),
        json.loads(base64.urlsafe_b64decode(pad(payload))),
        signature,
    )


def _signing_key(settings: Settings) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(settings.signing_key_pem, password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def _resign(settings: Settings, token: str, **changes: Any) -> str:
    header, payload, _ = _parts(token)
    payload.update(changes)
    return jwt.encode(payload, _signing_key(settings), algorithm="EdDSA", headers=header)


async def _assert_refused(api: Any, token: str) -> None:
    body = await api(VIEWER, token=token)
    assert error_codes(body) == ["UNAUTHENTICATED"], body
    assert body["data"] == {"viewer": None}


async def test_a_genuine_token_is_accepted(seeded: Any) -> None:
    session = await login(seeded)
    assert (
        data(await seeded(VIEWER, token=session["accessToken"]))["viewer"]["phone"]
        == "+84905000001"
    )


async def test_alg_none_is_refused(seeded: Any) -> None:
    header, payload, _ = _parts((await login(seeded))["accessToken"])
    header["alg"] = "none"
    forged = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}."
    await _assert_refused(seeded, forged)


async def test_hs256_signed_with_the_public_key_is_refused(seeded: Any, settings: Settings) -> None:
    header, payload, _ = _parts((await login(seeded))["accessToken"])
    public_pem = (
        _signing_key(settings)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    signing_input = f"{_b64(json.dumps({**header, 'alg': 'HS256'}).encode())}.{_b64(json.dumps(payload).encode())}"
    import hashlib
    import hmac

    signature = _b64(hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest())
    await _assert_refused(seeded, f"{signing_input}.{signature}")


async def test_tampered_payload_is_refused(seeded: Any) -> None:
    token = (await login(seeded))["accessToken"]
    header, _, signature = token.split(".")
    claims = _parts(token)[1]
    claims["sub"] = "00000000-0000-0000-0000-000000000001"
    await _assert_refused(seeded, f"{header}.{_b64(json.dumps(claims).encode())}.{signature}")


async def test_expired_token_is_refused(seeded: Any, settings: Settings) -> None:
    token = (await login(seeded))["accessToken"]
    past = int(time.time()) - 3600
    await _assert_refused(
        seeded, _resign(settings, token, iat=past - 900, nbf=past - 900, exp=past)
    )


@pytest.mark.parametrize(
    "claim", [{"aud": "someone-else"}, {"iss": "https://evil.example"}, {"sid": "not-a-uuid"}]
)
async def test_wrong_audience_issuer_or_session_is_refused(
    seeded: Any, settings: Settings, claim: dict[str, str]
) -> None:
    token = (await login(seeded))["accessToken"]
    await _assert_refused(seeded, _resign(settings, token, **claim))


async def test_unknown_kid_is_refused(seeded: Any) -> None:
    token = (await login(seeded))["accessToken"]
    header, payload, _ = _parts(token)
    stranger = Ed25519PrivateKey.generate()
    forged = jwt.encode(
        payload,
        stranger,
        algorithm="EdDSA",
        headers={**header, "kid": key_id(stranger.public_key())},
    )
    await _assert_refused(seeded, forged)
    # Even claiming our kid does not help a key we never trusted.
    await _assert_refused(seeded, jwt.encode(payload, stranger, algorithm="EdDSA", headers=header))


async def test_refresh_token_used_as_access_token_is_refused(seeded: Any) -> None:
    await _assert_refused(seeded, (await login(seeded))["refreshToken"])


async def test_token_of_another_type_is_refused(seeded: Any, settings: Settings) -> None:
    token = (await login(seeded))["accessToken"]
    header, payload, _ = _parts(token)
    id_token = jwt.encode(
        payload, _signing_key(settings), algorithm="EdDSA", headers={**header, "typ": "JWT"}
    )
    await _assert_refused(seeded, id_token)


async def test_rotated_out_key_still_verifies_until_removed(
    seeded: Any, settings: Settings, tmp_path: Path
) -> None:
    """Sign with a new key, keep the old one for verification: sessions survive the rotation."""
    old_token = (await login(seeded))["accessToken"]
    old_public = tmp_path / "old-public.pem"
    old_public.write_bytes(
        _signing_key(settings)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    new_private = write_signing_key(tmp_path / "new-private.pem")
    rotated = Settings(
        DATABASE_URL=settings.database_url,
        CITIZEN_VAR_DIR=settings.var_dir,
        JWT_SIGNING_KEY_FILE=new_private,
        JWT_VERIFICATION_KEY_FILES=[old_public],
    )
    without_old = Settings(
        DATABASE_URL=settings.database_url,
        CITIZEN_VAR_DIR=settings.var_dir,
        JWT_SIGNING_KEY_FILE=new_private,
    )
    import httpx

    for config, accepted in ((rotated, True), (without_old, False)):
        app = create_app(config)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://citizen.test"
        ) as client:
            response = await client.post(
                "/graphql",
                json={"query": VIEWER},
                headers={"Authorization": f"Bearer {old_token}"},
            )
            body = response.json()
            if accepted:
                assert data(body)["viewer"]["phone"] == "+84905000001"
                new_session = data(
                    (
                        await client.post(
                            "/graphql",
                            json={
                                "query": 'mutation { login(input: {identifier: "0905000001", password: "hue-demo-2026"}) { accessToken } }'
                            },
                        )
                    ).json()
                )["login"]
                assert _parts(new_session["accessToken"])[0]["kid"] != _parts(old_token)[0]["kid"]
            else:
                assert error_codes(body) == ["UNAUTHENTICATED"]
        await app.state.engine.dispose()


def test_a_token_accepted_before_is_refused_from_its_expiry(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring = Keyring(settings)
    token = keyring.issue(user_id=uuid.uuid4(), session_id=uuid.uuid4(), now=datetime.now(UTC))
    claims = keyring.verify(token)
    assert keyring.verify(token) == claims  # the second time from what the first one checked

    expiry = claims.expires_at.timestamp()
    monkeypatch.setattr(tokens.time, "time", lambda: expiry - 1)
    assert keyring.verify(token) == claims
    monkeypatch.setattr(tokens.time, "time", lambda: expiry)
    with pytest.raises(Unauthenticated):
        keyring.verify(token)
