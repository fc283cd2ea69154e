"""Phone numbers proven by a 6-digit code sent by SMS.

`register` keeps the registration pending and texts a code; the account exists only once
`verify_registration` gets the right code. A number that already has an account gets the same
answer, a decoy verification that no code matches, and its owner a notice instead of a code: the
answer reveals nothing, and nothing is created for the stranger. A signed-in holder changes a
number (or proves the one an older account has) the same way. Codes are kept as an HMAC (a keyed
hash suffices for short-lived codes), expire, allow a few attempts; SMS are limited per number,
per app installation and per client address.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import (
    BadUserInput,
    Conflict,
    RateLimited,
    VerificationCodeInvalid,
    VerificationExpired,
)
from backend.free_text import check_name
from backend.i18n import Locale, translate
from backend.identity import audit, passwords, rate_limits, repository
from backend.identity.audit import EventKind, RequestOrigin
from backend.identity.contacts import normalize_email, normalize_phone
from backend.identity.models import PhoneVerification, Role, User, VerificationPurpose
from backend.identity.service import AuthConfig, Session, open_session
from backend.settings import Settings
from backend.sms import SmsMessage

MAX_NAME_LENGTH = 120
MAX_INSTALLATION_KEY = 128
SMS_WINDOW = timedelta(hours=1)
_CODE = re.compile(r"^[0-9]{6}$")


@dataclass(frozen=True, slots=True)
class VerificationPolicy:
    key: bytes  # of the HMAC that stores codes
    ttl: timedelta
    max_attempts: int
    resend_after: timedelta
    per_phone: int
    per_device: int
    per_address: int

    @classmethod
    def from_settings(cls, settings: Settings) -> VerificationPolicy:
        return cls(
            # Derived from the refresh-token secret: one secret to keep, separate uses.
            key=hmac.new(settings.refresh_secret, b"phone-code", hashlib.sha256).digest(),
            ttl=timedelta(minutes=settings.phone_code_ttl_minutes),
            max_attempts=settings.phone_code_max_attempts,
            resend_after=timedelta(seconds=settings.phone_code_resend_seconds),
            per_phone=settings.sms_per_phone_per_hour,
            per_device=settings.sms_per_device_per_hour,
            per_address=settings.sms_per_address_per_hour,
        )


@dataclass(frozen=True, slots=True)
class Started:
    """Where the app enters the code, until when, and when it may ask for another SMS."""

    verification_id: uuid.UUID
    phone: str
    expires_at: datetime
    resend_available_at: datetime
    sms: SmsMessage  # the caller sends it once the transaction committed


@dataclass(frozen=True, slots=True)
class Registration:
    phone: str | None
    email: str | None
    password: str
    display_name: str
    locale: Locale


async def register(
    uow: UnitOfWork,
    policy: VerificationPolicy,
    *,
    registration: Registration,
    origin: RequestOrigin,
    now: datetime,
) -> Started:
    """Keep a registration pending and text a code (or, for a taken number, a notice)."""
    name = _display_name(registration.display_name)
    if not registration.phone:
        raise BadUserInput("input.required", field="phone")
    phone = normalize_phone(registration.phone)
    email = normalize_email(registration.email) if registration.email else None
    passwords.check_policy(registration.password)
    # Hashed whether or not the number is taken, so both answers take as long.
    password_hash = await passwords.hash_password(registration.password)
    session = uow.session
    await _spend_sms(session, policy, phone, origin, now)
    row = _new_row(policy, VerificationPurpose.REGISTER, phone, registration.locale, now)
    row.email, row.display_name, row.password_hash = email, name, password_hash
    return await _issue(session, policy, row, origin, now, other_user_id=None)


async def start_phone_change(
    uow: UnitOfWork,
    policy: VerificationPolicy,
    *,
    user_id: uuid.UUID,
    phone: str,
    origin: RequestOrigin,
    now: datetime,
) -> Started:
    """Text a code to a new number, or to the account's own number when it was never proved."""
    normalized = normalize_phone(phone)
    session = uow.session
    user = await repository.user_by_id(session, user_id)
    assert user is not None  # the viewer was just loaded
    if normalized == user.phone and user.phone_verified_at is not None:
        raise BadUserInput("verification.already_verified", field="phone")
    await _spend_sms(session, policy, normalized, origin, now)
    row = _new_row(policy, VerificationPurpose.CHANGE_PHONE, normalized, user.locale, now)
    row.user_id = user.id
    return await _issue(session, policy, row, origin, now, other_user_id=user.id)


