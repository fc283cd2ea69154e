"""SD-JWT (RFC 9901) and SD-JWT VC on PyJWT: disclosures, `_sd` digests, presentations and
key-binding JWTs. Pure functions, no database: the issuer, the app and verifiers share them."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

CREDENTIAL_TYPE = "dc+sd-jwt"
KB_TYPE = "kb+jwt"
SD_ALG = "sha-256"
ALGORITHMS = ("EdDSA", "ES256")
# A whole presentation never needs more: a QR holds at most 2,953 bytes.
MAX_PRESENTATION_LENGTH = 8192

PrivateKey = Ed25519PrivateKey | EllipticCurvePrivateKey


class Refused(Exception):
    """A credential or presentation that must not be trusted; `reason` is a stable code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def digest(text: str) -> str:
    return b64url(hashlib.sha256(text.encode("ascii")).digest())


def algorithm_of(key: PrivateKey) -> str:
    return "EdDSA" if isinstance(key, Ed25519PrivateKey) else "ES256"


def make_disclosure(name: str, value: Any, salt: str | None = None) -> str:
    salt = salt or b64url(secrets.token_bytes(16))
    text = json.dumps([salt, name, value], ensure_ascii=False, separators=(",", ":"))
    return b64url(text.encode())


def issue(
    *,
    claims: Mapping[str, Any],
    disclosable: Mapping[str, Any],
    key: PrivateKey,
    kid: str,
    decoys: int = 0,
) -> str:
    """An SD-JWT with `disclosable` hidden behind digests (sorted, so their order says nothing;
    decoys hide how many claims a card has, which matters only when that varies — every card
    of a kind has the same claims here, and each decoy costs a QR 61 characters), ending with
    `~` and no key-binding JWT."""
    disclosures = [make_disclosure(name, value) for name, value in disclosable.items()]
    digests = [digest(d) for d in disclosures]
    digests += [digest(b64url(secrets.token_bytes(16))) for _ in range(decoys)]
    # No `_sd_alg`: sha-256 is the default (RFC 9901 4.1.1), and the claim costs a QR 28.
    payload = {**claims, "_sd": sorted(digests)}
    header = {"typ": CREDENTIAL_TYPE, "kid": kid}
    token = jwt.encode(payload, key, algorithm=algorithm_of(key), headers=header)
    return "~".join([token, *disclosures]) + "~"


@dataclass(frozen=True, slots=True)
class Parsed:
    issuer_jwt: str
    disclosures: tuple[str, ...]
    kb_jwt: str | None

    @property
    def without_kb(self) -> str:
        return "~".join([self.issuer_jwt, *self.disclosures]) + "~"


def parse(text: str) -> Parsed:
    if len(text) > MAX_PRESENTATION_LENGTH or "~" not in text:
        raise Refused("malformed")
    parts = text.split("~")
    kb = parts[-1] or None
    return Parsed(parts[0], tuple(p for p in parts[1:-1]), kb)


def disclosure_name(disclosure: str) -> str:
    return str(_decode_disclosure(disclosure)[1])


def _decode_disclosure(disclosure: str) -> list[Any]:
    try:
        decoded = json.loads(b64url_decode(disclosure))
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused("disclosure_malformed") from exc
    if not isinstance(decoded, list) or len(decoded) != 3 or not isinstance(decoded[1], str):
        raise Refused("disclosure_malformed")
    return decoded


def present(
    credential: str,
    *,
    reveal: Sequence[str],
    holder_key: PrivateKey,
    audience: str,
    nonce: str,
    issued_at: int,
) -> str:
    """The holder's presentation: only the disclosures named in `reveal`, then a KB-JWT over
    the verifier's audience and nonce and the hash of everything before it."""
    parsed = parse(credential)
    wanted = set(reveal)
    chosen = [d for d in parsed.disclosures if disclosure_name(d) in wanted]
    body = "~".join([parsed.issuer_jwt, *chosen]) + "~"
    kb_payload = {"aud": audience, "nonce": nonce, "iat": issued_at, "sd_hash": digest(body)}
    kb = jwt.encode(
        kb_payload, holder_key, algorithm=algorithm_of(holder_key), headers={"typ": KB_TYPE}
    )
    return body + kb


