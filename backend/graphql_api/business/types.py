"""GraphQL types of the business domain, written by hand over typed rows.

`Business` is the public registry entry (anyone may read it, the map lists certified ones);
what a business does with the government hangs off `BusinessMembership`, which only its own
account can fetch: applications and permits are reached through a verified membership, or by
the handling agency's officers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Self

import strawberry
from strawberry import relay

from backend.business import applications, codes, reads
from backend.business.access import Right, allows
from backend.business.applications import Action
from backend.business.models import (
    ApplicationStatus,
    BusinessKind,
    BusinessStatus,
    LegalForm,
    MemberRole,
    MembershipStatus,
    PermitStatus,
    Report,
    ReportCategory,
)
from backend.business.reads import StaffRow
from backend.business.reports import ReportRow
from backend.business.repository.rows import (
    AgencyRow,
    ApplicationDocumentRow,
    ApplicationRow,
    BusinessRow,
    MembershipRow,
    NoticeRow,
    PermitRow,
    PermitTypeRow,
)
from backend.files import service as files
from backend.files.service import FileInfo
from backend.graphql_api.business.loaders import BusinessLoaders
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import RowNode, node_from, nodes_from, visible_nodes
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.places.types import GeoPoint
from backend.i18n import Translated

strawberry.enum(BusinessKind, name="BusinessKind")
strawberry.enum(LegalForm, name="LegalForm")
strawberry.enum(BusinessStatus, name="BusinessStatus")
strawberry.enum(MemberRole, name="BusinessMemberRole")
strawberry.enum(MembershipStatus, name="BusinessMembershipStatus")
strawberry.enum(ApplicationStatus, name="BusinessApplicationStatus")
strawberry.enum(PermitStatus, name="PermitStatus")
strawberry.enum(ReportCategory, name="BusinessReportCategory")
strawberry.enum(
    Action,
    name="BusinessApplicationAction",
    description="SUBMIT, RESUBMIT: the business's staff or representative; WITHDRAW: the "
    "representative; START_REVIEW, REQUEST_INFO, APPROVE, REJECT: the agency's officers.",
)

APPLICATIONS_BY_UPDATE = Keyset("business.applications.updated", datetime)
NOTICES_BY_TIME = Keyset("business.notices.published", datetime)
STAFF_BY_TIME = Keyset("business.staff.since", datetime)


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10  # YYYY-MM-DD, as the cursors are written


# The sort key is the issue day, written YYYY-MM-DD (a cursor holds text, numbers or times).
PERMITS_BY_ISSUE = Keyset("business.permits.issued", str, _is_day)


def _text(value: Translated, info: Info) -> str:
    return value.get(info.context.locale)


@strawberry.type(description="A valid certificate, as the public map shows it.")
class Certificate:
    row: strawberry.Private[PermitRow]
    number: str
    issued_on: date
    valid_until: date | None

    @classmethod
    def from_row(cls, row: PermitRow) -> Self:
        return cls(row=row, number=row.number, issued_on=row.issued_on, valid_until=row.valid_until)

    @strawberry.field
    async def permit_type(self, info: Info) -> PermitTypeNode | None:
        loader = BusinessLoaders.of(info).permit_type_by_id
        return await node_from(loader, self.row.permit_type_id, PermitTypeNode.from_row)


@strawberry.type(name="Business", description="A registry entry; public.")
class BusinessNode(RowNode):
    row: strawberry.Private[BusinessRow]
    code: str = strawberry.field(
        description="Enterprise code (10 digits), branch code (`NNNNNNNNNN-NNN`) or the "
        "household business's registration number."
    )
    kind: BusinessKind
    name: str = strawberry.field(description="The Vietnamese name, as registered.")
    english_name: str | None = strawberry.field(description="English or abbreviated name.")
    legal_form: LegalForm
    vsic_main: str = strawberry.field(description="Main VSIC 2018 industry code.")
    vsic_other: list[str]
    address: str
    location: GeoPoint | None
    representative_name: str
    status: BusinessStatus

    @classmethod
    def from_row(cls, row: BusinessRow) -> Self:
        location = None
        if row.latitude is not None and row.longitude is not None:
            location = GeoPoint(latitude=row.latitude, longitude=row.longitude)
        return cls(
            row=row,
            code=codes.display_code(row.code, row.kind),
            kind=row.kind,
            name=row.name_vi,
            english_name=row.name_en,
            legal_form=row.legal_form,
            vsic_main=row.vsic_main,
            vsic_other=list(row.vsic_other),
            address=row.address,
            location=location,
            representative_name=row.representative_name,
            status=row.status,
        )

    @strawberry.field(description="Valid certificates of publicly listed types (food safety).")
    async def certificates(self, info: Info) -> list[Certificate]:
        found = await BusinessLoaders.of(info).certificates_by_business_id.load(self.row.id)
        return [Certificate.from_row(row) for row in found]

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(BusinessLoaders.of(info).business_by_id, ids, cls.from_row)


@strawberry.type(description="A business on the map; the distance belongs to the search.")
class BusinessEdge(relay.Edge[BusinessNode]):
    distance_meters: float | None = strawberry.field(
        default=None, description="Metres from `near`, when the list was searched by distance."
    )


@strawberry.type
class BusinessConnection(relay.Connection[BusinessNode]):
    edges: list[BusinessEdge]  # type: ignore[assignment]  # a Connection of richer edges


@strawberry.type(
    name="BusinessApplicationDocument",
    description="A file given for one of the documents an application must include.",
)
class ApplicationDocument:
    code: str = strawberry.field(description="The required document's code.")
    file_name: str
    media_type: str
    size: int = strawberry.field(description="Bytes.")
    sha256: str = strawberry.field(description="Checksum of the file, hex.")
    attached_at: datetime
    file: strawberry.Private[FileInfo]

    @classmethod
    def of(cls, document: ApplicationDocumentRow, file: FileInfo) -> ApplicationDocument:
        return cls(
            code=document.code,
            file_name=file.file_name,
            media_type=file.media_type,
            size=file.size,
            sha256=file.sha256,
            attached_at=document.attached_at,
            file=file,
        )

    @strawberry.field(
        description="A link to the file that works for ten minutes; ask again for a new one."
    )
    def url(self, info: Info) -> str:
        services = info.context.services
        return files.download_url(
            services.files, key=services.file_link_key, file=self.file, now=info.context.now()
        )


@strawberry.type(description="A document an application must include.")
class RequiredDocument:
    code: str
    name: str


@strawberry.type(description="A field of a permit type's form.")
class FormField:
    name: str
    label: str
    required: bool


@strawberry.type(description="A value of an application's form.")
class FormValue:
    name: str
    value: str


@strawberry.type(description="A government body that handles permits.")
class Agency:
    id: relay.GlobalID
    name: str


def agency_from(row: AgencyRow, info: Info) -> Agency:
    return Agency(id=relay.GlobalID("Agency", str(row.id)), name=_text(row.name, info))


async def agency_of(info: Info, agency_id: uuid.UUID) -> Agency | None:
    row = await BusinessLoaders.of(info).agency_by_id.load(agency_id)
    return None if row is None else agency_from(row, info)


@strawberry.type(name="PermitType", description="A kind of permit, licence or certificate.")
class PermitTypeNode(RowNode):
    row: strawberry.Private[PermitTypeRow]
    slug: str
    fee_vnd: int = strawberry.field(description="Fee in đồng.")
    processing_days: int = strawberry.field(
        description="Working days the agency has by law, from a complete dossier."
    )
    validity_months: int | None = strawberry.field(description="Null: valid until revoked.")
    renewal_notice_days: int
    public_certificate: bool = strawberry.field(description="Holders are listed on the map.")
    unconfirmed: bool = strawberry.field(
        description="Fee, days or validity not yet checked against a published source."
    )

    @classmethod
    def from_row(cls, row: PermitTypeRow) -> Self:
        return cls(
            row=row,
            slug=row.slug,
            fee_vnd=row.fee_vnd,
            processing_days=row.processing_days,
            validity_months=row.validity_months,
            renewal_notice_days=row.renewal_notice_days,
            public_certificate=row.public_certificate,
            unconfirmed=row.unconfirmed,
        )

    @strawberry.field
    def name(self, info: Info) -> str:
        return _text(self.row.name, info)

    @strawberry.field
    def required_documents(self, info: Info) -> list[RequiredDocument]:
        return [
            RequiredDocument(code=str(doc["code"]), name=_text(Translated(doc["name"]), info))
            for doc in self.row.required_documents
        ]

    @strawberry.field
    def form_fields(self, info: Info) -> list[FormField]:
        return [
            FormField(
                name=str(spec["name"]),
                label=_text(Translated(spec["label"]), info),
                required=bool(spec.get("required")),
            )
            for spec in self.row.form_fields
        ]

    @strawberry.field
    async def agency(self, info: Info) -> Agency | None:
        return await agency_of(info, self.row.agency_id)

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(BusinessLoaders.of(info).permit_type_by_id, ids, cls.from_row)


@strawberry.type(name="Permit", description="A permit issued to a business.")
class PermitNode(RowNode):
    row: strawberry.Private[PermitRow]
    number: str
    status: PermitStatus
    issued_on: date
    valid_until: date | None

    @classmethod
    def from_row(cls, row: PermitRow) -> Self:
        return cls(
            row=row,
            number=row.number,
            status=row.status,
            issued_on=row.issued_on,
            valid_until=row.valid_until,
        )

    @strawberry.field
    async def permit_type(self, info: Info) -> PermitTypeNode | None:
        loader = BusinessLoaders.of(info).permit_type_by_id
        return await node_from(loader, self.row.permit_type_id, PermitTypeNode.from_row)

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        # The business's own accounts only; the public sees certificates instead.
        return await visible_nodes(info, ids, reads.visible_permits, cls.from_row)


@strawberry.type(description="One step of an application's history.")
class ApplicationStep:
    from_status: ApplicationStatus | None
    to_status: ApplicationStatus
    note: str | None = strawberry.field(description="The officer's request or reason.")
    at: datetime


@strawberry.type(name="BusinessApplication", description="An application for a permit.")
class ApplicationNode(RowNode):
    row: strawberry.Private[ApplicationRow]
    status: ApplicationStatus
    form: list[FormValue]
    officer_note: str | None = strawberry.field(
        description="What the officer asked for (NEEDS_INFO) or why it was rejected."
    )
    created_at: datetime
    submitted_at: datetime | None
    due_at: datetime | None = strawberry.field(
        description="The end of the agency's last working day (weekends and public holidays "
        "skipped), while it is the agency's turn."
    )
    due_on: date | None = strawberry.field(description="That last working day, local.")
    decided_at: datetime | None
    updated_at: datetime

    @classmethod
    def from_row(cls, row: ApplicationRow) -> Self:
        return cls(
            row=row,
            status=row.status,
            form=[FormValue(name=name, value=value) for name, value in sorted(row.form.items())],
            officer_note=row.officer_note,
            created_at=row.created_at,
            submitted_at=row.submitted_at,
            due_at=row.due_at,
            due_on=applications.due_day(row.due_at),
            decided_at=row.decided_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="Whether the agency's deadline has passed.")
    def overdue(self, info: Info) -> bool:
        return applications.is_overdue(self.row.due_at, info.context.now())

    @strawberry.field
    async def permit_type(self, info: Info) -> PermitTypeNode | None:
        loader = BusinessLoaders.of(info).permit_type_by_id
        return await node_from(loader, self.row.permit_type_id, PermitTypeNode.from_row)

    @strawberry.field
    async def business(self, info: Info) -> BusinessNode | None:
        loader = BusinessLoaders.of(info).business_by_id
        return await node_from(loader, self.row.business_id, BusinessNode.from_row)

    @strawberry.field(description="Every step, oldest first.")
    async def history(self, info: Info) -> list[ApplicationStep]:
        steps = await BusinessLoaders.of(info).history_by_application_id.load(self.row.id)
        return [
            ApplicationStep(
                from_status=step.from_status, to_status=step.to_status, note=step.note, at=step.at
            )
            for step in steps
        ]

    @strawberry.field(description="The documents given so far, by code.")
    async def documents(self, info: Info) -> list[ApplicationDocument]:
        given = await BusinessLoaders.of(info).documents_by_application_id.load(self.row.id)
        return [ApplicationDocument.of(document, file) for document, file in given]

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await visible_nodes(info, ids, reads.visible_applications, cls.from_row)


@strawberry.type(
    name="BusinessNotice",
    description="A notice from an agency to businesses of some sectors and wards.",
)
class NoticeNode(RowNode):
    row: strawberry.Private[NoticeRow]
    published_at: datetime
    recipients: int = strawberry.field(description="Businesses it reached.")
    read_at: datetime | None = strawberry.field(description="When you first opened it.")

    @classmethod
    def from_row(cls, row: NoticeRow) -> Self:
        return cls(
            row=row, published_at=row.published_at, recipients=row.recipients, read_at=row.read_at
        )

    @strawberry.field
    def title(self, info: Info) -> str:
        return _text(self.row.title, info)

    @strawberry.field
    def body(self, info: Info) -> str:
        return _text(self.row.body, info)

    @strawberry.field
    async def agency(self, info: Info) -> Agency | None:
        return await agency_of(info, self.row.agency_id)

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await visible_nodes(info, ids, reads.visible_notices, cls.from_row)


@strawberry.type(
    name="BusinessStaffMember",
    description="Someone who acts for a business, as its representative sees them.",
)
class StaffMemberNode(RowNode):
    row: strawberry.Private[StaffRow]

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return str(root.row.membership.id)

    @strawberry.field(description="The membership, for `removeBusinessStaff`.")
    def membership_id(self) -> relay.GlobalID:
        return relay.GlobalID("BusinessMembership", str(self.row.membership.id))

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def phone(self) -> str | None:
        return self.row.phone

    @strawberry.field
    def role(self) -> MemberRole:
        return self.row.membership.role

    @strawberry.field(description="Since when they act for the business.")
    def since(self) -> datetime:
        return self.row.membership.decided_at or self.row.membership.created_at

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        """Listed under the representative's membership only, never fetched by id."""
        return [None for _ in ids]


