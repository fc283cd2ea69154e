"""Tables of the schools domain: a school's profile (the school side of a `places` row, same
id), its fees per school year, admission zone and intake places; students as the school
recorded them with their guardians' phones; one-time link codes; parents' links and their log.

These entities serve writes; reads go through typed rows (`backend.schools.repository.rows`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAtMixin
from backend.db.types import TranslatedText, UTCDateTime, string_enum
from backend.i18n import Translated


class SchoolLevel(StrEnum):
    NURSERY = "nursery"  # nhà trẻ, under 3
    KINDERGARTEN = "kindergarten"  # mẫu giáo, 3 to 5
    PRIMARY = "primary"  # tiểu học, grades 1–5
    LOWER_SECONDARY = "lower_secondary"  # THCS, grades 6–9
    UPPER_SECONDARY = "upper_secondary"  # THPT, grades 10–12


class Ownership(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"


class FeePeriod(StrEnum):
    MONTH = "month"
    TERM = "term"
    YEAR = "year"
    ONCE = "once"


class LinkAction(StrEnum):
    CODE_ISSUED = "code_issued"
    LINKED = "linked"
    FAILED = "failed"  # a wrong code or an account the school did not record
    REVOKED = "revoked"


class School(CreatedAtMixin, Base):
    """The school side of a `places` row (same id): name, address and location live there."""

    __tablename__ = "schools"
    __table_args__ = (Index(None, "level"),)

    id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("places.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[SchoolLevel] = mapped_column(string_enum(SchoolLevel, "school_level"))
    ownership: Mapped[Ownership] = mapped_column(string_enum(Ownership, "school_ownership"))
    phone: Mapped[str | None] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(200))
    # Grades taught: 0 for the youngest kindergarten group up to 12; kept as a list of numbers.
    grades: Mapped[list[int]] = mapped_column(JSON())
    # Programme codes (`standard`, `gifted`, `bilingual`, `international`, …).
    programmes: Mapped[list[str]] = mapped_column(JSON())
    # The school year its fees and intake describe, e.g. "2026-2027".
    current_year: Mapped[str] = mapped_column(String(9))


class SchoolFee(CreatedAtMixin, Base):
    __tablename__ = "school_fees"
    __table_args__ = (Index(None, "school_id", "school_year"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    school_year: Mapped[str] = mapped_column(String(9))
    name: Mapped[Translated] = mapped_column(TranslatedText())
    amount_vnd: Mapped[int] = mapped_column(Integer())
    period: Mapped[FeePeriod] = mapped_column(string_enum(FeePeriod, "school_fee_period"))


class AdmissionZoneWard(Base):
    """A ward whose children the school admits at entry grades (tuyến tuyển sinh)."""

    __tablename__ = "school_zone_wards"

    school_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )
    ward_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("wards.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Intake(CreatedAtMixin, Base):
    """Places offered at an entry grade in a school year."""

    __tablename__ = "school_intakes"
    __table_args__ = (
        UniqueConstraint("school_id", "school_year", "grade"),
        CheckConstraint("places >= 0", name="places_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    school_year: Mapped[str] = mapped_column(String(9))
    grade: Mapped[int] = mapped_column(Integer())
    places: Mapped[int] = mapped_column(Integer())


class Student(CreatedAtMixin, Base):
    """A student as the school recorded them; the identifier is the 12-digit personal number."""

    __tablename__ = "school_students"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), index=True
    )
    identifier: Mapped[str] = mapped_column(String(12), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    date_of_birth: Mapped[date] = mapped_column(Date())
    grade: Mapped[int] = mapped_column(Integer())
    class_name: Mapped[str | None] = mapped_column(String(40))


class Guardian(CreatedAtMixin, Base):
    """A guardian's phone (E.164) the school recorded: only its holder may link."""

    __tablename__ = "school_guardians"
    __table_args__ = (UniqueConstraint("student_id", "phone"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE")
    )
    phone: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(120))


class LinkCode(CreatedAtMixin, Base):
    """A one-time code the school hands a guardian; only its SHA-256 (with the student id) is
    kept. Single use, expiring, dead after too many wrong tries."""

    __tablename__ = "school_link_codes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer())
    issued_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ParentLink(CreatedAtMixin, Base):
    """A parent's account linked to a student; a revoked link gives no access."""

    __tablename__ = "school_parent_links"
    __table_args__ = (UniqueConstraint("student_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    student_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[uuid.UUID | None] = mapped_column()


class LinkEvent(Base):
    """The log of links: codes issued, links made, failed tries, revocations."""

    __tablename__ = "school_link_events"
    __table_args__ = (Index(None, "user_id", "action", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    student_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("school_students.id", ondelete="CASCADE"), index=True
    )
    # The account that acted: the parent linking, or the staff issuing or revoking.
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    action: Mapped[LinkAction] = mapped_column(string_enum(LinkAction, "school_link_action"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    details: Mapped[dict[str, str]] = mapped_column(JSON())
