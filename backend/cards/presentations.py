"""Presentations the server itself checks: signing in with a civil-servant card, and verifying
for a verifier app online. Both use the verifier rules of `verify` with trust read fresh from
the database; server nonces are single use and short-lived."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.cards import keys, repository, statuslist, verify
from backend.cards.issuing import Issuer
from backend.cards.models import Card, CardKind, CardSession, CardStatus, Nonce
from backend.db.unit_of_work import UnitOfWork
from backend.errors import Unauthenticated
from backend.identity import rate_limits
from backend.identity import service as identity
from backend.identity.audit import RequestOrigin
from backend.identity.models import SecondFactor
from backend.identity.service import AuthConfig, Session
from backend.settings import Settings

NONCE_TTL = timedelta(minutes=2)
NONCE_WINDOW = timedelta(minutes=1)
MAX_INSTALLATION_KEY = 128


class CardRefused(Unauthenticated):
    """A sign-in with a card refused; `extensions.reason` is the verifier's reason code."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"cards.refused.{reason}", reason=reason)
        self.reason = reason

    def extensions(self) -> dict[str, Any]:
        return {**super().extensions(), "reason": self.reason}


SIGN_IN = "sign_in"
PRESENT = "present"
SEEN = "seen"


def sign_in_audience(issuer: Issuer) -> str:
    return f"{issuer.url}/sign-in"


def verifier_audience(issuer: Issuer) -> str:
    return f"{issuer.url}/verifier"


@dataclass(frozen=True, slots=True)
class IssuedNonce:
    value: str
    audience: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class NonceLimits:
    """How many nonces one installation and one client address may take per minute."""

    per_device: int
    per_address: int

    @classmethod
    def from_settings(cls, settings: Settings) -> NonceLimits:
        return cls(
            settings.card_nonces_per_device_per_minute,
            settings.card_nonces_per_address_per_minute,
        )


async def new_nonce(
    uow: UnitOfWork,
    issuer: Issuer,
    *,
    purpose: str,
    origin: RequestOrigin,
    limits: NonceLimits,
    now: datetime,
) -> IssuedNonce:
    """A nonce for anyone, so counted per installation and per client address (the identity
    domain's shared counters): nobody fills the table or spends the server for others."""
    counted = []
    if origin.installation_id:
        key = origin.installation_id[:MAX_INSTALLATION_KEY]
        counted.append(rate_limits.Limit("card_nonce_device", key, limits.per_device))
    if origin.client_address:
        counted.append(
            rate_limits.Limit("card_nonce_address", origin.client_address, limits.per_address)
        )
    await rate_limits.spend(
        uow.session, counted, NONCE_WINDOW, now, message_key="cards.nonce_rate_limited"
    )
    value = secrets.token_urlsafe(24)
    expires = now + NONCE_TTL
    await repository.add(
        uow.session,
        Nonce(id=uuid.uuid4(), value=value, purpose=purpose, expires_at=expires),
    )
    audience = sign_in_audience(issuer) if purpose == SIGN_IN else verifier_audience(issuer)
    return IssuedNonce(value, audience, expires)


async def current_trust(session: AsyncSession, issuer: Issuer, now: datetime) -> verify.Trust:
    """What a verifier would have fetched this instant: the published keys and every kind's
    statuses, read straight from the tables (no list to sign for ourselves)."""
    at = int(now.timestamp())
    trust = verify.Trust.from_documents(issuer.url, await keys.jwks(session, now), {}, at)
    for kind in CardKind:
        lst = statuslist.encode(await repository.statuses(session, kind))
        trust.lists[issuer.status_uri(kind)] = verify.CachedList(
            lst, statuslist.BITS, issuer.status_ttl, at
        )
    return trust


