"""The issuer's signing keys: made on first use, private halves encrypted in the database with
a key derived from the settings, rotation that keeps old public keys published until the last
card they signed has expired."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from jwt.algorithms import ECAlgorithm, OKPAlgorithm
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cards import repository
from backend.cards.models import IssuerKey
from backend.cards.sdjwt import PrivateKey, b64url

ALGORITHMS = ("EdDSA", "ES256")
log = logging.getLogger(__name__)


def public_jwk(key: PrivateKey) -> dict[str, Any]:
    public = key.public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        found = ECAlgorithm.to_jwk(public, as_dict=True)
    else:
        found = OKPAlgorithm.to_jwk(public, as_dict=True)
    return {k: v for k, v in found.items() if k in ("kty", "crv", "x", "y")}


def thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638: the SHA-256 of the key's required members in lexicographic order."""
    members = ("crv", "kty", "x", "y") if jwk.get("kty") == "EC" else ("crv", "kty", "x")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode()).digest())


def generate(algorithm: str) -> PrivateKey:
    if algorithm == "EdDSA":
        return Ed25519PrivateKey.generate()
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"unsupported algorithm {algorithm}")


def _cipher(secret: bytes) -> AESGCM:
    return AESGCM(hashlib.sha256(b"citizen-hub cards issuer keys\x00" + secret).digest())


def seal(key: PrivateKey, secret: bytes, kid: str) -> str:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    nonce = os.urandom(12)
    return b64url(nonce + _cipher(secret).encrypt(nonce, pem, kid.encode()))


def unseal(sealed: str, secret: bytes, kid: str) -> PrivateKey:
    from backend.cards.sdjwt import b64url_decode

    raw = b64url_decode(sealed)
    pem = _cipher(secret).decrypt(raw[:12], raw[12:], kid.encode())
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
        raise TypeError("an issuer key must be Ed25519 or P-256")
    return key


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    key: PrivateKey


async def signing_key(
    session: AsyncSession, secret: bytes, now: datetime, *, recover: bool = False
) -> SigningKey:
    """The current key; the first call makes one (Ed25519). With `recover` (development), a key
    sealed under another secret (a fresh var/, a copied database) is retired, still published
    for the cards it signed, and a new one signs from now on; production refuses instead."""
    current = await repository.current_issuer_key(session)
    if current is None:
        current = await _add(session, secret, "EdDSA", now)
    try:
        return SigningKey(current.kid, unseal(current.private_key, secret, current.kid))
    except InvalidTag:
        if not recover:
            raise
    log.warning("cards.issuer_key.unreadable", extra={"kid": current.kid})
    fresh = await _rotate(session, secret, "EdDSA", now)
    return SigningKey(fresh.kid, unseal(fresh.private_key, secret, fresh.kid))


async def rotate(session: AsyncSession, secret: bytes, algorithm: str, now: datetime) -> str:
    """A new signing key; the old one is retired and published until its cards expire."""
    return (await _rotate(session, secret, algorithm, now)).kid


async def _rotate(session: AsyncSession, secret: bytes, algorithm: str, now: datetime) -> IssuerKey:
    current = await repository.current_issuer_key(session)
    if current is not None:
        current.retired_at = now
        current.publish_until = await repository.last_expiry_signed_by(session, current.kid)
    return await _add(session, secret, algorithm, now)


async def _add(session: AsyncSession, secret: bytes, algorithm: str, now: datetime) -> IssuerKey:
    key = generate(algorithm)
    jwk = public_jwk(key)
    # A prefix of the thumbprint: unique among a handful of keys, and 31 bytes less in a QR.
    kid = thumbprint(jwk)[:12]
    row = IssuerKey(
        kid=kid,
        algorithm=algorithm,
        public_jwk={**jwk, "kid": kid, "alg": algorithm, "use": "sig"},
        private_key=seal(key, secret, kid),
        created_at=now,
    )
    await repository.add_issuer_key(session, row)
    return row


async def jwks(session: AsyncSession, now: datetime) -> dict[str, Any]:
    """Every public key a card still valid may have been signed with."""
    rows = await repository.published_issuer_keys(session, now)
    return {"keys": [dict(row.public_jwk) for row in rows]}
