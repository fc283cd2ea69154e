"""`citizen seed demo`: load the Huế demo data. Idempotent: rows are keyed by stable ids and only
inserted when missing, so a second run changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import cast

from shapely.geometry import Point, Polygon, box
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.domains import all_domains, import_attribute
from backend.i18n import Locale, Translated
from backend.identity import passwords
from backend.identity.contacts import normalize_phone
from backend.identity.models import Role, RoleAssignment, User
from backend.places.models import Place, Ward
from backend.seed.health import seed_health
from backend.seed.hue import ACCOUNTS, DEMO_PASSWORD, PLACES, WARDS

NAMESPACE = uuid.UUID("5b0e6a52-7c1e-4f7e-9d5e-68756520f0a1")
SCOPED_ROLES = {Role.HEALTH_STAFF, Role.SCHOOL_STAFF}

Seed = Callable[[AsyncSession], Awaitable[dict[str, int]]]


def stable_id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{key}")


async def seed_demo(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """Run every domain's demo seed, in the declared order, in one transaction; returns the
    rows added by kind."""
    report: dict[str, int] = {}
    async with UnitOfWork(sessions) as uow:
        for domain in all_domains():
            if domain.seed is not None:
                seed = cast(Seed, import_attribute(domain.seed))
                report.update(await seed(uow.session))
    return report


async def seed_places(session: AsyncSession) -> dict[str, int]:
    report = {"wards": 0, "places": 0}
    boundaries = await _seed_wards(session, report)
    await _seed_places(session, boundaries, report)
    return report


async def seed_accounts(session: AsyncSession) -> dict[str, int]:
    report = {"users": 0, "roles": 0}
    await _seed_accounts(session, report)
    return report


async def seed_health_demo(session: AsyncSession) -> dict[str, int]:
    health = await seed_health(session)
    return {"health facilities": health.facilities, "appointment slots": health.slots}


async def _seed_wards(session: AsyncSession, report: dict[str, int]) -> dict[uuid.UUID, Polygon]:
    boundaries: dict[uuid.UUID, Polygon] = {}
    for ward in WARDS:
        ward_id = stable_id("ward", ward.slug)
        boundaries[ward_id] = box(ward.west, ward.south, ward.east, ward.north)
        if await session.get(Ward, ward_id) is None:
            session.add(
                Ward(
                    id=ward_id,
                    slug=ward.slug,
                    name=Translated.of(ward.name_vi, ward.name_en),
                    boundary=boundaries[ward_id],
                )
            )
            report["wards"] += 1
    await session.flush()
    return boundaries


async def _seed_places(
    session: AsyncSession, boundaries: dict[uuid.UUID, Polygon], report: dict[str, int]
) -> None:
    for place in PLACES:
        place_id = stable_id("place", place.slug)
        if await session.get(Place, place_id) is not None:
            continue
        location = Point(place.lng, place.lat)
        session.add(
            Place(
                id=place_id,
                slug=place.slug,
                kind=place.kind,
                name=Translated.of(place.name_vi, place.name_en),
                address=place.address,
                location=location,
                ward_id=next(
                    (key for key, shape in sorted(boundaries.items()) if shape.covers(location)),
                    None,
                ),
            )
        )
        report["places"] += 1
    await session.flush()


async def _seed_accounts(session: AsyncSession, report: dict[str, int]) -> None:
    password_hash: str | None = None  # hashed once, and only if an account is missing
    for account in ACCOUNTS:
        phone = normalize_phone(account.phone)
        user = await session.scalar(select(User).where(User.phone == phone))
        if user is None:
            password_hash = password_hash or await passwords.hash_password(DEMO_PASSWORD)
            user = User(
                id=stable_id("user", phone),
                phone=phone,
                email=account.email,
                password_hash=password_hash,
                display_name=account.display_name,
                locale=Locale.VI,
                is_active=True,
                phone_verified_at=utcnow(),
            )
            session.add(user)
            report["users"] += 1
            await session.flush()
        for role in account.roles:
            scope = (
                stable_id("place", account.scope_place)
                if account.scope_place is not None and role in SCOPED_ROLES
                else None
            )
            same_scope = (
                RoleAssignment.scope_id.is_(None)
                if scope is None
                else RoleAssignment.scope_id == scope
            )
            held = await session.scalar(
                select(RoleAssignment).where(
                    RoleAssignment.user_id == user.id, RoleAssignment.role == role, same_scope
                )
            )
            if held is None:
                session.add(RoleAssignment(user_id=user.id, role=role, scope_id=scope))
                report["roles"] += 1
    await session.flush()