async def check_presentation(
    uow: UnitOfWork, issuer: Issuer, *, presentation: str, now: datetime
) -> verify.Outcome:
    """A verifier app's online check: a nonce we issued (used once) or a time-based one (each
    presentation accepted once while its nonce is current)."""
    session = uow.session
    trust = await current_trust(session, issuer, now)
    at = int(now.timestamp())
    pending: list[Nonce] = []

    def nonce_ok(nonce: str, binding: dict[str, Any]) -> str | None:
        if nonce.startswith(verify.OFFLINE_PREFIX):
            reason = verify.offline_nonce_reason(nonce, at)
            if reason is None:
                seen = hashlib.sha256(str(binding["sd_hash"]).encode() + nonce.encode())
                pending.append(
                    Nonce(
                        id=uuid.uuid4(),
                        value=seen.hexdigest(),
                        purpose=SEEN,
                        expires_at=now + 2 * timedelta(seconds=verify.OFFLINE_STEP),
                        used_at=now,
                    )
                )
            return reason
        pending.append(Nonce(id=uuid.uuid4(), value=nonce, purpose=PRESENT, expires_at=now))
        return None

    outcome = verify.check(
        presentation, trust, audience=verifier_audience(issuer), nonce_ok=nonce_ok, now=at
    )
    if not outcome.valid:
        return outcome
    for marker in pending:
        if marker.purpose == SEEN:
            if await repository.nonce_exists(session, marker.value):
                return verify.Outcome(False, "replayed", card_id=outcome.card_id)
            await repository.add(session, marker)
        elif not await repository.use_nonce(session, marker.value, PRESENT, now):
            reason = "replayed" if await repository.nonce_used(session, marker.value) else None
            return verify.Outcome(False, reason or "nonce_invalid", card_id=outcome.card_id)
    return outcome


async def civil_servant_card(
    session: AsyncSession, issuer: Issuer, *, presentation: str, audience: str, now: datetime
) -> tuple[Card, str]:
    """The valid civil-servant card a presentation proves possession of, and its nonce (not
    yet checked: each flow knows its own)."""
    trust = await current_trust(session, issuer, now)
    nonces: list[str] = []

    def nonce_ok(nonce: str, _: dict[str, Any]) -> str | None:
        nonces.append(nonce)
        return None

    outcome = verify.check(
        presentation, trust, audience=audience, nonce_ok=nonce_ok, now=int(now.timestamp())
    )
    if not outcome.valid:
        raise CardRefused(str(outcome.reason))
    if outcome.vct != issuer.vct(CardKind.CIVIL_SERVANT):
        raise CardRefused("wrong_kind")
    index = int(outcome.payload["status"]["status_list"]["idx"])
    card = await repository.card_in_slot(session, CardKind.CIVIL_SERVANT, index)
    if card is None or card.status != CardStatus.VALID:
        raise CardRefused("revoked")
    return card, nonces[0]


async def sign_in_with_card(
    uow: UnitOfWork, auth: AuthConfig, issuer: Issuer, *, presentation: str, now: datetime
) -> tuple[Session, Card]:
    """A civil-servant card presented over a sign-in nonce opens a session for its holder."""
    session = uow.session
    card, nonce = await civil_servant_card(
        session, issuer, presentation=presentation, audience=sign_in_audience(issuer), now=now
    )
    if not await repository.use_nonce(session, nonce, SIGN_IN, now):
        reason = "replayed" if await repository.nonce_used(session, nonce) else "nonce_invalid"
        raise CardRefused(reason)
    return await open_card_session(session, auth, card, now), card


async def open_card_session(
    session: AsyncSession, auth: AuthConfig, card: Card, now: datetime
) -> Session:
    """The holder's usual session, remembered against the card so that withdrawing the card
    ends it."""
    holder = await identity.active_user_by_id(session, card.holder_id)
    if holder is None:
        raise CardRefused("revoked")
    opened = await identity.open_session(
        session, auth, holder, now, second_factor=SecondFactor.CARD
    )
    await repository.add(session, CardSession(card_id=card.id, family_id=opened.family_id))
    return opened
