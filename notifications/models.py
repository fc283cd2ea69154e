"""Tables of the push pipeline: devices, preferences, the inbox (which is also the outbox) and
per-device delivery records."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAtMixin, IdMixin
from backend.db.types import TranslatedText, UTCDateTime, string_enum
from backend.i18n import Locale, Translated

JSON_DOCUMENT = JSON().with_variant(JSONB(), "postgresql")


class Category(StrEnum):
    HEALTH = "health"
    SCHOOL = "school"
    TOURISM = "tourism"
    TRAFFIC = "traffic"
    ENVIRONMENT = "environment"
    IDENTITY = "identity"
    BUSINESS = "business"
    SYSTEM = "system"


class Platform(StrEnum):
    ANDROID = "android"
    IOS = "ios"
    WEB = "web"


class TargetKind(StrEnum):
    """How FCM addresses the app: a registration token, or a Firebase installation id."""

    TOKEN = "token"  # noqa: S105 - a kind of address, not a secret
    FID = "fid"


class DeliveryStatus(StrEnum):
    SENT = "sent"
    RETRYING = "retrying"
    FAILED = "failed"


class Device(IdMixin, CreatedAtMixin, Base):
    __tablename__ = "devices"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    target: Mapped[str] = mapped_column(String(512), unique=True)
    target_kind: Mapped[TargetKind] = mapped_column(string_enum(TargetKind, "target_kind"))
    platform: Mapped[Platform] = mapped_column(string_enum(Platform, "platform"))
    locale: Mapped[Locale] = mapped_column(string_enum(Locale, "locale"))
    app_version: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    deactivated_reason: Mapped[str | None] = mapped_column(String(64))
    # The ward whose public alerts this phone receives (a ward slug), through FCM topics.
    home_ward: Mapped[str | None] = mapped_column(String(64), index=True)


class NotificationSettings(Base):
    """Quiet hours in local time (Asia/Ho_Chi_Minh); absent row = no quiet hours."""

    __tablename__ = "notification_settings"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    quiet_start: Mapped[time | None] = mapped_column(Time())
    quiet_end: Mapped[time | None] = mapped_column(Time())


class CategoryPreference(Base):
    """A category the user switched off (or back on); absent row = on."""

    __tablename__ = "notification_category_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[Category] = mapped_column(string_enum(Category, "category"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)


class Notification(IdMixin, CreatedAtMixin, Base):
    """One message for one person: their inbox entry, and until `dispatched_at` is set, an
    outbox row that the sweep will (re)send."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index(None, "user_id", "created_at"),
        Index(None, "dispatched_at", "send_after"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    category: Mapped[Category] = mapped_column(string_enum(Category, "category"))
    type: Mapped[str] = mapped_column(String(64))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[Translated] = mapped_column(TranslatedText())
    body: Mapped[Translated] = mapped_column(TranslatedText())
    deep_link: Mapped[str] = mapped_column(String(256))
    data: Mapped[dict[str, Any]] = mapped_column(JSON_DOCUMENT)
    collapse_key: Mapped[str | None] = mapped_column(String(64))
    ttl_seconds: Mapped[int] = mapped_column(Integer)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    send_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dispatch_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # A dispatcher claims a notification for a while, so the sweep and a redelivered task never
    # send it side by side; a redelivered task keeps its id and may take its own claim back.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Delivery(IdMixin, Base):
    """What happened to one notification on one device; `sent` rows are never sent again."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("notification_id", "device_id"),)

    notification_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE")
    )
    device_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[DeliveryStatus] = mapped_column(string_enum(DeliveryStatus, "delivery_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TopicState(StrEnum):
    SUBSCRIBE = "subscribe"  # wanted; FCM not yet told
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBE = "unsubscribe"  # no longer wanted; FCM not yet told


class TopicSubscription(Base):
    """A device's membership of an FCM topic, as far as FCM has confirmed it: pending rows are
    sent to FCM in batches of up to 1,000 tokens and stay pending until FCM accepts them."""

    __tablename__ = "push_topic_subscriptions"
    __table_args__ = (Index(None, "state", "topic"),)

    device_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(128), primary_key=True)
    state: Mapped[TopicState] = mapped_column(string_enum(TopicState, "topic_state"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Broadcast(IdMixin, CreatedAtMixin, Base):
    """A public alert to everyone in a ward: one FCM request per language topic, no inbox rows.
    Until `dispatched_at` is set it is an outbox row the sweep re-sends; a topic whose outcome is
    recorded is not sent again."""

    __tablename__ = "push_broadcasts"
    __table_args__ = (Index(None, "dispatched_at"),)

    ward: Mapped[str] = mapped_column(String(64))
    category: Mapped[Category] = mapped_column(string_enum(Category, "category"))
    type: Mapped[str] = mapped_column(String(64))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[Translated] = mapped_column(TranslatedText())
    body: Mapped[Translated] = mapped_column(TranslatedText())
    deep_link: Mapped[str] = mapped_column(String(256))
    data: Mapped[dict[str, Any]] = mapped_column(JSON_DOCUMENT)
    collapse_key: Mapped[str | None] = mapped_column(String(64))
    ttl_seconds: Mapped[int] = mapped_column(Integer)
    topic_outcomes: Mapped[dict[str, str]] = mapped_column(JSON_DOCUMENT)  # topic -> outcome
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
