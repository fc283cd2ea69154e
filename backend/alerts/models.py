"""Tables of the alerts domain: alerts (one row per CAP message, an Update or Cancel being a new
row that references the one it replaces), the wards each issued alert reached, and the audit
trail of every action on an alert.

Areas are kept as CAP gives them (latitude first) in one JSON document per alert; the wards they
cover are resolved when the alert is issued. These entities serve writes; reads go through typed
rows (`backend.alerts.repository`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAtMixin
from backend.db.types import TranslatedText, UTCDateTime, string_enum
from backend.i18n import Translated

# CAP 1.2 enumerations, stored with CAP's own spelling.


class Status(StrEnum):
    ACTUAL = "Actual"
    EXERCISE = "Exercise"
    SYSTEM = "System"
    TEST = "Test"
    DRAFT = "Draft"


class MsgType(StrEnum):
    ALERT = "Alert"
    UPDATE = "Update"
    CANCEL = "Cancel"


class Scope(StrEnum):
    PUBLIC = "Public"
    RESTRICTED = "Restricted"
    PRIVATE = "Private"


class Category(StrEnum):
    GEO = "Geo"
    MET = "Met"
    SAFETY = "Safety"
    SECURITY = "Security"
    RESCUE = "Rescue"
    FIRE = "Fire"
    HEALTH = "Health"
    ENV = "Env"
    TRANSPORT = "Transport"
    INFRA = "Infra"
    CBRNE = "CBRNE"
    OTHER = "Other"


class Urgency(StrEnum):
    IMMEDIATE = "Immediate"
    EXPECTED = "Expected"
    FUTURE = "Future"
    PAST = "Past"
    UNKNOWN = "Unknown"


class Severity(StrEnum):
    EXTREME = "Extreme"
    SEVERE = "Severe"
    MODERATE = "Moderate"
    MINOR = "Minor"
    UNKNOWN = "Unknown"


class Certainty(StrEnum):
    OBSERVED = "Observed"
    LIKELY = "Likely"
    POSSIBLE = "Possible"
    UNLIKELY = "Unlikely"
    UNKNOWN = "Unknown"


class ResponseType(StrEnum):
    SHELTER = "Shelter"
    EVACUATE = "Evacuate"
    PREPARE = "Prepare"
    EXECUTE = "Execute"
    AVOID = "Avoid"
    MONITOR = "Monitor"
    ASSESS = "Assess"
    ALL_CLEAR = "AllClear"
    NONE = "None"


class Stage(StrEnum):
    """Where an alert is in its life here (not a CAP field)."""

    DRAFT = "draft"  # being written; not public
    APPROVED = "approved"  # a second operator approved it; ready to issue
    ISSUED = "issued"  # sent; in force until it expires or is replaced
    SUPERSEDED = "superseded"  # replaced by an issued Update
    CANCELLED = "cancelled"  # withdrawn by an issued Cancel
    DISCARDED = "discarded"  # a draft abandoned before issue


class Alert(CreatedAtMixin, Base):
    __tablename__ = "alerts"
    __table_args__ = (
        Index(None, "stage", "sent"),
        Index(None, "rule"),
        Index(None, "references_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(128), unique=True)
    sender: Mapped[str] = mapped_column(String(128))
    sender_name: Mapped[Translated] = mapped_column(TranslatedText())
    sent: Mapped[datetime | None] = mapped_column(UTCDateTime())  # set when issued
    status: Mapped[Status] = mapped_column(string_enum(Status, "alert_status"))
    msg_type: Mapped[MsgType] = mapped_column(string_enum(MsgType, "alert_msg_type"))
    scope: Mapped[Scope] = mapped_column(string_enum(Scope, "alert_scope"))
    category: Mapped[Category] = mapped_column(string_enum(Category, "alert_category"))
    event: Mapped[Translated] = mapped_column(TranslatedText())
    urgency: Mapped[Urgency] = mapped_column(string_enum(Urgency, "alert_urgency"))
    severity: Mapped[Severity] = mapped_column(string_enum(Severity, "alert_severity"))
    certainty: Mapped[Certainty] = mapped_column(string_enum(Certainty, "alert_certainty"))
    response_type: Mapped[ResponseType] = mapped_column(
        string_enum(ResponseType, "alert_response_type")
    )
    onset: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires: Mapped[datetime | None] = mapped_column(UTCDateTime())
    headline: Mapped[Translated] = mapped_column(TranslatedText())
    description: Mapped[Translated] = mapped_column(TranslatedText())
    instruction: Mapped[Translated] = mapped_column(TranslatedText())
    # [{"description": {"vi": …, "en": …}, "polygons": [[[lat, lon], …]],
    #   "circles": [[lat, lon, radius_km]], "wards": ["<slug>", …]}]
    areas: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # The alert an Update or Cancel replaces.
    references_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("alerts.id", ondelete="RESTRICT")
    )
    stage: Mapped[Stage] = mapped_column(string_enum(Stage, "alert_stage"))
    # The threshold rule that raised it (automatic alerts only).
    rule: Mapped[str | None] = mapped_column(String(128))
    drafted_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    approved_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    issued_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Set once the wards are resolved and their pushes written (delivery is idempotent).
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set once the inbox entries of the people living there are written.
    inbox_delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AlertWard(Base):
    """A ward an issued alert covers; written with the ward's push, so a ward is pushed once."""

    __tablename__ = "alert_wards"
    __table_args__ = (Index(None, "ward"),)

    alert_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True
    )
    ward: Mapped[str] = mapped_column(String(64), primary_key=True)
    public: Mapped[bool] = mapped_column()  # False for Exercise/Test: matched, never pushed


class AlertAction(StrEnum):
    DRAFTED = "drafted"
    EDITED = "edited"
    APPROVED = "approved"
    ISSUED = "issued"
    ISSUED_ALONE = "issued_alone"  # Extreme + Immediate, issued without a second operator
    DISCARDED = "discarded"
    DELIVERED = "delivered"


class AlertEvent(CreatedAtMixin, Base):
    """Who did what to an alert, and when; actor None means a threshold rule or the system."""

    __tablename__ = "alert_events"
    __table_args__ = (Index(None, "alert_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    alert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[AlertAction] = mapped_column(string_enum(AlertAction, "alert_action"))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
