"""Use cases of the identity domain: sign in, rotate and end sessions (registration and phone
numbers: `verification`)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import (
    BadUserInput,
    Forbidden,
    RateLimited,
    SecondFactorRequired,
    Unauthenticated,
)
from backend.identity import audit, passwords, repository, throttle
from backend.identity.audit import EventKind, RequestOrigin
from backend.identity.contacts import normalize_identifier
from backend.identity.models import (
    SECOND_FACTOR_ROLES,
    RefreshToken,
    Role,
    RoleAssignment,
    SecondFactor,
    User,
)
from backend.identity.tokens import (
    AccessClaims,
    Keyring,
    hash_refresh_token,
    new_refresh_token,
    successor_of,
)
from backend.settings import Settings

log = logging.getLogger(__name__)

MAX_REFRESH_TOKEN_LENGTH = 256


@dataclass(frozen=True, slots=True)
class AuthConfig:
    keyring: Keyring
    refresh_secret: bytes
    refresh_ttl: timedelta
    reuse_grace: timedelta
    throttle: throttle.ThrottlePolicy

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthConfig:
        return cls(
            keyring=Keyring(settings),
            refresh_secret=settings.refresh_secret,
            refresh_ttl=timedelta(days=settings.refresh_token_ttl_days),
            reuse_grace=timedelta(seconds=settings.refresh_reuse_grace_seconds),
            throttle=throttle.ThrottlePolicy(
                delay_after=settings.login_delay_after_failures,
                lock_after=settings.login_lock_after_failures,
                address_lock_after=settings.login_address_lock_after_failures,
                lock_for=timedelta(minutes=settings.login_lock_minutes),
            ),
        )


@dataclass(frozen=True, slots=True)
class Session:
    """What a successful sign-in or rotation hands to the app."""

    user: User
    access_token: str
    refresh_token: str
    access_token_expires_at: datetime
    family_id: uuid.UUID
    second_factor: SecondFactor | None = None


async def login(
    uow: UnitOfWork,
    auth: AuthConfig,
    *,
    identifier: str,
    password: str,
    origin: RequestOrigin,
    now: datetime,
) -> Session:
    """Check a password under brute-force protection and open a new session."""
    user = await authenticate(
        uow, auth, identifier=identifier, password=password, origin=origin, now=now
    )
    return await open_session(uow.session, auth, user, now)


async def authenticate(
    uow: UnitOfWork,
    auth: AuthConfig,
    *,
    identifier: str,
    password: str,
    origin: RequestOrigin,
    now: datetime,
) -> User:
    """The account a password proves, under brute-force protection (a first factor: another
    domain may ask for a second before opening a session)."""
    if len(password) > passwords.MAX_LENGTH:
        raise BadUserInput("input.too_long", field="password", max=passwords.MAX_LENGTH)
    kind, value = normalize_identifier(identifier)
    session = uow.session
    user = await repository.user_by_contact(session, kind, value)
    account_key = f"user:{user.id}" if user else f"{kind}:{value}"
    attempt = throttle.Attempt(account_key, origin.device, origin.client_address)
    counters = await throttle.check_and_hold(session, auth.throttle, attempt, now)

    valid = await passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        locked = throttle.record_failure(auth.throttle, counters, now)
        log.info("identity.login.failed", extra={"account": account_key})
        if locked is not None:
            scope, seconds = locked
            await audit.record(
                session,
                EventKind.LOGIN_LOCKED,
                origin=origin,
                now=now,
                user_id=user.id if user else None,
                scope=scope,
                seconds=seconds,
            )
            raise RateLimited("auth.locked", retry_after_seconds=seconds, keep_changes=True)
        raise Unauthenticated("auth.bad_credentials", keep_changes=True)

    await throttle.succeeded(session, attempt, now)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = await passwords.hash_password(password)
    log.info("identity.login.succeeded", extra={"user_id": str(user.id)})
    return user


async def open_session(
    session: AsyncSession,
    auth: AuthConfig,
    user: User,
    now: datetime,
    *,
    second_factor: SecondFactor | None = None,
) -> Session:
    """A new refresh-token family and its first access token; `second_factor` says what
    proved it beyond a password (the cards domain's card or passkey)."""
    user.last_login_at = now
    raw = new_refresh_token()
    family_id = uuid.uuid4()
    await _store_refresh_token(session, auth, raw, user.id, family_id, now, second_factor)
    return _session(auth, user, raw, family_id, now, second_factor)


async def refresh(
    uow: UnitOfWork,
    auth: AuthConfig,
    *,
    refresh_token: str,
    origin: RequestOrigin,
    now: datetime,
) -> Session:
    """Rotate a refresh token. A token used twice revokes its whole family (it was stolen),
    except for a retry within the grace period, which gets the same successor again."""
    _check_refresh_token_length(refresh_token)
    session = uow.session
    current = await repository.refresh_token_by_hash(
        session, hash_refresh_token(refresh_token), for_update=True
    )
    if current is None or current.revoked_at is not None or current.expires_at <= now:
        raise Unauthenticated("auth.refresh_invalid")
    user = await repository.user_by_id(session, current.user_id)
    if user is None or not user.is_active:
        raise Unauthenticated("auth.refresh_invalid")

    successor = successor_of(refresh_token, auth.refresh_secret)
    if current.used_at is not None:
        if now - current.used_at <= auth.reuse_grace:
            issued = await repository.refresh_token_by_hash(session, hash_refresh_token(successor))
            if issued is not None and issued.used_at is None and issued.revoked_at is None:
                return _session(
                    auth, user, successor, current.family_id, now, current.second_factor
                )
        await repository.revoke_family(session, current.family_id, now)
        await audit.record(
            session,
            EventKind.REFRESH_REUSED,
            origin=origin,
            now=now,
            user_id=user.id,
            family_id=str(current.family_id),
        )
        raise Unauthenticated("auth.refresh_reused", keep_changes=True)

    current.used_at = now
    factor = current.second_factor  # a family keeps what it was opened with
    await _store_refresh_token(session, auth, successor, user.id, current.family_id, now, factor)
    return _session(auth, user, successor, current.family_id, now, factor)


async def logout(
    uow: UnitOfWork, *, refresh_token: str, origin: RequestOrigin, now: datetime
) -> None:
    """End the session the refresh token belongs to; its access tokens stop working at once."""
    _check_refresh_token_length(refresh_token)
    current = await repository.refresh_token_by_hash(uow.session, hash_refresh_token(refresh_token))
    if current is not None and current.revoked_at is None:
        await repository.revoke_family(uow.session, current.family_id, now)
        await audit.record(
            uow.session,
            EventKind.SESSION_REVOKED,
            origin=origin,
            now=now,
            user_id=current.user_id,
            family_id=str(current.family_id),
        )


async def end_session_family(session: AsyncSession, family_id: uuid.UUID, now: datetime) -> None:
    """End a session from another domain (a card withdrawn): its refresh stops at once."""
    await repository.revoke_family(session, family_id, now)


async def authenticated_user(session: AsyncSession, claims: AccessClaims, now: datetime) -> User:
    user = await repository.active_user_in_session(session, claims.user_id, claims.session_id, now)
    if user is None:
        raise Unauthenticated("auth.token_invalid")
    return user


async def roles_of(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[RoleAssignment]]:
    found: dict[uuid.UUID, list[RoleAssignment]] = {user_id: [] for user_id in user_ids}
    for assignment in await repository.roles_by_user_ids(session, user_ids):
        found[assignment.user_id].append(assignment)
    return found


def session_roles(
    held: Sequence[RoleAssignment], second_factor: SecondFactor | None
) -> list[RoleAssignment]:
    """The roles a session carries: a role that needs a second factor only when the session
    was opened with one."""
    if second_factor is not None:
        return list(held)
    return [r for r in held if r.role not in SECOND_FACTOR_ROLES]


async def require_session_role(
    session: AsyncSession, user_id: uuid.UUID, role: Role, second_factor: SecondFactor | None
) -> list[RoleAssignment]:
    """The assignments of `role` this session carries. An account holding the role in a session
    opened by a password alone is told to sign in with its second factor; anyone else is
    refused."""
    held = [r for r in (await roles_of(session, [user_id]))[user_id] if r.role is role]
    if not held:
        raise Forbidden("forbidden")
    if not session_roles(held, second_factor):
        raise SecondFactorRequired("auth.second_factor_required")
    return held


def needs_second_factor(held: Sequence[RoleAssignment], second_factor: SecondFactor | None) -> bool:
    """Whether the account holds roles this session does not carry until a second factor."""
    return len(session_roles(held, second_factor)) < len(held)


async def active_user_by_phone(session: AsyncSession, phone: str) -> User | None:
    """The active account holding a phone number already normalised to E.164 (another domain
    adding someone by number, e.g. a business its staff)."""
    user = await repository.user_by_contact(session, "phone", phone)
    return user if user is not None and user.is_active else None


async def names_and_phones(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, str | None]]:
    """Who these accounts are, for staff who must be able to reach them."""
    return await repository.names_and_phones(session, user_ids) if user_ids else {}


