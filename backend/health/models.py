"""Tables of the health domain: facilities, schedules, slots, appointments and their audit trail.

Times are stored in UTC; weekly schedules and opening hours are minutes after local midnight
(Asia/Ho_Chi_Minh), 0–1440, so both dialects compare them as plain integers.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import IntEnum, StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAtMixin, IdMixin
from backend.db.types import TranslatedText, UTCDateTime, string_enum
from backend.i18n import Translated


class FacilityLevel(StrEnum):
    CENTRAL = "central"
    PROVINCIAL = "provincial"
    DISTRICT = "district"
    COMMUNE = "commune"  # trạm y tế xã/phường
    PRIVATE = "private"


class Weekday(IntEnum):
    """Python's `date.weekday()` numbering."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


class AppointmentStatus(StrEnum):
    """FHIR AppointmentStatus values used here."""

    BOOKED = "booked"
    ARRIVED = "arrived"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    NOSHOW = "noshow"


class CancelledBy(StrEnum):
    PATIENT = "patient"
    FACILITY = "facility"


class Relationship(StrEnum):
    CHILD = "child"
    PARENT = "parent"
    SPOUSE = "spouse"
    SIBLING = "sibling"
    GRANDPARENT = "grandparent"
    OTHER = "other"


class AccessAction(StrEnum):
    READ = "read"
    CHECK_IN = "check_in"
    COMPLETE = "complete"
    NO_SHOW = "no_show"
    CANCEL = "cancel"


class ReminderKind(StrEnum):
    DAY_BEFORE = "day_before"  # 24 h before the start
    SOON = "soon"  # 2 h before the start


class Specialty(IdMixin, Base):
    __tablename__ = "health_specialties"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())


class Facility(CreatedAtMixin, Base):
    """The health side of a `places` row (same id); name, address and location live there."""

    __tablename__ = "health_facilities"

    id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("places.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[FacilityLevel] = mapped_column(string_enum(FacilityLevel, "facility_level"))
    phone: Mapped[str] = mapped_column(String(20))
    accepts_insurance: Mapped[bool] = mapped_column(Boolean)


class OpeningHours(Base):
    """One opening interval of a facility on a weekday; a lunch break makes two."""

    __tablename__ = "health_opening_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("opens_minute >= 0 AND opens_minute < closes_minute", name="interval"),
        CheckConstraint("closes_minute <= 1440", name="closes"),
    )

    facility_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("health_facilities.id", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    opens_minute: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    closes_minute: Mapped[int] = mapped_column(SmallInteger)


class FacilitySpecialty(Base):
    __tablename__ = "health_facility_specialties"
    __table_args__ = (Index(None, "specialty_id"),)

    facility_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("health_facilities.id", ondelete="CASCADE"), primary_key=True
    )
    specialty_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("health_specialties.id", ondelete="CASCADE"), primary_key=True
    )


class Practitioner(IdMixin, CreatedAtMixin, Base):
    __tablename__ = "health_practitioners"

    facility_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("health_facilities.id", ondelete="CASCADE"), index=True
    )
    full_name: Mapped[str] = mapped_column(String(120))
    title: Mapped[Translated] = mapped_column(TranslatedText())
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PractitionerSpecialty(Base):
    __tablename__ = "health_practitioner_specialties"

    practitioner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("health_practitioners.id", ondelete="CASCADE"), primary_key=True
    )
    specialty_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("health_specialties.id", ondelete="CASCADE"), primary_key=True
    )


class Schedule(IdMixin, CreatedAtMixin, Base):
    """A weekly availability rule of one practitioner, or of a specialty desk when
    `practitioner_id` is null; slots are materialised from it."""

    __tablename__ = "health_schedules"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("start_minute >= 0 AND start_minute < end_minute", name="interval"),
        CheckConstraint("end_minute <= 1440", name="ends"),
        CheckConstraint("slot_minutes > 0 AND capacity > 0", name="positive"),
    )

    facility_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("health_facilities.id", ondelete="CASCADE"), index=True
    )
    practitioner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("health_practitioners.id", ondelete="CASCADE"), index=True
    )
    specialty_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("health_specialties.id"))
    weekday: Mapped[int] = mapped_column(SmallInteger)
    start_minute: Mapped[int] = mapped_column(SmallInteger)
    end_minute: Mapped[int] = mapped_column(SmallInteger)
    slot_minutes: Mapped[int] = mapped_column(SmallInteger)
    capacity: Mapped[int] = mapped_column(SmallInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Closure(IdMixin, CreatedAtMixin, Base):
    """Days (inclusive, local) when a facility, or one practitioner, sees nobody."""

    __tablename__ = "health_closures"
    __table_args__ = (
        Index(None, "facility_id", "ends_on"),
        CheckConstraint("starts_on <= ends_on", name="range"),
    )

    facility_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("health_facilities.id", ondelete="CASCADE")
    )
    practitioner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("health_practitioners.id", ondelete="CASCADE")
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[Translated] = mapped_column(TranslatedText())
    created_by: Mapped[uuid.UUID] = mapped_column()


