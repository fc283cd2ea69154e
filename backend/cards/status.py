"""A card's life after issue: suspend (blocked, may come back), revoke (withdrawn, for good),
reinstate; the status list flips at once, the holder gets a push and sessions the card opened
lose their refresh."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.cards import repository, statuslist
from backend.cards.issuing import Issuer, is_operator
from backend.cards.models import Card, CardKind, CardStatus
from backend.cards.pushes import Event, card_message
from backend.db.unit_of_work import UnitOfWork
from backend.errors import Conflict, NotFound
from backend.identity import service as identity
from notifications.service import notify

TRANSITIONS: dict[CardStatus, tuple[set[CardStatus], Event]] = {
    CardStatus.SUSPENDED: ({CardStatus.VALID}, "suspended"),
    CardStatus.INVALID: ({CardStatus.VALID, CardStatus.SUSPENDED}, "revoked"),
    CardStatus.VALID: ({CardStatus.SUSPENDED}, "reinstated"),
}


async def change_status(
    uow: UnitOfWork, *, actor_id: uuid.UUID, card_id: uuid.UUID, to: CardStatus, now: datetime
) -> Card:
    session = uow.session
    card = await repository.card_for_update(session, card_id)
    if card is None or not await _may_manage(session, actor_id, card):
        raise NotFound("cards.card_not_found", field="cardId")
    allowed_from, event = TRANSITIONS[to]
    if CardStatus(card.status) not in allowed_from:
        raise Conflict("cards.status_unchanged")
    card.status = int(to)
    card.status_changed_at = now
    await session.flush()
    if to is not CardStatus.VALID:
        for family_id in await repository.sessions_of_card(session, card.id):
            await identity.end_session_family(session, family_id, now)
    await notify(uow, user_ids=[card.holder_id], message=card_message(card, event), now=now)
    return card


async def _may_manage(session: AsyncSession, actor_id: uuid.UUID, card: Card) -> bool:
    agency_id = card.agency_id if card.kind is CardKind.CIVIL_SERVANT else None
    if agency_id is not None and await repository.is_agency_admin(session, agency_id, actor_id):
        return True
    return await is_operator(session, actor_id)


async def status_list_token(
    session: AsyncSession, issuer: Issuer, kind: CardKind, now: datetime
) -> str:
    """The signed list as published: every card's 2 bits, valid ones implied by zeros."""
    signer = await issuer.signing_key(session, now)
    return statuslist.sign(
        uri=issuer.status_uri(kind),
        issuer=issuer.url,
        statuses=await repository.statuses(session, kind),
        key=signer.key,
        kid=signer.kid,
        now=int(now.timestamp()),
        ttl=issuer.status_ttl,
    )