async def active_user_by_id(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    user = await repository.user_by_id(session, user_id)
    return user if user is not None and user.is_active else None


async def purge_expired_refresh_tokens(session: AsyncSession, now: datetime) -> int:
    """Expired tokens can never be presented again; keep a week for reuse forensics."""
    return await repository.delete_refresh_tokens_expired_before(session, now - timedelta(days=7))


async def purge_stale_sign_in_state(session: AsyncSession, now: datetime) -> dict[str, int]:
    """Expired verification codes (and the pending sign-ups they hold) after a day, and rate
    and failure counters a day after their last event: all long past any window they serve."""
    day_ago = now - timedelta(days=1)
    return await repository.delete_stale_sign_in_state(
        session, verifications_before=day_ago, counters_before=day_ago
    )


def _check_refresh_token_length(refresh_token: str) -> None:
    if len(refresh_token) > MAX_REFRESH_TOKEN_LENGTH:
        raise BadUserInput("input.too_long", field="refreshToken", max=MAX_REFRESH_TOKEN_LENGTH)


async def _store_refresh_token(
    session: AsyncSession,
    auth: AuthConfig,
    raw: str,
    user_id: uuid.UUID,
    family_id: uuid.UUID,
    now: datetime,
    second_factor: SecondFactor | None,
) -> None:
    await repository.add_refresh_token(
        session,
        RefreshToken(
            id=uuid.uuid4(),
            family_id=family_id,
            user_id=user_id,
            token_hash=hash_refresh_token(raw),
            expires_at=now + auth.refresh_ttl,
            created_at=now,
            second_factor=second_factor,
        ),
    )


def _session(
    auth: AuthConfig,
    user: User,
    raw: str,
    family_id: uuid.UUID,
    now: datetime,
    second_factor: SecondFactor | None,
) -> Session:
    access = auth.keyring.issue(
        user_id=user.id, session_id=family_id, now=now, second_factor=second_factor
    )
    return Session(
        user=user,
        access_token=access,
        refresh_token=raw,
        access_token_expires_at=now + timedelta(seconds=auth.keyring.ttl_seconds),
        family_id=family_id,
        second_factor=second_factor,
    )