class Slot(IdMixin, Base):
    """A bookable interval with a capacity; `booked` never exceeds it (checked by the database
    too). A blocked slot (closure) takes no bookings."""

    __tablename__ = "health_slots"
    __table_args__ = (
        UniqueConstraint("schedule_id", "start_at"),
        Index(None, "facility_id", "start_at"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
    )

    facility_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("health_facilities.id", ondelete="CASCADE")
    )
    schedule_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("health_schedules.id", ondelete="CASCADE")
    )
    practitioner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("health_practitioners.id", ondelete="CASCADE")
    )
    specialty_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("health_specialties.id"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column(SmallInteger)
    booked: Mapped[int] = mapped_column(SmallInteger, default=0)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)


class Dependant(IdMixin, CreatedAtMixin, Base):
    """Someone a citizen books for (a child, an elderly parent) who has no account."""

    __tablename__ = "health_dependants"

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    full_name: Mapped[str] = mapped_column(String(120))
    date_of_birth: Mapped[date] = mapped_column(Date)
    relationship: Mapped[Relationship] = mapped_column(string_enum(Relationship, "relationship"))


class BookingLock(Base):
    """One row per account, locked while it books so its own bookings run one at a time."""

    __tablename__ = "health_booking_locks"

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )


class Appointment(IdMixin, CreatedAtMixin, Base):
    """A booking of one seat of a slot, for the account holder or one of their dependants."""

    __tablename__ = "health_appointments"
    __table_args__ = (
        UniqueConstraint("facility_id", "local_day", "queue_number"),
        Index(None, "account_id", "start_at"),
        Index(None, "slot_id"),
    )

    facility_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("health_facilities.id"))
    slot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("health_slots.id"))
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    dependant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("health_dependants.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[AppointmentStatus] = mapped_column(
        string_enum(AppointmentStatus, "appointment_status")
    )
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    local_day: Mapped[date] = mapped_column(Date)
    queue_number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(500))
    insurance_card_number: Mapped[str | None] = mapped_column(String(15))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by: Mapped[CancelledBy | None] = mapped_column(
        string_enum(CancelledBy, "cancelled_by")
    )
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    closure_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("health_closures.id", ondelete="SET NULL")
    )
    replaced_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("health_appointments.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QueueCounter(Base):
    """The last queue number given per facility and local day."""

    __tablename__ = "health_queue_counters"

    facility_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("health_facilities.id", ondelete="CASCADE"), primary_key=True
    )
    local_day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Reminder(IdMixin, Base):
    """A push due before an appointment. Each is handled once: pushed if the appointment is
    still booked and ahead, otherwise only marked handled."""

    __tablename__ = "health_reminders"
    __table_args__ = (
        UniqueConstraint("appointment_id", "kind"),
        Index(None, "handled_at", "due_at"),
    )

    appointment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("health_appointments.id", ondelete="CASCADE")
    )
    kind: Mapped[ReminderKind] = mapped_column(string_enum(ReminderKind, "reminder_kind"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pushed: Mapped[bool] = mapped_column(Boolean, default=False)


class AccessLogEntry(IdMixin, Base):
    """Append-only record of a staff member touching a patient's appointment. No foreign keys:
    the record outlives what it refers to; triggers refuse UPDATE and DELETE."""

    __tablename__ = "health_access_log"
    __table_args__ = (Index(None, "appointment_id"), Index(None, "staff_user_id", "at"))

    staff_user_id: Mapped[uuid.UUID] = mapped_column()
    facility_id: Mapped[uuid.UUID] = mapped_column()
    appointment_id: Mapped[uuid.UUID] = mapped_column()
    action: Mapped[AccessAction] = mapped_column(string_enum(AccessAction, "access_action"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
