"""Tables of the identity domain."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAtMixin, IdMixin
from backend.db.types import UTCDateTime, string_enum
from backend.i18n import Locale


class Role(StrEnum):
    RESIDENT = "resident"
    PARENT = "parent"
    CIVIL_SERVANT = "civil_servant"
    HEALTH_STAFF = "health_staff"
    # Edits the tourism domain's content; scoped to the whole domain (no scope id).
    TOURISM_STAFF = "tourism_staff"
    SCHOOL_STAFF = "school_staff"
    BUSINESS_OWNER = "business_owner"
    # Traffic, each over the whole city (no scope id): creates and closes incidents; verifies
    # vehicle ownership and looks plates up; reads the statistics.
    TRAFFIC_OPERATOR = "traffic_operator"
    TRAFFIC_POLICE = "traffic_police"
    TRAFFIC_PLANNER = "traffic_planner"
    # Drafts, approves and issues public alerts (alerts domain); not scoped.
    CIVIL_DEFENCE_OPERATOR = "civil_defence_operator"
    ADMIN = "admin"


class SecondFactor(StrEnum):
    """What proved a session beyond a password: the civil-servant card presented from the
    app (app or desktop QR sign-in), or a passkey after the password (web consoles)."""

    CARD = "card"
    PASSKEY = "passkey"


# Roles a session carries only when it was opened with a second factor: a password alone
# gives such an account a session with its other roles (a resident's, for instance).
SECOND_FACTOR_ROLES = frozenset({Role.CIVIL_SERVANT})


class User(IdMixin, CreatedAtMixin, Base):
    __tablename__ = "users"

    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    locale: Mapped[Locale] = mapped_column(string_enum(Locale, "locale"), default=Locale.VI)
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the holder proved the phone number with an SMS code; None: never (older accounts).
    phone_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RoleAssignment(IdMixin, CreatedAtMixin, Base):
    """A role held by a user; staff roles are scoped to one facility, school or business."""

    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role", "scope_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(string_enum(Role, "role"))
    scope_id: Mapped[uuid.UUID | None] = mapped_column()


class RefreshToken(IdMixin, CreatedAtMixin, Base):
    """One link of a rotation chain. Only the SHA-256 of the opaque token is kept."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index(None, "family_id"), Index(None, "expires_at"))

    family_id: Mapped[uuid.UUID] = mapped_column()
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The family's second factor, the same on every link (None: a password, or a code by SMS).
    second_factor: Mapped[SecondFactor | None] = mapped_column(
        string_enum(SecondFactor, "second_factor")
    )


# The scope of a (account, device) pair that signed in before: exempt from the account's lock.
KNOWN_SCOPE = "known"


class LoginThrottle(IdMixin, Base):
    """Failed sign-ins counted per account (across its phone and email) and per client address."""

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    scope: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(128))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VerificationPurpose(StrEnum):
    REGISTER = "register"
    CHANGE_PHONE = "change_phone"


class PhoneVerification(IdMixin, CreatedAtMixin, Base):
    """A code sent by SMS, stored as an HMAC; a pending registration waits here until the code
    is entered. No `code_hash`: a decoy for a number that already has an account, so `register`
    answers alike and no code can ever match."""

    __tablename__ = "phone_verifications"
    __table_args__ = (Index(None, "phone"), Index(None, "expires_at"))

    purpose: Mapped[VerificationPurpose] = mapped_column(
        string_enum(VerificationPurpose, "verification_purpose")
    )
    phone: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resend_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The registration that completes when the code is entered.
    email: Mapped[str | None] = mapped_column(String(254))
    display_name: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(8))


class RateCounter(IdMixin, Base):
    """Events counted per fixed window (SMS sent per phone, device, address)."""

    __tablename__ = "rate_counters"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    scope: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(128))
    count: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SecurityEvent(IdMixin, Base):
    """Append-only audit: who, what, when, from where. No foreign key: rows outlive accounts."""

    __tablename__ = "security_events"
    __table_args__ = (Index(None, "user_id"), Index(None, "occurred_at"), Index(None, "kind"))

    kind: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[uuid.UUID | None] = mapped_column()
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    client_address: Mapped[str | None] = mapped_column(String(64))
    installation_id: Mapped[str | None] = mapped_column(String(128))
    request_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
