"""Every SQL statement of the cards domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cards.models import (
    Card,
    CardAgency,
    CardAgencyAdmin,
    CardKind,
    CardSession,
    CardStatus,
    DesktopSignIn,
    DeviceKey,
    IssuerKey,
    Nonce,
    StaffEntry,
)

# --- issuer keys ---------------------------------------------------------------------------


async def current_issuer_key(session: AsyncSession) -> IssuerKey | None:
    statement = (
        select(IssuerKey)
        .where(IssuerKey.retired_at.is_(None))
        .order_by(IssuerKey.created_at.desc())
        .limit(1)
    )
    return (await session.scalars(statement)).first()


async def add_issuer_key(session: AsyncSession, row: IssuerKey) -> None:
    session.add(row)
    await session.flush()


async def last_expiry_signed_by(session: AsyncSession, kid: str) -> datetime | None:
    return await session.scalar(select(func.max(Card.expires_at)).where(Card.kid == kid))


async def published_issuer_keys(session: AsyncSession, now: datetime) -> Sequence[IssuerKey]:
    statement = (
        select(IssuerKey)
        .where(
            or_(
                IssuerKey.retired_at.is_(None),
                IssuerKey.publish_until > now,
            )
        )
        .order_by(IssuerKey.created_at)
    )
    return (await session.scalars(statement)).all()


# --- agencies and staff lists --------------------------------------------------------------


async def agency(session: AsyncSession, agency_id: uuid.UUID) -> CardAgency | None:
    return await session.get(CardAgency, agency_id)


async def agency_by_slug(session: AsyncSession, slug: str) -> CardAgency | None:
    return await session.scalar(select(CardAgency).where(CardAgency.slug == slug))


async def agencies_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[CardAgency]:
    return (await session.scalars(select(CardAgency).where(CardAgency.id.in_(ids)))).all()


async def is_agency_admin(session: AsyncSession, agency_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    found = await session.get(CardAgencyAdmin, (agency_id, user_id))
    return found is not None


async def replace_staff_list(
    session: AsyncSession, agency_id: uuid.UUID, entries: Sequence[StaffEntry]
) -> None:
    await session.execute(delete(StaffEntry).where(StaffEntry.agency_id == agency_id))
    session.add_all(entries)
    await session.flush()


async def staff_entry(session: AsyncSession, agency_id: uuid.UUID, phone: str) -> StaffEntry | None:
    statement = select(StaffEntry).where(
        StaffEntry.agency_id == agency_id, StaffEntry.phone == phone
    )
    return (await session.scalars(statement)).first()


async def staff_count(session: AsyncSession, agency_id: uuid.UUID) -> int:
    statement = select(func.count()).where(StaffEntry.agency_id == agency_id)
    return int(await session.scalar(statement) or 0)


# --- device keys ---------------------------------------------------------------------------


async def device_key(
    session: AsyncSession, user_id: uuid.UUID, thumbprint: str
) -> DeviceKey | None:
    statement = select(DeviceKey).where(
        DeviceKey.user_id == user_id, DeviceKey.thumbprint == thumbprint
    )
    return (await session.scalars(statement)).first()


async def newest_device_key(session: AsyncSession, user_id: uuid.UUID) -> DeviceKey | None:
    statement = (
        select(DeviceKey)
        .where(DeviceKey.user_id == user_id)
        .order_by(DeviceKey.created_at.desc(), DeviceKey.id)
        .limit(1)
    )
    return (await session.scalars(statement)).first()


async def add(session: AsyncSession, row: object) -> None:
    session.add(row)
    await session.flush()


# --- cards ---------------------------------------------------------------------------------


async def used_indices(session: AsyncSession, kind: CardKind) -> set[int]:
    statement = select(Card.status_index).where(Card.kind == kind)
    return set((await session.scalars(statement)).all())


async def card_for_update(session: AsyncSession, card_id: uuid.UUID) -> Card | None:
    statement = select(Card).where(Card.id == card_id).with_for_update()
    return (await session.scalars(statement)).first()


async def card_in_slot(session: AsyncSession, kind: CardKind, index: int) -> Card | None:
    statement = select(Card).where(Card.kind == kind, Card.status_index == index)
    return (await session.scalars(statement)).first()


async def card(session: AsyncSession, card_id: uuid.UUID) -> Card | None:
    return await session.get(Card, card_id)


async def cards_of(
    session: AsyncSession,
    holder_id: uuid.UUID,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Card]:
    statement = select(Card).where(Card.holder_id == holder_id)
    if after is not None:
        statement = statement.where(
            or_(Card.created_at < after[0], (Card.created_at == after[0]) & (Card.id > after[1]))
        )
    statement = statement.order_by(Card.created_at.desc(), Card.id).limit(limit)
    return (await session.scalars(statement)).all()


async def live_card_of(
    session: AsyncSession, holder_id: uuid.UUID, kind: CardKind, now: datetime
) -> Card | None:
    statement = select(Card).where(
        Card.holder_id == holder_id,
        Card.kind == kind,
        Card.status != CardStatus.INVALID,
        Card.expires_at > now,
    )
    return (await session.scalars(statement)).first()


async def statuses(session: AsyncSession, kind: CardKind) -> dict[int, int]:
    """Entries that are not 0 (valid): all a list needs."""
    statement = select(Card.status_index, Card.status).where(
        Card.kind == kind, Card.status != CardStatus.VALID
    )
    return {int(index): int(value) for index, value in (await session.execute(statement)).all()}


# --- nonces and sessions -------------------------------------------------------------------


async def use_nonce(session: AsyncSession, value: str, purpose: str, now: datetime) -> bool:
    """Mark a live nonce used; False if unknown, expired, for another purpose or used before."""
    statement = (
        update(Nonce)
        .where(
            Nonce.value == value,
            Nonce.purpose == purpose,
            Nonce.used_at.is_(None),
            Nonce.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(statement)
    return bool(getattr(result, "rowcount", 0))


async def nonce_exists(session: AsyncSession, value: str) -> bool:
    return await session.scalar(select(Nonce.id).where(Nonce.value == value)) is not None


async def nonce_used(session: AsyncSession, value: str) -> bool:
    statement = select(Nonce.id).where(Nonce.value == value, Nonce.used_at.is_not(None))
    return await session.scalar(statement) is not None


async def sessions_of_card(session: AsyncSession, card_id: uuid.UUID) -> list[uuid.UUID]:
    statement = select(CardSession.family_id).where(CardSession.card_id == card_id)
    return list((await session.scalars(statement)).all())


async def delete_nonces_expired_before(session: AsyncSession, moment: datetime) -> int:
    result = await session.execute(delete(Nonce).where(Nonce.expires_at < moment))
    return int(getattr(result, "rowcount", 0) or 0)


async def desktop_sign_in(
    session: AsyncSession, challenge: str, *, for_update: bool = False
) -> DesktopSignIn | None:
    statement = select(DesktopSignIn).where(DesktopSignIn.challenge == challenge)
    if for_update:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).first()


async def delete_desktop_sign_ins_expired_before(session: AsyncSession, moment: datetime) -> int:
    result = await session.execute(delete(DesktopSignIn).where(DesktopSignIn.expires_at < moment))
    return int(getattr(result, "rowcount", 0) or 0)
