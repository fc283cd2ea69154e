"""Typed rows the read paths return: plain values straight from SQL (coordinates as numbers)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backend.business.models import (
    Agency,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
    Business,
    BusinessKind,
    BusinessStatus,
    LegalForm,
    MemberRole,
    Membership,
    MembershipStatus,
    Notice,
    NoticeRead,
    Permit,
    PermitStatus,
    PermitType,
)
from backend.db.rows import Row, columns, coordinates
from backend.i18n import Translated


@dataclass(frozen=True, slots=True)
class BusinessRow(Row):
    id: uuid.UUID
    code: str
    kind: BusinessKind
    name_vi: str
    name_en: str | None
    legal_form: LegalForm
    vsic_main: str
    vsic_other: list[str]
    address: str
    latitude: float | None
    longitude: float | None
    ward_id: uuid.UUID | None
    representative_name: str
    status: BusinessStatus


@dataclass(frozen=True, slots=True)
class MembershipRow(Row):
    id: uuid.UUID
    business_id: uuid.UUID
    user_id: uuid.UUID
    role: MemberRole
    status: MembershipStatus
    created_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class AgencyRow(Row):
    id: uuid.UUID
    slug: str
    name: Translated


@dataclass(frozen=True, slots=True)
class PermitTypeRow(Row):
    id: uuid.UUID
    slug: str
    name: Translated
    form_fields: list[dict[str, Any]]
    required_documents: list[dict[str, Any]]
    fee_vnd: int
    processing_days: int
    validity_months: int | None
    renewal_notice_days: int
    agency_id: uuid.UUID
    public_certificate: bool
    unconfirmed: bool


@dataclass(frozen=True, slots=True)
class ApplicationRow(Row):
    id: uuid.UUID
    business_id: uuid.UUID
    permit_type_id: uuid.UUID
    agency_id: uuid.UUID
    status: ApplicationStatus
    form: dict[str, str]
    officer_note: str | None
    created_at: datetime
    submitted_at: datetime | None
    due_at: datetime | None
    decided_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ApplicationEventRow(Row):
    id: uuid.UUID
    application_id: uuid.UUID
    from_status: ApplicationStatus | None
    to_status: ApplicationStatus
    note: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class ApplicationDocumentRow(Row):
    application_id: uuid.UUID
    code: str
    file_id: uuid.UUID
    attached_at: datetime


@dataclass(frozen=True, slots=True)
class PermitRow(Row):
    id: uuid.UUID
    number: str
    business_id: uuid.UUID
    permit_type_id: uuid.UUID
    application_id: uuid.UUID | None
    status: PermitStatus
    issued_on: date
    valid_until: date | None


@dataclass(frozen=True, slots=True)
class NoticeRow(Row):
    id: uuid.UUID
    agency_id: uuid.UUID
    title: Translated
    body: Translated
    published_at: datetime
    recipients: int
    # When the reading account opened it (joined in per reader).
    read_at: datetime | None


BUSINESS = columns(
    BusinessRow,
    Business,
    coordinates(Business.location),
)
MEMBERSHIP = columns(MembershipRow, Membership, {})
AGENCY = columns(AgencyRow, Agency, {})
PERMIT_TYPE = columns(PermitTypeRow, PermitType, {})
APPLICATION = columns(ApplicationRow, Application, {})
APPLICATION_EVENT = columns(ApplicationEventRow, ApplicationEvent, {})
APPLICATION_DOCUMENT = columns(ApplicationDocumentRow, ApplicationDocument, {})
PERMIT = columns(PermitRow, Permit, {})
# `read_at` comes from the reader's receipt, outer-joined by the statement.
NOTICE = columns(NoticeRow, Notice, {"read_at": NoticeRead.read_at.expression})