async def resend(
    uow: UnitOfWork,
    policy: VerificationPolicy,
    *,
    verification_id: uuid.UUID,
    origin: RequestOrigin,
    now: datetime,
) -> Started:
    """A new code (the old one stops working) once the cool-down is over; attempts carry on."""
    session = uow.session
    row = await _live(session, policy, verification_id, now)
    if row.resend_at > now:
        raise RateLimited(
            "verification.resend_wait", retry_after_seconds=_seconds(row.resend_at - now)
        )
    await _spend_sms(session, policy, row.phone, origin, now)
    row.expires_at, row.resend_at = now + policy.ttl, now + policy.resend_after
    sms = _text(policy, row, decoy=row.code_hash is None)
    return Started(row.id, row.phone, row.expires_at, row.resend_at, sms)


async def verify_registration(
    uow: UnitOfWork,
    auth: AuthConfig,
    policy: VerificationPolicy,
    *,
    verification_id: uuid.UUID,
    code: str,
    now: datetime,
) -> Session:
    """Create the account the code proves, and sign it in."""
    row = await _checked(uow.session, policy, verification_id, code, now, owner=None)
    assert row.password_hash is not None
    assert row.display_name is not None
    # Taken since `register` (an email is checked only now, so `register` reveals none).
    if await repository.contact_taken(uow.session, "phone", row.phone):
        raise Conflict("conflict.phone_taken")
    if row.email and await repository.contact_taken(uow.session, "email", row.email):
        raise Conflict("conflict.email_taken")
    user = User(
        id=uuid.uuid4(),
        phone=row.phone,
        email=row.email,
        password_hash=row.password_hash,
        display_name=row.display_name,
        locale=Locale(row.locale or Locale.VI.value),
        is_active=True,
        phone_verified_at=now,
    )
    await repository.add_user(uow.session, user, [Role.RESIDENT])
    row.consumed_at, row.password_hash = now, None
    return await open_session(uow.session, auth, user, now)


async def confirm_phone_change(
    uow: UnitOfWork,
    policy: VerificationPolicy,
    *,
    user_id: uuid.UUID,
    verification_id: uuid.UUID,
    code: str,
    origin: RequestOrigin,
    now: datetime,
) -> User:
    """Give the account the number the code proves."""
    session = uow.session
    row = await _checked(session, policy, verification_id, code, now, owner=user_id)
    user = await repository.user_by_id(session, user_id)
    assert user is not None
    previous = user.phone
    if previous != row.phone and await repository.contact_taken(session, "phone", row.phone):
        raise Conflict("conflict.phone_taken")
    user.phone, user.phone_verified_at, row.consumed_at = row.phone, now, now
    await session.flush()
    kind = EventKind.PHONE_VERIFIED if previous == row.phone else EventKind.PHONE_CHANGED
    await audit.record(session, kind, origin=origin, now=now, user_id=user.id)
    return user


def _new_row(
    policy: VerificationPolicy,
    purpose: VerificationPurpose,
    phone: str,
    locale: Locale,
    now: datetime,
) -> PhoneVerification:
    return PhoneVerification(
        id=uuid.uuid4(),
        purpose=purpose,
        phone=phone,
        expires_at=now + policy.ttl,
        resend_at=now + policy.resend_after,
        attempts=0,
        locale=locale.value,
        created_at=now,
    )


