"""Access tokens (EdDSA-signed JWTs with key rotation) and opaque refresh tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from backend.errors import Unauthenticated
from backend.identity.models import SecondFactor
from backend.settings import Settings

ALGORITHM = "EdDSA"
# RFC 9068: a refresh token or an ID token can never pass for an access token.
ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 - a type name, not a secret
MAX_TOKEN_LENGTH = 4096
# Access tokens verified lately, by their text: an app sends the same token with every request
# until it expires, and checking its signature and claims again cost more CPU than the rest of a
# small signed-in query (0.7 of Home's 6.6 ms). Bounded; expiry is still checked at every use.
VERIFIED_TOKENS_KEPT = 10_000


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID  # the refresh-token family; revoking it ends the session at once
    expires_at: datetime
    # What proved the session beyond a password (claim `sf`); None: a password or an SMS code.
    second_factor: SecondFactor | None = None


def key_id(public_key: Ed25519PublicKey) -> str:
    """RFC 7638 thumbprint: a stable `kid` derived from the key itself, nothing to configure."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class Keyring:
    """One signing key; every key still trusted for verification, found by `kid`."""

    def __init__(self, settings: Settings) -> None:
        private = serialization.load_pem_private_key(settings.signing_key_pem, password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise TypeError("the JWT signing key must be an Ed25519 private key")
        self._signing_key = private
        self.signing_kid = key_id(private.public_key())
        self._verification_keys: dict[str, Ed25519PublicKey] = {
            self.signing_kid: private.public_key()
        }
        for pem in settings.verification_key_pems:
            public = serialization.load_pem_public_key(pem)
            if not isinstance(public, Ed25519PublicKey):
                raise TypeError("JWT verification keys must be Ed25519 public keys")
            self._verification_keys[key_id(public)] = public
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self.ttl_seconds = settings.access_token_ttl_seconds
        self._verified: OrderedDict[str, AccessClaims] = OrderedDict()

    def issue(
        self,
        *,
        user_id: uuid.UUID,
        session_id: uuid.UUID,
        now: datetime,
        second_factor: SecondFactor | None = None,
    ) -> str:
        payload: dict[str, object] = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": str(user_id),
            "sid": str(session_id),
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int(now.timestamp()) + self.ttl_seconds,
            "jti": uuid.uuid4().hex,
        }
        if second_factor is not None:
            payload["sf"] = second_factor.value
        headers = {"kid": self.signing_kid, "typ": ACCESS_TOKEN_TYPE}
        return jwt.encode(payload, self._signing_key, algorithm=ALGORITHM, headers=headers)

    def verify(self, token: str) -> AccessClaims:
        """Accept only our algorithm, a known `kid`, our issuer and audience, unexpired."""
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify_signed(token)
            self._verified[token] = claims
            if len(self._verified) > VERIFIED_TOKENS_KEPT:
                self._verified.popitem(last=False)
        # As PyJWT decides: expired from the second `exp` names.
        if claims.expires_at.timestamp() <= time.time():
            self._verified.pop(token, None)
            raise Unauthenticated("auth.token_invalid")
        return claims

    def _verify_signed(self, token: str) -> AccessClaims:
        if len(token) > MAX_TOKEN_LENGTH:
            raise Unauthenticated("auth.token_invalid")
        try:
            header = jwt.get_unverified_header(token)
            key = self._verification_keys.get(str(header.get("kid")))
            if key is None or header.get("typ") != ACCESS_TOKEN_TYPE:
                raise Unauthenticated("auth.token_invalid")
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "sid"]},
            )
            return AccessClaims(
                user_id=uuid.UUID(claims["sub"]),
                session_id=uuid.UUID(claims["sid"]),
                expires_at=datetime.fromtimestamp(claims["exp"], UTC),
                second_factor=SecondFactor(claims["sf"]) if "sf" in claims else None,
            )
        except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
            raise Unauthenticated("auth.token_invalid") from exc


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def successor_of(refresh_token: str, secret: bytes) -> str:
    """The token that replaces `refresh_token`: derived, so a retried rotation gets the same one."""
    digest = hmac.new(secret, b"rotate:" + refresh_token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_refresh_token(refresh_token: str) -> str:
    return hashlib.sha256(refresh_token.encode()).hexdigest()
