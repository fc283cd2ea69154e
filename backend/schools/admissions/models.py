"""Tables of online enrolment: a round per school year and entry grade with its windows, the
places each school offers in it (with the count admitted, kept within the places by the
database itself), parents' applications, their documents and the history of their states."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAtMixin
from backend.db.types import UTCDateTime, string_enum

ENTRY_GRADES = (1, 6, 10)


class EnrolmentStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CORRECTION_REQUESTED = "correction_requested"
    CORRECTED = "corrected"
    VERIFIED = "verified"
    ADMITTED = "admitted"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    ENROLMENT_CONFIRMED = "enrolment_confirmed"
    EXPIRED = "expired"  # admitted, not confirmed by the deadline: the place is given back
    WITHDRAWN = "withdrawn"


# The priority groups below are named after admission rules seen elsewhere (Hanoi, Ho Chi Minh
# City); no Huế rule confirming them was found. They are what the parent declares, with evidence
# the school checks: nothing in the code ranks or admits by them. Set True only once the city's
# rules are confirmed (and the groups matched to them).
PRIORITY_CATEGORIES_CONFIRMED = False


class PriorityCategory(StrEnum):
    """Priority groups a parent may declare (unconfirmed for Huế, see above)."""

    NONE = "none"
    POLICY_FAMILY = "policy_family"  # children of martyrs, war invalids
    ETHNIC_MINORITY = "ethnic_minority"
    DISADVANTAGED = "disadvantaged"
    DISABILITY = "disability"


class EnrolmentRound(CreatedAtMixin, Base):
    """The city's round for one entry grade of a school year, with its windows."""

    __tablename__ = "school_enrolment_rounds"
    __table_args__ = (
        UniqueConstraint("school_year", "grade"),
        CheckConstraint("grade IN (1, 6, 10)", name="entry_grade"),
        CheckConstraint("max_preferences BETWEEN 1 AND 5", name="preferences_range"),
        CheckConstraint("online_opens_at < online_closes_at", name="online_window"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    school_year: Mapped[str] = mapped_column(String(9))
    grade: Mapped[int] = mapped_column(Integer())
    # 1: the zone school only (grades 1 and 6); more: ranked wishes (nguyện vọng, grade 10).
    max_preferences: Mapped[int] = mapped_column(Integer())
    online_opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    online_closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    direct_opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    direct_closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    results_on: Mapped[date] = mapped_column(Date())
    confirm_by: Mapped[datetime] = mapped_column(UTCDateTime())


class EnrolmentPlaces(Base):
    """Places a school offers in a round and how many it has admitted; the check constraint
    keeps admissions within the places whatever runs concurrently."""

    __tablename__ = "school_enrolment_places"
    __table_args__ = (
        CheckConstraint("admitted >= 0 AND admitted <= places", name="admitted_within_places"),
    )

    round_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_enrolment_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    places: Mapped[int] = mapped_column(Integer())
    admitted: Mapped[int] = mapped_column(Integer(), default=0)


LIVE = "status <> 'withdrawn'"


class EnrolmentApplication(CreatedAtMixin, Base):
    """A parent's application for a child; `school_id` is the first preference, whose staff
    handle it. One live application per child and round."""

    __tablename__ = "school_enrolment_applications"
    __table_args__ = (
        Index(
            "uq_school_enrolment_applications_round_child",
            "round_id",
            "identifier",
            unique=True,
            postgresql_where=text(LIVE),
            sqlite_where=text(LIVE),
        ),
        Index(None, "school_id", "round_id", "status"),
        Index(None, "parent_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    round_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_enrolment_rounds.id", ondelete="CASCADE")
    )
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    parent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    identifier: Mapped[str] = mapped_column(String(12))
    child_name: Mapped[str] = mapped_column(String(120))
    date_of_birth: Mapped[date] = mapped_column(Date())
    # [{"name": …, "phone": …, "relation": …}]
    guardians: Mapped[list[dict[str, Any]]] = mapped_column(JSON())
    ward_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("wards.id"))
    address: Mapped[str] = mapped_column(String(300))
    # Ranked school ids, the first being `school_id`.
    preferences: Mapped[list[str]] = mapped_column(JSON())
    in_zone: Mapped[bool] = mapped_column()
    priority: Mapped[PriorityCategory] = mapped_column(
        string_enum(PriorityCategory, "school_enrolment_priority")
    )
    programmes: Mapped[list[str]] = mapped_column(JSON())
    status: Mapped[EnrolmentStatus] = mapped_column(
        string_enum(EnrolmentStatus, "school_enrolment_status")
    )
    reason: Mapped[str | None] = mapped_column(String(500))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EnrolmentEvent(Base):
    """One step of an application, kept for the parent and the school."""

    __tablename__ = "school_enrolment_events"
    __table_args__ = (Index(None, "application_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_enrolment_applications.id", ondelete="CASCADE")
    )
    status: Mapped[EnrolmentStatus] = mapped_column(
        string_enum(EnrolmentStatus, "school_enrolment_status")
    )
    reason: Mapped[str | None] = mapped_column(String(500))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class EnrolmentDocumentKind(StrEnum):
    BIRTH_CERTIFICATE = "birth_certificate"
    RESIDENCE = "residence"  # proof of residence (from VNeID)
    PRIORITY = "priority"  # evidence of the priority category
    OTHER = "other"


class EnrolmentDocument(Base):
    """An uploaded file (`backend.files`) given as one kind of evidence."""

    __tablename__ = "school_enrolment_documents"

    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_enrolment_applications.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[EnrolmentDocumentKind] = mapped_column(
        string_enum(EnrolmentDocumentKind, "school_enrolment_document_kind"), primary_key=True
    )
    file_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stored_files.id", ondelete="CASCADE"))
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApplicationRead(Base):
    """A read of an application by the school's staff: who, when, which application; the
    school's administrators read this log."""

    __tablename__ = "school_enrolment_reads"
    __table_args__ = (Index(None, "school_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("school_enrolment_applications.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    staff_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
