"""Tables of the business domain: the registry of businesses, who acts for them (claims and
staff), the agencies and their officers, permit types, applications with their history, issued
permits, and the audit trail of every change.

These entities serve writes; reads go through typed rows (`backend.business.repository.rows`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from shapely.geometry import Point
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

from backend.db.base import Base, CreatedAtMixin
from backend.db.types import Geography, TranslatedText, UTCDateTime, string_enum
from backend.i18n import Translated


class BusinessKind(StrEnum):
    ENTERPRISE = "enterprise"  # 10-digit enterprise code
    BRANCH = "branch"  # 13 digits: the parent's code and a 3-digit unit number
    HOUSEHOLD = "household"  # hộ kinh doanh, registered by the ward


class LegalForm(StrEnum):
    SOLE_PROPRIETORSHIP = "sole_proprietorship"
    LLC_SINGLE_MEMBER = "llc_single_member"
    LLC_MULTI_MEMBER = "llc_multi_member"
    JOINT_STOCK = "joint_stock"
    PARTNERSHIP = "partnership"
    COOPERATIVE = "cooperative"
    HOUSEHOLD_BUSINESS = "household_business"
    BRANCH = "branch"


class BusinessStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DISSOLVED = "dissolved"


class MemberRole(StrEnum):
    REPRESENTATIVE = "representative"
    STAFF = "staff"


class MembershipStatus(StrEnum):
    PENDING = "pending"  # a claim waiting for an operator
    ACTIVE = "active"
    REJECTED = "rejected"
    REVOKED = "revoked"


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    NEEDS_INFO = "needs_info"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ReportCategory(StrEnum):
    FOOD_SAFETY = "food_safety"
    PRICES = "prices"  # prices not listed, or not those charged
    HYGIENE = "hygiene"
    OTHER = "other"


class PermitStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"


class Business(CreatedAtMixin, Base):
    __tablename__ = "businesses"
    __table_args__ = (
        Index(None, "location", postgresql_using="gist"),
        Index(None, "vsic_main"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # Enterprise code (10 digits), branch code (13 digits, no dash) or the household's
    # registration number; unique across kinds.
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[BusinessKind] = mapped_column(string_enum(BusinessKind, "business_kind"))
    name_vi: Mapped[str] = mapped_column(String(300))
    # The English or abbreviated name on the registration certificate.
    name_en: Mapped[str | None] = mapped_column(String(300))
    legal_form: Mapped[LegalForm] = mapped_column(string_enum(LegalForm, "legal_form"))
    # VSIC 2018 level-4 or level-5 codes (4 or 5 digits); the main one and the others.
    vsic_main: Mapped[str] = mapped_column(String(5))
    vsic_other: Mapped[list[str]] = mapped_column(JSON())
    address: Mapped[str] = mapped_column(String(300))
    location: Mapped[Point | None] = mapped_column(Geography("POINT"))
    ward_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("wards.id", ondelete="SET NULL"), index=True
    )
    # The legal representative as registered (a name, not an account).
    representative_name: Mapped[str] = mapped_column(String(120))
    status: Mapped[BusinessStatus] = mapped_column(string_enum(BusinessStatus, "business_status"))
    # Names, codes and address, for accent-insensitive search (backend/db/text_search.py).
    search_text: Mapped[str] = mapped_column(Text())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Membership(CreatedAtMixin, Base):
    """An account acting for a business: its representative (after an operator verified the
    claim) or staff the representative added."""

    __tablename__ = "business_memberships"
    __table_args__ = (UniqueConstraint("business_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    business_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MemberRole] = mapped_column(string_enum(MemberRole, "business_member_role"))
    status: Mapped[MembershipStatus] = mapped_column(
        string_enum(MembershipStatus, "business_membership_status")
    )
    # What the claimant gave as proof: the registration certificate's number.
    evidence: Mapped[str | None] = mapped_column(String(120))
    decided_by: Mapped[uuid.UUID | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(String(500))


class Agency(CreatedAtMixin, Base):
    """A government body that handles permits (the provincial food-safety department, a ward)."""

    __tablename__ = "business_agencies"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())


class AgencyOfficer(CreatedAtMixin, Base):
    """An account that handles an agency's applications."""

    __tablename__ = "business_agency_officers"

    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("business_agencies.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class PermitType(CreatedAtMixin, Base):
    __tablename__ = "business_permit_types"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())
    # The form's fields: [{"name": "seats", "label": {"vi": …, "en": …}, "required": true}]
    form_fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON())
    # [{"code": "floor_plan", "name": {"vi": …, "en": …}}]
    required_documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON())
    fee_vnd: Mapped[int] = mapped_column(Integer())
    # Working days the agency has by law, counted from a complete dossier.
    processing_days: Mapped[int] = mapped_column(Integer())
    # How long a permit is valid; null: until revoked.
    validity_months: Mapped[int | None] = mapped_column(Integer())
    # Days before expiry the holder is reminded to renew.
    renewal_notice_days: Mapped[int] = mapped_column(Integer())
    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("business_agencies.id", ondelete="RESTRICT"), index=True
    )
    # Holders are listed on the public map (food-safety certificates).
    public_certificate: Mapped[bool] = mapped_column(Boolean())
    # Whether fee, days or validity are taken from a published source.
    unconfirmed: Mapped[bool] = mapped_column(Boolean())


