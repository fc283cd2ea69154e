"""Every SQL statement about passkeys, their challenges and the sessions they opened."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cards.models import (
    Card,
    CardKind,
    CardStatus,
    Passkey,
    PasskeyChallenge,
    PasskeySession,
)
from backend.db.base import Base

__all__ = ["Passkey", "PasskeyChallenge", "PasskeySession"]


@dataclass(frozen=True, slots=True)
class PasskeyRow:
    """A passkey as its holder sees it in a list (no key material)."""

    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    transports: list[str]
    backup_eligible: bool
    backup_state: bool
    created_at: datetime
    last_used_at: datetime | None

    @classmethod
    def of(cls, passkey: Passkey) -> PasskeyRow:
        return cls(
            id=passkey.id,
            user_id=passkey.user_id,
            name=passkey.name,
            transports=list(passkey.transports),
            backup_eligible=passkey.backup_eligible,
            backup_state=passkey.backup_state,
            created_at=passkey.created_at,
            last_used_at=passkey.last_used_at,
        )


_ROW_COLUMNS = (
    Passkey.id,
    Passkey.user_id,
    Passkey.name,
    Passkey.transports,
    Passkey.backup_eligible,
    Passkey.backup_state,
    Passkey.created_at,
    Passkey.last_used_at,
)


async def add(session: AsyncSession, entity: Base) -> None:
    session.add(entity)
    await session.flush()


async def passkeys_of(session: AsyncSession, user_id: uuid.UUID) -> Sequence[Passkey]:
    statement = select(Passkey).where(Passkey.user_id == user_id).order_by(Passkey.created_at)
    return (await session.scalars(statement)).all()


async def passkey_page(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[PasskeyRow]:
    """One page of a holder's passkeys, newest first."""
    statement = select(*_ROW_COLUMNS).where(Passkey.user_id == user_id)
    if after is not None:
        statement = statement.where(
            or_(
                Passkey.created_at < after[0],
                (Passkey.created_at == after[0]) & (Passkey.id > after[1]),
            )
        )
    statement = statement.order_by(Passkey.created_at.desc(), Passkey.id).limit(limit)
    return [PasskeyRow(*row) for row in (await session.execute(statement)).all()]


async def passkey_for_update(session: AsyncSession, passkey_id: uuid.UUID) -> Passkey | None:
    statement = select(Passkey).where(Passkey.id == passkey_id).with_for_update()
    return await session.scalar(statement)


async def locked_passkey_count(session: AsyncSession, user_id: uuid.UUID) -> int:
    """How many passkeys the account has, every one locked: two removals at once cannot both
    believe another one is left."""
    statement = select(Passkey.id).where(Passkey.user_id == user_id).with_for_update()
    return len((await session.scalars(statement)).all())


async def has_valid_card(
    session: AsyncSession, user_id: uuid.UUID, kind: CardKind, now: datetime
) -> bool:
    """Whether the account holds a card of this kind it can sign in with right now."""
    statement = select(Card.id).where(
        Card.holder_id == user_id,
        Card.kind == kind,
        Card.status == CardStatus.VALID,
        Card.expires_at > now,
    )
    return (await session.scalars(statement.limit(1))).first() is not None


async def sessions_of_passkey(session: AsyncSession, passkey_id: uuid.UUID) -> list[uuid.UUID]:
    statement = select(PasskeySession.family_id).where(PasskeySession.passkey_id == passkey_id)
    return list((await session.scalars(statement)).all())


async def delete_passkey(session: AsyncSession, passkey: Passkey) -> None:
    """The passkey and its session records (the families themselves are ended by identity)."""
    await session.execute(delete(PasskeySession).where(PasskeySession.passkey_id == passkey.id))
    await session.delete(passkey)
    await session.flush()


async def passkey_by_credential(session: AsyncSession, credential_id: str) -> Passkey | None:
    if not credential_id or len(credential_id) > 1400:
        return None
    statement = select(Passkey).where(Passkey.credential_id == credential_id).with_for_update()
    return await session.scalar(statement)


async def challenge(session: AsyncSession, value: str) -> PasskeyChallenge | None:
    """The challenge row, locked: two answers to one challenge cannot both spend it."""
    statement = (
        select(PasskeyChallenge).where(PasskeyChallenge.challenge == value).with_for_update()
    )
    return await session.scalar(statement)


async def delete_challenges_expired_before(session: AsyncSession, moment: datetime) -> int:
    result = await session.execute(
        delete(PasskeyChallenge).where(PasskeyChallenge.expires_at < moment)
    )
    return int(getattr(result, "rowcount", 0) or 0)
