"""Every SQL statement about passkeys, their challenges and the sessions they opened."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cards.models import CardSession, Passkey, PasskeyChallenge, PasskeySession
from backend.db.base import Base

__all__ = ["Passkey", "PasskeyChallenge", "PasskeySession"]


async def add(session: AsyncSession, entity: Base) -> None:
    session.add(entity)
    await session.flush()


async def passkeys_of(session: AsyncSession, user_id: uuid.UUID) -> Sequence[Passkey]:
    statement = select(Passkey).where(Passkey.user_id == user_id).order_by(Passkey.created_at)
    return (await session.scalars(statement)).all()


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


async def session_has_second_factor(session: AsyncSession, family_id: uuid.UUID) -> bool:
    statement = select(
        or_(
            exists().where(CardSession.family_id == family_id),
            exists().where(PasskeySession.family_id == family_id),
        )
    )
    return bool(await session.scalar(statement))


async def delete_challenges_expired_before(session: AsyncSession, moment: datetime) -> int:
    result = await session.execute(
        delete(PasskeyChallenge).where(PasskeyChallenge.expires_at < moment)
    )
    return int(getattr(result, "rowcount", 0) or 0)