class Application(CreatedAtMixin, Base):
    __tablename__ = "business_applications"
    __table_args__ = (Index(None, "agency_id", "status", "due_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    business_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("businesses.id", ondelete="CASCADE"), index=True
    )
    permit_type_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("business_permit_types.id", ondelete="RESTRICT"), index=True
    )
    # Copied from the permit type: the officers who may see it.
    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("business_agencies.id", ondelete="RESTRICT")
    )
    status: Mapped[ApplicationStatus] = mapped_column(
        string_enum(ApplicationStatus, "business_application_status")
    )
    created_by: Mapped[uuid.UUID] = mapped_column()
    # The form's fields, by name: text values only.
    form: Mapped[dict[str, str]] = mapped_column(JSON())
    # The officer's request for more information, or the reason of a rejection.
    officer_note: Mapped[str | None] = mapped_column(String(1000))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The end of the last working day the agency has (local time), while it is the agency's turn.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApplicationEvent(Base):
    """One step of an application's history."""

    __tablename__ = "business_application_events"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("business_applications.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[ApplicationStatus | None] = mapped_column(
        string_enum(ApplicationStatus, "business_application_from_status")
    )
    to_status: Mapped[ApplicationStatus] = mapped_column(
        string_enum(ApplicationStatus, "business_application_to_status")
    )
    actor_id: Mapped[uuid.UUID] = mapped_column()
    note: Mapped[str | None] = mapped_column(String(1000))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApplicationDocument(Base):
    """The file given for one of the permit type's required documents; replacing it is
    detaching the old file and attaching another."""

    __tablename__ = "business_application_documents"

    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("business_applications.id", ondelete="CASCADE"), primary_key=True
    )
    # A `code` of the permit type's `required_documents`.
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("stored_files.id", ondelete="RESTRICT"), unique=True
    )
    attached_by: Mapped[uuid.UUID] = mapped_column()
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Permit(CreatedAtMixin, Base):
    __tablename__ = "business_permits"
    __table_args__ = (Index(None, "valid_until"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    business_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("businesses.id", ondelete="CASCADE"), index=True
    )
    permit_type_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("business_permit_types.id", ondelete="RESTRICT"), index=True
    )
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("business_applications.id", ondelete="SET NULL"), unique=True
    )
    status: Mapped[PermitStatus] = mapped_column(string_enum(PermitStatus, "permit_status"))
    issued_on: Mapped[date] = mapped_column(Date())
    valid_until: Mapped[date | None] = mapped_column(Date())
    renewal_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """Append-only: every change to a business's registry entry, its accounts and its
    applications — who, what, when. No foreign keys: rows outlive what they describe."""

    __tablename__ = "business_audit_events"
    __table_args__ = (Index(None, "business_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    business_id: Mapped[uuid.UUID | None] = mapped_column()
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[dict[str, Any]] = mapped_column(JSON())


class Notice(Base):
    """A notice from an agency to businesses of some industries (VSIC prefixes) and wards; empty
    lists mean all."""

    __tablename__ = "business_notices"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("business_agencies.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[Translated] = mapped_column(TranslatedText())
    body: Mapped[Translated] = mapped_column(TranslatedText())
    vsic_prefixes: Mapped[list[str]] = mapped_column(JSON())
    ward_ids: Mapped[list[str]] = mapped_column(JSON())
    published_by: Mapped[uuid.UUID] = mapped_column()
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # Businesses it reached when published.
    recipients: Mapped[int] = mapped_column(Integer())


class NoticeDelivery(Base):
    """A business a notice reached."""

    __tablename__ = "business_notice_deliveries"

    notice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("business_notices.id", ondelete="CASCADE"), primary_key=True
    )
    business_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("businesses.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class NoticeRead(Base):
    """A read receipt: an account opened the notice."""

    __tablename__ = "business_notice_reads"

    notice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("business_notices.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    read_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Report(Base):
    """A citizen's report of a problem with a business on the public map, for the agency that
    certified it; who reported is for that agency's officers only."""

    __tablename__ = "business_reports"
    __table_args__ = (
        Index(None, "agency_id", "created_at"),
        Index(None, "reporter_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    business_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("businesses.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("business_agencies.id", ondelete="RESTRICT")
    )
    reporter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    category: Mapped[ReportCategory] = mapped_column(
        string_enum(ReportCategory, "business_report_category")
    )
    description: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