async def _issue(
    session: AsyncSession,
    policy: VerificationPolicy,
    row: PhoneVerification,
    origin: RequestOrigin,
    now: datetime,
    *,
    other_user_id: uuid.UUID | None,
) -> Started:
    """Store the verification with a code, or as a decoy when another account holds the number
    (whose owner is told, in their language, and an audit row written)."""
    holder = await repository.user_by_contact(session, "phone", row.phone)
    decoy = holder is not None and holder.id != other_user_id
    if holder is not None and decoy:
        row.email = row.display_name = row.password_hash = None  # keep nothing of a stranger's
        row.locale = holder.locale.value
        await audit.record(
            session,
            EventKind.REGISTER_EXISTING_PHONE,
            origin=origin,
            now=now,
            user_id=holder.id,
            purpose=row.purpose.value,
        )
    sms = _text(policy, row, decoy=decoy)
    session.add(row)
    await session.flush()
    return Started(row.id, row.phone, row.expires_at, row.resend_at, sms)


def _text(policy: VerificationPolicy, row: PhoneVerification, *, decoy: bool) -> SmsMessage:
    """A fresh code for a real verification (its HMAC replaces the last one); a notice to the
    holder for a decoy, which keeps no code."""
    locale = Locale(row.locale or Locale.VI.value)
    if decoy:
        return SmsMessage(row.phone, translate("sms.registration_attempt", locale))
    code = f"{secrets.randbelow(1_000_000):06d}"
    row.code_hash = _hash(policy, row.id, code)
    minutes = int(policy.ttl.total_seconds() // 60)
    text = translate("sms.verification_code", locale, code=code, minutes=minutes)
    return SmsMessage(row.phone, text)


async def _live(
    session: AsyncSession,
    policy: VerificationPolicy,
    verification_id: uuid.UUID,
    now: datetime,
    *,
    owner: uuid.UUID | None = None,
    purpose: VerificationPurpose | None = None,
) -> PhoneVerification:
    """The verification, locked; unknown, used, expired and spent ones are all just over."""
    row = await repository.verification_for_update(session, verification_id)
    if (
        row is None
        or row.consumed_at is not None
        or row.expires_at <= now
        or row.attempts >= policy.max_attempts
        or (purpose is not None and row.purpose is not purpose)
        or (purpose is not None and row.user_id != owner)
    ):
        raise VerificationExpired("verification.expired", field="verificationId")
    return row


async def _checked(
    session: AsyncSession,
    policy: VerificationPolicy,
    verification_id: uuid.UUID,
    code: str,
    now: datetime,
    *,
    owner: uuid.UUID | None,
) -> PhoneVerification:
    """The verification if `code` is its code; a wrong code is counted and refused."""
    if not _CODE.match(code):
        raise BadUserInput("verification.code_format", field="code")
    purpose = VerificationPurpose.REGISTER if owner is None else VerificationPurpose.CHANGE_PHONE
    row = await _live(session, policy, verification_id, now, owner=owner, purpose=purpose)
    expected = _hash(policy, row.id, code)
    if row.code_hash is None or not hmac.compare_digest(row.code_hash, expected):
        row.attempts += 1
        await session.flush()
        raise VerificationCodeInvalid(
            "verification.code_invalid",
            field="code",
            attempts_left=policy.max_attempts - row.attempts,
        )
    return row


async def _spend_sms(
    session: AsyncSession,
    policy: VerificationPolicy,
    phone: str,
    origin: RequestOrigin,
    now: datetime,
) -> None:
    limits = [rate_limits.Limit("sms_phone", phone, policy.per_phone)]
    if origin.installation_id:
        key = origin.installation_id[:MAX_INSTALLATION_KEY]
        limits.append(rate_limits.Limit("sms_device", key, policy.per_device))
    if origin.client_address:
        limits.append(rate_limits.Limit("sms_address", origin.client_address, policy.per_address))
    await rate_limits.spend(session, limits, SMS_WINDOW, now)


def _hash(policy: VerificationPolicy, verification_id: uuid.UUID, code: str) -> str:
    message = f"{verification_id}:{code}".encode()
    return hmac.new(policy.key, message, hashlib.sha256).hexdigest()


def _display_name(raw: str) -> str:
    name = raw.strip()
    if not name:
        raise BadUserInput("input.required", field="displayName")
    if len(name) > MAX_NAME_LENGTH:
        raise BadUserInput("input.too_long", field="displayName", max=MAX_NAME_LENGTH)
    check_name(name, field="displayName")
    return name


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))
