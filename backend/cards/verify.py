"""Verifying a presentation as a verifier does: against issuer keys and status lists it fetched
earlier (a `Trust`), honouring each list's `ttl`, so that the same rules run offline on a guard's
phone and online on the server. Every refusal has a reason code (docs/cards.md lists them)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt

from backend.cards import sdjwt, statuslist
from backend.cards.models import CardStatus

OFFLINE_PREFIX = "offline-"
OFFLINE_STEP = 60  # seconds per time-based nonce; the current and the previous step are accepted


def offline_nonce(now: int) -> str:
    return f"{OFFLINE_PREFIX}{now // OFFLINE_STEP}"


@dataclass(frozen=True, slots=True)
class CachedList:
    """A status list as fetched: its claims (signature checked when cached) and when."""

    lst: str
    bits: int
    ttl: int
    fetched_at: int


@dataclass(slots=True)
class Trust:
    issuer: str
    keys: dict[str, dict[str, Any]]
    lists: dict[str, CachedList] = field(default_factory=dict)

    @classmethod
    def from_documents(
        cls, issuer: str, jwks: dict[str, Any], lists: dict[str, str], fetched_at: int
    ) -> Trust:
        """Issuer metadata's JWKS and signed status lists, each list's signature checked."""
        trust = cls(issuer, {str(k["kid"]): k for k in jwks.get("keys", []) if "kid" in k})
        for uri, token in lists.items():
            trust.add_list(uri, token, fetched_at)
        return trust

    def add_list(self, uri: str, token: str, fetched_at: int) -> None:
        header = jwt.get_unverified_header(token)
        if header.get("typ") != statuslist.TYPE:
            raise ValueError("not a status list")
        claims = jwt.decode(
            token,
            self.key(str(header.get("kid"))),
            algorithms=list(sdjwt.ALGORITHMS),
            # Freshness is the `ttl` against the verifier's clock, not this process's.
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
        if claims.get("sub") != uri or claims.get("iss") != self.issuer:
            raise ValueError("status list of another issuer or uri")
        body = claims["status_list"]
        self.lists[uri] = CachedList(
            str(body["lst"]), int(body["bits"]), int(claims.get("ttl", 0)), fetched_at
        )

    def key(self, kid: str) -> Any:
        jwk = self.keys.get(kid)
        if jwk is None:
            raise sdjwt.Refused("key_unknown")
        return jwt.PyJWK(jwk).key


@dataclass(frozen=True, slots=True)
class Outcome:
    valid: bool
    reason: str | None
    vct: str | None = None
    disclosed: dict[str, Any] = field(default_factory=dict)
    card_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    nonce: str | None = None


def check(
    presentation: str,
    trust: Trust,
    *,
    audience: str,
    nonce_ok: Callable[[str, dict[str, Any]], str | None],
    now: int | None = None,
) -> Outcome:
    """Verify everything a verifier can: `nonce_ok(nonce, kb_claims)` returns a reason code to
    refuse (unknown nonce, replay) or None."""
    now = int(time.time()) if now is None else now
    try:
        verified = sdjwt.verify(presentation.strip(), issuer_key=_issuer_key(trust), now=now)
    except sdjwt.Refused as refused:
        return Outcome(False, refused.reason)
    payload, binding = verified.payload, verified.key_binding or {}
    card_id = _slot(payload)
    if "nbf" in payload and int(payload["nbf"]) > now + 60:
        return Outcome(False, "not_yet_valid", card_id=card_id)
    if binding.get("aud") != audience:
        return Outcome(False, "audience_mismatch", card_id=card_id)
    reason = nonce_ok(str(binding.get("nonce", "")), binding)
    if reason is not None:
        return Outcome(False, reason, card_id=card_id)
    reason = _status_reason(payload, trust, now)
    if reason is not None:
        return Outcome(False, reason, card_id=card_id)
    return Outcome(
        True,
        None,
        vct=str(payload["vct"]),
        disclosed=verified.disclosed,
        card_id=card_id,
        payload=payload,
        nonce=str(binding.get("nonce")),
    )


def offline_nonce_reason(nonce: str, now: int) -> str | None:
    """A time-based nonce of the current or the previous step."""
    if not nonce.startswith(OFFLINE_PREFIX):
        return "nonce_invalid"
    step = nonce.removeprefix(OFFLINE_PREFIX)
    if not step.isdigit() or now // OFFLINE_STEP - int(step) not in (0, 1):
        return "nonce_invalid"
    return None


def _slot(payload: dict[str, Any]) -> str | None:
    """`<vct>#<index>`: names the card within its issuer without any personal identifier."""
    reference = (payload.get("status") or {}).get("status_list") or {}
    if "idx" not in reference:
        return None
    return f"{payload.get('vct')}#{reference['idx']}"


def _issuer_key(trust: Trust) -> Callable[[str, dict[str, Any]], Any]:
    def find(iss: str, header: dict[str, Any]) -> Any:
        if iss != trust.issuer:
            raise sdjwt.Refused("issuer_unknown")
        return trust.key(str(header.get("kid")))

    return find


def _status_reason(payload: dict[str, Any], trust: Trust, now: int) -> str | None:
    reference = (payload.get("status") or {}).get("status_list") or {}
    cached = trust.lists.get(str(reference.get("uri")))
    if cached is None or now - cached.fetched_at > cached.ttl:
        # Offline with no list, or one older than its ttl: the card's status is unknown.
        return "status_unavailable"
    try:
        value = statuslist.status_at(cached.lst, int(reference["idx"]), cached.bits)
    except (IndexError, KeyError, ValueError):
        return "status_unavailable"
    if value == CardStatus.INVALID:
        return "revoked"
    if value == CardStatus.SUSPENDED:
        return "suspended"
    return None if value == CardStatus.VALID else "status_unavailable"