@strawberry.type(
    name="BusinessMembership",
    description="Your place in a business: a claim waiting for verification, or your active "
    "role. Visible only to you.",
)
class MembershipNode(RowNode):
    row: strawberry.Private[MembershipRow]
    role: MemberRole
    status: MembershipStatus
    created_at: datetime
    decided_at: datetime | None

    @classmethod
    def from_row(cls, row: MembershipRow) -> Self:
        return cls(
            row=row,
            role=row.role,
            status=row.status,
            created_at=row.created_at,
            decided_at=row.decided_at,
        )

    @strawberry.field
    async def business(self, info: Info) -> BusinessNode | None:
        loader = BusinessLoaders.of(info).business_by_id
        return await node_from(loader, self.row.business_id, BusinessNode.from_row)

    @strawberry.field(description="What you may do: READ, APPLY, MANAGE (none until verified).")
    def rights(self) -> list[str]:
        if self.row.status is not MembershipStatus.ACTIVE:
            return []
        return [right.value.upper() for right in Right if allows(self.row.role, right)]

    @strawberry.field(description="The business's applications, latest change first.")
    async def applications(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[ApplicationNode]:
        page = APPLICATIONS_BY_UPDATE.page(first, after)
        async with info.context.read() as session:
            rows = await reads.applications_of(
                session, self.row, after=page.after, limit=page.limit
            )
        return page.connection(
            rows, node=ApplicationNode.from_row, key=lambda row: (row.updated_at, row.id)
        )

    @strawberry.field(
        description="Who acts for the business now, oldest first: for its representative "
        "(empty for staff). Pass `membershipId` to `removeBusinessStaff`."
    )
    async def staff(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[StaffMemberNode]:
        page = STAFF_BY_TIME.page(first, after)
        async with info.context.read() as session:
            rows = await reads.staff_of(session, self.row, after=page.after, limit=page.limit)
        return page.connection(
            rows,
            node=StaffMemberNode.from_row,
            key=lambda row: (row.membership.created_at, row.membership.id),
        )

    @strawberry.field(description="Notices the business received, newest first.")
    async def notices(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[NoticeNode]:
        page = NOTICES_BY_TIME.page(first, after)
        async with info.context.read() as session:
            rows = await reads.notices_of(session, self.row, after=page.after, limit=page.limit)
        return page.connection(
            rows, node=NoticeNode.from_row, key=lambda row: (row.published_at, row.id)
        )

    @strawberry.field(
        description="The business's permits, latest issued first (none until verified)."
    )
    async def issued_permits(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[PermitNode]:
        page = PERMITS_BY_ISSUE.page(first, after)
        since = None if page.after is None else (date.fromisoformat(page.after[0]), page.after[1])
        async with info.context.read() as session:
            rows = await reads.permits_page(session, self.row, after=since, limit=page.limit)
        return page.connection(
            rows, node=PermitNode.from_row, key=lambda row: (row.issued_on.isoformat(), row.id)
        )

    @strawberry.field(
        description="The business's permits, latest first (none until verified).",
        deprecation_reason="Use `issuedPermits`: a connection, paged like every list.",
    )
    async def permits(self, info: Info) -> list[PermitNode]:
        if self.row.status is not MembershipStatus.ACTIVE:
            return []
        found = await BusinessLoaders.of(info).permits_by_business_id.load(self.row.business_id)
        return [PermitNode.from_row(row) for row in found]

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await visible_nodes(info, ids, reads.own_memberships, cls.from_row)


@strawberry.type(description="Who sent a report: for the certifying agency's officers only.")
class BusinessReporter:
    name: str
    phone: str | None


@dataclass(frozen=True, slots=True)
class ReportView:
    id: uuid.UUID
    business_id: uuid.UUID
    category: ReportCategory
    description: str
    created_at: datetime
    reporter: BusinessReporter | None


@strawberry.type(description="A citizen's report of a problem with a business on the map.")
class BusinessReport(RowNode):
    row: strawberry.Private[ReportView]

    @strawberry.field
    def category(self) -> ReportCategory:
        return self.row.category

    @strawberry.field
    def description(self) -> str:
        return self.row.description

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    async def business(self, info: Info) -> BusinessNode | None:
        loader = BusinessLoaders.of(info).business_by_id
        return await node_from(loader, self.row.business_id, BusinessNode.from_row)

    @strawberry.field(description="Null except in your agency's list of reports.")
    def reporter(self) -> BusinessReporter | None:
        return self.row.reporter

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        """Reports are read in the agency's list only, never by id."""
        return [None for _ in ids]


def report_from(
    row: Report | ReportRow, *, reporter: BusinessReporter | None = None
) -> BusinessReport:
    view = ReportView(
        row.id, row.business_id, row.category, row.description, row.created_at, reporter
    )
    return BusinessReport(row=view)
