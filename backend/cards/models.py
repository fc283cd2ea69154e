"""Tables of the cards domain: issuer keys, issuing agencies and their staff lists, holders'
device keys, cards with their status-list slots, nonces and the sessions a card opened."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAtMixin, IdMixin
from backend.db.types import TranslatedText, UTCDateTime, string_enum
from backend.i18n import Translated


class CardKind(StrEnum):
    CIVIL_SERVANT = "civil_servant"
    CITIZEN = "citizen"
    BUSINESS = "business"


class CardStatus(IntEnum):
    """The values of a Token Status List entry (2 bits)."""

    VALID = 0
    INVALID = 1
    SUSPENDED = 2


class IssuerKey(CreatedAtMixin, Base):
    """A signing key of the issuer. The private half is encrypted (AES-GCM) with a key from the
    settings; a retired key stops signing but stays published until its last card expires."""

    __tablename__ = "card_issuer_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(16))
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    private_key: Mapped[str] = mapped_column(Text)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    publish_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CardAgency(CreatedAtMixin, Base):
    """A body that employs civil servants and issues their cards."""

    __tablename__ = "card_agencies"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())


class CardAgencyAdmin(CreatedAtMixin, Base):
    """An account that manages an agency's staff list and cards."""

    __tablename__ = "card_agency_admins"

    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("card_agencies.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class StaffEntry(IdMixin, Base):
    """One line of an agency's staff list, replaced as a whole by each import."""

    __tablename__ = "card_staff_entries"
    __table_args__ = (
        UniqueConstraint("agency_id", "phone"),
        UniqueConstraint("agency_id", "card_number"),
    )

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("card_agencies.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(120))
    employing_unit: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(120))
    card_number: Mapped[str] = mapped_column(String(32))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeviceKey(IdMixin, CreatedAtMixin, Base):
    """A public key an app installation registered; cards are bound to the newest."""

    __tablename__ = "card_device_keys"
    __table_args__ = (UniqueConstraint("user_id", "thumbprint"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    thumbprint: Mapped[str] = mapped_column(String(64))
    jwk: Mapped[dict[str, Any]] = mapped_column(JSON)


class Card(IdMixin, CreatedAtMixin, Base):
    __tablename__ = "cards"
    __table_args__ = (UniqueConstraint("kind", "status_index"), Index(None, "holder_id"))

    kind: Mapped[CardKind] = mapped_column(string_enum(CardKind, "card_kind"))
    holder_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    agency_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("card_agencies.id", ondelete="SET NULL")
    )
    business_id: Mapped[uuid.UUID | None] = mapped_column()
    issued_by: Mapped[uuid.UUID | None] = mapped_column()
    card_number: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[int] = mapped_column(Integer, default=CardStatus.VALID)
    status_index: Mapped[int] = mapped_column(Integer)
    device_thumbprint: Mapped[str] = mapped_column(String(64))
    kid: Mapped[str] = mapped_column(String(64))
    credential: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date] = mapped_column(Date)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Nonce(IdMixin, Base):
    """A server nonce (sign-in, a verifier's presentation request) or a presentation already
    seen (replay guard for time-based nonces): each value is accepted once."""

    __tablename__ = "card_nonces"
    __table_args__ = (Index(None, "expires_at"),)

    value: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CardSession(Base):
    """A sign-in a card opened: revoking the card ends its refresh-token family."""

    __tablename__ = "card_sessions"

    card_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cards.id", ondelete="CASCADE"), primary_key=True
    )
    family_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class DesktopSignIn(IdMixin, Base):
    """A desktop waiting for a civil servant to approve its QR challenge with the card; the
    desktop collects the session once with its poll secret (only its hash is kept)."""

    __tablename__ = "card_desktop_sign_ins"
    __table_args__ = (Index(None, "expires_at"),)

    challenge: Mapped[str] = mapped_column(String(64), unique=True)
    poll_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    card_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Passkey(IdMixin, CreatedAtMixin, Base):
    """A WebAuthn credential of a civil servant (the second factor on the web). The backup
    flags decide how the signature counter is read: synced passkeys may repeat it."""

    __tablename__ = "card_passkeys"
    __table_args__ = (Index(None, "user_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))  # the holder's, e.g. "Laptop at the office"
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)  # base64url
    public_key: Mapped[str] = mapped_column(Text)  # COSE key, base64url
    sign_count: Mapped[int] = mapped_column(Integer, default=0)
    transports: Mapped[list[str]] = mapped_column(JSON, default=list)
    backup_eligible: Mapped[bool] = mapped_column(Boolean)
    backup_state: Mapped[bool] = mapped_column(Boolean)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PasskeyChallenge(IdMixin, Base):
    """A WebAuthn challenge: for one account and one ceremony, used once, two minutes."""

    __tablename__ = "card_passkey_challenges"
    __table_args__ = (Index(None, "expires_at"),)

    challenge: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PasskeySession(Base):
    """A web session opened with a password and a passkey: removing the passkey ends it."""

    __tablename__ = "card_passkey_sessions"

    passkey_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("card_passkeys.id", ondelete="CASCADE"), primary_key=True
    )
    family_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
