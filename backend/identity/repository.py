"""Every SQL statement of the identity domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Uuid, and_, bindparam, delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.dialect import insert_ignoring_conflicts
from backend.db.prepared import EntityColumns, Prepared
from backend.db.types import UTCDateTime
from backend.errors import Conflict
from backend.identity.models import (
    KNOWN_SCOPE,
    LoginThrottle,
    PhoneVerification,
    RateCounter,
    RefreshToken,
    Role,
    RoleAssignment,
    User,
)


async def user_by_id(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def names_and_phones(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, str | None]]:
    statement = select(User.id, User.display_name, User.phone).where(User.id.in_(user_ids))
    return {row[0]: (row[1], row[2]) for row in await session.execute(statement)}


async def user_by_contact(session: AsyncSession, kind: str, value: str) -> User | None:
    column = User.email if kind == "email" else User.phone
    return await session.scalar(select(User).where(column == value))


async def contact_taken(session: AsyncSession, kind: str, value: str) -> bool:
    column = User.email if kind == "email" else User.phone
    return bool(await session.scalar(select(exists().where(column == value))))


async def add_user(session: AsyncSession, user: User, roles: Sequence[Role]) -> User:
    """Insert a user; a phone or email taken by a concurrent registration is a CONFLICT."""
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:
        message = str(exc.orig)
        if "email" in message:
            raise Conflict("conflict.email_taken", field="email") from exc
        if "phone" in message:
            raise Conflict("conflict.phone_taken", field="phone") from exc
        raise
    session.add_all(RoleAssignment(user_id=user.id, role=role) for role in roles)
    await session.flush()
    return user


async def roles_by_user_ids(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> Sequence[RoleAssignment]:
    statement = (
        select(RoleAssignment)
        .where(RoleAssignment.user_id.in_(user_ids))
        .order_by(RoleAssignment.role, RoleAssignment.scope_id)
    )
    return (await session.scalars(statement)).all()


_USER = EntityColumns.of(User)


def _active_user_statement(_: None, dialect: str) -> Select[*tuple[Any, ...]]:
    user_id = bindparam("user_id", type_=Uuid())
    live_session = exists().where(
        RefreshToken.family_id == bindparam("session_id", type_=Uuid()),
        RefreshToken.user_id == user_id,
        RefreshToken.revoked_at.is_(None),
        RefreshToken.expires_at > bindparam("now", type_=UTCDateTime()),
    )
    return select(*_USER.columns).where(User.id == user_id, User.is_active.is_(True), live_session)


_ACTIVE_USER: Prepared[None] = Prepared(_active_user_statement)


async def active_user_in_session(
    session: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime
) -> User | None:
    """The user behind an access token, if the account is active and the session not ended.

    Read on every signed-in request, so as a prepared read whose row becomes a detached `User`
    (as one loaded by a session that has ended): the ORM's loading was a quarter of Home's CPU.
    """
    found = await _ACTIVE_USER.rows(
        session, None, {"user_id": user_id, "session_id": session_id, "now": now}
    )
    if not found:
        return None
    return _USER.entity(found[0])


async def add_refresh_token(session: AsyncSession, token: RefreshToken) -> None:
    session.add(token)
    await session.flush()


async def refresh_token_by_hash(
    session: AsyncSession, token_hash: str, *, for_update: bool = False
) -> RefreshToken | None:
    statement = select(RefreshToken).where(RefreshToken.token_hash == token_hash)
    if for_update:
        statement = statement.with_for_update()
    return await session.scalar(statement)


async def revoke_family(session: AsyncSession, family_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def delete_refresh_tokens_expired_before(session: AsyncSession, moment: datetime) -> int:
    result = await session.execute(delete(RefreshToken).where(RefreshToken.expires_at < moment))
    return int(getattr(result, "rowcount", 0) or 0)


async def delete_stale_sign_in_state(
    session: AsyncSession, *, verifications_before: datetime, counters_before: datetime
) -> dict[str, int]:
    """Verifications (a pending sign-up keeps a password hash) that expired, and rate and
    failure counters idle, before the given moments. Known devices stay: they spare the owner."""
    statements = {
        "phone_verifications": delete(PhoneVerification).where(
            PhoneVerification.expires_at < verifications_before
        ),
        "rate_counters": delete(RateCounter).where(RateCounter.window_started_at < counters_before),
        "login_throttles": delete(LoginThrottle).where(
            LoginThrottle.scope != KNOWN_SCOPE,
            LoginThrottle.last_failure_at < counters_before,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < counters_before),
        ),
    }
    deleted = {}
    for table, statement in statements.items():
        result = await session.execute(statement)
        deleted[table] = int(getattr(result, "rowcount", 0) or 0)
    return deleted


async def throttles(
    session: AsyncSession, keys: Sequence[tuple[str, str]], *, for_update: bool = False
) -> list[LoginThrottle]:
    if not keys:
        return []
    statement = select(LoginThrottle).where(
        or_(*(and_(LoginThrottle.scope == scope, LoginThrottle.key == key) for scope, key in keys))
    )
    if for_update:
        statement = statement.with_for_update()
    return list((await session.scalars(statement)).all())


async def ensure_throttles(
    session: AsyncSession, keys: Sequence[tuple[str, str]], now: datetime
) -> None:
    """Create missing counters; a concurrent creator of the same row is not an error."""
    for scope, key in keys:
        await insert_ignoring_conflicts(
            session,
            LoginThrottle,
            {"id": uuid.uuid4(), "scope": scope, "key": key, "failures": 0, "last_failure_at": now},
        )


async def delete_throttle(session: AsyncSession, scope: str, key: str) -> None:
    await session.execute(
        delete(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key)
    )


async def verification_for_update(
    session: AsyncSession, verification_id: uuid.UUID
) -> PhoneVerification | None:
    statement = (
        select(PhoneVerification).where(PhoneVerification.id == verification_id).with_for_update()
    )
    return await session.scalar(statement)