@dataclass(frozen=True, slots=True)
class Verified:
    """What a verifier learns: the signed claims, the disclosed ones, the KB-JWT's claims."""

    header: dict[str, Any]
    payload: dict[str, Any]
    disclosed: dict[str, Any]
    key_binding: dict[str, Any] | None


def verify(
    text: str,
    *,
    issuer_key: Callable[[str, dict[str, Any]], Any],
    now: int,
    require_key_binding: bool = True,
    leeway: int = 60,
) -> Verified:
    """Check the issuer's signature, expiry, every disclosure's digest, and the holder's
    key binding; `issuer_key(iss, header)` returns a public key or raises `Refused`."""
    parsed = parse(text)
    try:
        header = jwt.get_unverified_header(parsed.issuer_jwt)
        unverified = jwt.decode(parsed.issuer_jwt, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise Refused("malformed") from exc
    if header.get("typ") != CREDENTIAL_TYPE or header.get("alg") not in ALGORITHMS:
        raise Refused("malformed")
    key = issuer_key(str(unverified.get("iss", "")), header)
    try:
        payload = jwt.decode(
            parsed.issuer_jwt,
            key,
            algorithms=[str(header["alg"])],
            # Times are checked below against `now`: a verifier's clock, not this process's.
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "require": ["iss", "iat", "exp", "vct"],
            },
        )
    except jwt.InvalidSignatureError as exc:
        raise Refused("signature_invalid") from exc
    except jwt.PyJWTError as exc:
        raise Refused("malformed") from exc
    if int(payload["exp"]) + leeway < now:
        raise Refused("expired")
    if payload.get("_sd_alg", SD_ALG) != SD_ALG:
        raise Refused("malformed")
    digests = set(payload.get("_sd", []))
    disclosed: dict[str, Any] = {}
    for disclosure in parsed.disclosures:
        if digest(disclosure) not in digests:
            raise Refused("disclosure_unknown")
        _, name, value = _decode_disclosure(disclosure)
        if name in disclosed or name in payload or name in ("_sd", "_sd_alg"):
            raise Refused("disclosure_malformed")
        disclosed[name] = value
    binding = None
    if parsed.kb_jwt is not None:
        binding = _verify_key_binding(parsed, payload, now, leeway)
    elif require_key_binding:
        raise Refused("key_binding_missing")
    return Verified(header, payload, disclosed, binding)


def _verify_key_binding(
    parsed: Parsed, payload: dict[str, Any], now: int, leeway: int
) -> dict[str, Any]:
    assert parsed.kb_jwt is not None
    jwk = (payload.get("cnf") or {}).get("jwk")
    if not isinstance(jwk, dict):
        raise Refused("key_binding_invalid")
    try:
        holder = jwt.PyJWK(jwk)
        header = jwt.get_unverified_header(parsed.kb_jwt)
        if header.get("typ") != KB_TYPE or header.get("alg") not in ALGORITHMS:
            raise Refused("key_binding_invalid")
        claims = jwt.decode(
            parsed.kb_jwt,
            holder.key,
            algorithms=[str(header["alg"])],
            options={
                "verify_aud": False,
                "verify_iat": False,
                "verify_nbf": False,
                "verify_exp": False,
                "require": ["iat", "aud", "nonce", "sd_hash"],
            },
        )
    except jwt.InvalidSignatureError as exc:
        raise Refused("key_binding_invalid") from exc
    except jwt.PyJWTError as exc:
        raise Refused("key_binding_invalid") from exc
    if claims["sd_hash"] != digest(parsed.without_kb):
        raise Refused("key_binding_invalid")
    if abs(int(claims["iat"]) - now) > leeway * 5:
        raise Refused("presentation_stale")
    return dict(claims)
