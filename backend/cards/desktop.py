"""QR sign-in on a desktop (the operations-centre console): the desktop shows a one-time
challenge as a QR, the civil servant's app presents the card bound to it, and the desktop
collects the session once. A challenge lives a minute and works once."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from backend.cards import repository
from backend.cards.issuing import Issuer
from backend.cards.models import DesktopSignIn
from backend.cards.presentations import CardRefused, civil_servant_card, open_card_session
from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput
from backend.identity.service import AuthConfig, Session

CHALLENGE_TTL = timedelta(seconds=60)
QR_PREFIX = "citizenhub://card-sign-in/"
MAX_SECRET_LENGTH = 64


def desktop_audience(issuer: Issuer) -> str:
    return f"{issuer.url}/desktop-sign-in"


@dataclass(frozen=True, slots=True)
class Started:
    challenge: str
    poll_secret: str
    qr_text: str
    expires_at: datetime


class DesktopState(Enum):
    PENDING = "pending"
    SIGNED_IN = "signed_in"
    EXPIRED = "expired"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def start(uow: UnitOfWork, *, now: datetime) -> Started:
    challenge = secrets.token_urlsafe(24)
    poll_secret = secrets.token_urlsafe(24)
    expires = now + CHALLENGE_TTL
    await repository.add(
        uow.session,
        DesktopSignIn(
            id=uuid.uuid4(), challenge=challenge, poll_hash=_hash(poll_secret), expires_at=expires
        ),
    )
    return Started(challenge, poll_secret, QR_PREFIX + challenge, expires)


async def approve(uow: UnitOfWork, issuer: Issuer, *, presentation: str, now: datetime) -> None:
    """The app presents the card with the challenge as its nonce."""
    session = uow.session
    card, nonce = await civil_servant_card(
        session, issuer, presentation=presentation, audience=desktop_audience(issuer), now=now
    )
    pending = await repository.desktop_sign_in(session, nonce, for_update=True)
    if pending is None or pending.expires_at <= now:
        raise CardRefused("nonce_invalid")
    if pending.approved_at is not None:
        raise CardRefused("replayed")
    pending.card_id = card.id
    pending.approved_at = now
    await session.flush()


async def collect(
    uow: UnitOfWork, auth: AuthConfig, *, challenge: str, poll_secret: str, now: datetime
) -> tuple[DesktopState, Session | None]:
    """The desktop's poll: pending, the session (once), or expired (also after collecting)."""
    if len(challenge) > MAX_SECRET_LENGTH or len(poll_secret) > MAX_SECRET_LENGTH:
        raise BadUserInput("input.too_long", field="input.pollSecret", max=MAX_SECRET_LENGTH)
    session = uow.session
    pending = await repository.desktop_sign_in(session, challenge, for_update=True)
    if pending is None or not hmac.compare_digest(pending.poll_hash, _hash(poll_secret)):
        return DesktopState.EXPIRED, None
    if pending.completed_at is not None:
        return DesktopState.EXPIRED, None
    if pending.card_id is None:
        state = DesktopState.PENDING if pending.expires_at > now else DesktopState.EXPIRED
        return state, None
    card = await repository.card(session, pending.card_id)
    if card is None or card.status != 0:
        return DesktopState.EXPIRED, None
    pending.completed_at = now
    return DesktopState.SIGNED_IN, await open_card_session(session, auth, card, now)
