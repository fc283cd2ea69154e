"""QR sign-in on a desktop (the operations-centre console): the desktop shows a one-time
challenge as a QR, the civil servant's app presents the card bound to it, and the desktop
collects the session once, by polling or told by a live event on a channel only the holder of
the poll secret can name. A challenge lives a minute and works once."""

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
from backend.live import LiveEvent, public_channel, raise_after_commit

CHALLENGE_TTL = timedelta(seconds=60)
QR_PREFIX = "citizenhub://card-sign-in/"
MAX_SECRET_LENGTH = 64
APPROVED = "desktop_card_sign_in.approved"


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


@dataclass(frozen=True, slots=True)
class Collected:
    """What a poll found; `expires_at` while still pending (when to give up waiting)."""

    state: DesktopState
    session: Session | None = None
    expires_at: datetime | None = None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _topic(poll_hash: str) -> str:
    return f"desktop-card-sign-in:{poll_hash}"


def live_channel(poll_secret: str) -> str:
    """Where the approval of this desktop's sign-in is announced: named by the hash of the poll
    secret, so that someone who only saw the QR cannot even listen."""
    _check_length(poll_secret)
    return public_channel(_topic(_hash(poll_secret)))


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
    raise_after_commit(uow, [LiveEvent.public(_topic(pending.poll_hash), APPROVED, pending.id)])


def _check_length(*secrets_: str) -> None:
    if any(len(secret) > MAX_SECRET_LENGTH for secret in secrets_):
        raise BadUserInput("input.too_long", field="input.pollSecret", max=MAX_SECRET_LENGTH)


async def collect(
    uow: UnitOfWork, auth: AuthConfig, *, challenge: str, poll_secret: str, now: datetime
) -> Collected:
    """The desktop's poll: pending, the session (once), or expired (also after collecting)."""
    _check_length(challenge, poll_secret)
    session = uow.session
    pending = await repository.desktop_sign_in(session, challenge, for_update=True)
    if pending is None or not hmac.compare_digest(pending.poll_hash, _hash(poll_secret)):
        return Collected(DesktopState.EXPIRED)
    if pending.completed_at is not None:
        return Collected(DesktopState.EXPIRED)
    if pending.card_id is None:
        if pending.expires_at > now:
            return Collected(DesktopState.PENDING, expires_at=pending.expires_at)
        return Collected(DesktopState.EXPIRED)
    card = await repository.card(session, pending.card_id)
    if card is None or card.status != 0:
        return Collected(DesktopState.EXPIRED)
    pending.completed_at = now
    return Collected(DesktopState.SIGNED_IN, await open_card_session(session, auth, card, now))
