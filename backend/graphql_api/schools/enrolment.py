"""GraphQL of online enrolment: the rounds, a parent's applications and their steps, a
school's list of applications with counts by state, and the decisions of its administrators."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Self

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.dataloader import DataLoader

from backend.db.reads import RequestReads
from backend.errors import BadUserInput
from backend.files import service as files
from backend.files.http import UPLOADED_FILE
from backend.files.service import FileInfo
from backend.graphql_api.context import Info
from backend.graphql_api.loaders import LoaderSet, by_keys
from backend.graphql_api.nodes import RowNode, decode_id, node_from
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.schools.loaders import SchoolsLoaders
from backend.graphql_api.schools.types import SchoolNode
from backend.identity.models import User
from backend.schools import access
from backend.schools.admissions import applications, decisions, read_log, repository
from backend.schools.admissions.models import (
    PRIORITY_CATEGORIES_CONFIRMED,
    EnrolmentApplication,
    EnrolmentDocumentKind,
    EnrolmentStatus,
    PriorityCategory,
)
from backend.schools.admissions.repository import ApplicationRow, EventRow, RoundRow

strawberry.enum(EnrolmentStatus, name="SchoolEnrolmentStatus")
strawberry.enum(
    PriorityCategory,
    name="SchoolEnrolmentPriority",
    description="Priority groups a parent may declare, with evidence for any but NONE. "
    "Unconfirmed: named after other cities' admission rules, not confirmed for Huế "
    "(`SchoolEnrolmentRound.priorityCategoriesConfirmed`); a declared group is not applied "
    "automatically, the school weighs its evidence.",
)
strawberry.enum(EnrolmentDocumentKind, name="SchoolEnrolmentDocumentKind")
strawberry.enum(
    decisions.Decision,
    name="SchoolEnrolmentDecision",
    description="REQUEST_CORRECTION and REJECT need a reason.",
)

MAX_PREFERENCES_INPUT = 5


async def _documents(
    session: AsyncSession, keys: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, list[tuple[EnrolmentDocumentKind, FileInfo]]]:
    found = await repository.documents_of(session, keys)
    described = await files.describe(session, [f for listed in found.values() for _, f in listed])
    return {
        key: [(kind, described[f]) for kind, f in listed if f in described]
        for key, listed in found.items()
    }


class EnrolmentLoaders(LoaderSet):
    def __init__(self, reads: RequestReads, now: Callable[[], datetime]) -> None:
        super().__init__(reads, now)
        self.events_by_application_id: DataLoader[uuid.UUID, list[EventRow]] = by_keys(
            reads, repository.events_of, list
        )
        self.documents_by_application_id: DataLoader[
            uuid.UUID, list[tuple[EnrolmentDocumentKind, FileInfo]]
        ] = by_keys(reads, _documents, list)


@strawberry.type(name="SchoolEnrolmentRound", description="A round for one entry grade.")
class RoundNode(RowNode):
    row: strawberry.Private[RoundRow]
    school_year: str
    grade: int
    max_preferences: int = strawberry.field(
        description="1: the school of your residence zone only; more: ranked wishes."
    )
    online_opens_at: datetime
    online_closes_at: datetime
    direct_opens_at: datetime
    direct_closes_at: datetime
    results_on: date
    confirm_by: datetime = strawberry.field(description="Confirm an admission before this.")

    @classmethod
    def from_row(cls, row: RoundRow) -> Self:
        return cls(
            row=row,
            school_year=row.school_year,
            grade=row.grade,
            max_preferences=row.max_preferences,
            online_opens_at=row.online_opens_at,
            online_closes_at=row.online_closes_at,
            direct_opens_at=row.direct_opens_at,
            direct_closes_at=row.direct_closes_at,
            results_on=row.results_on,
            confirm_by=row.confirm_by,
        )

    @strawberry.field(
        description="False while the priority groups (`SchoolEnrolmentPriority`) are not "
        "confirmed against the city's admission rules: show them as declarations the school "
        "checks, not as entitlements."
    )
    def priority_categories_confirmed(self) -> bool:
        return PRIORITY_CATEGORIES_CONFIRMED

    @strawberry.field(description="Whether applications can be sent online now.")
    def is_open(self, info: Info) -> bool:
        now = info.context.now()
        return self.row.online_opens_at <= now < self.row.online_closes_at

    @strawberry.field(description="The places a school offers in this round; null if none.")
    async def places(self, info: Info, school_id: relay.GlobalID) -> SchoolEnrolmentPlaces | None:
        school = decode_id(school_id, "School", field="schoolId")
        async with info.context.read() as session:
            found = await repository.places_of(session, self.row.id, school)
        return None if found is None else SchoolEnrolmentPlaces(offered=found[0], admitted=found[1])


@strawberry.type
class SchoolEnrolmentPlaces:
    offered: int
    admitted: int


@strawberry.type
class SchoolEnrolmentGuardian:
    name: str
    phone: str
    relation: str


@strawberry.type(description="One step of an application.")
class SchoolEnrolmentStep:
    status: EnrolmentStatus
    reason: str | None
    at: datetime


@strawberry.type(description="Evidence given with an application.")
class SchoolEnrolmentDocument:
    kind: EnrolmentDocumentKind
    file: strawberry.Private[FileInfo]
    file_name: str
    media_type: str
    size: int

    @strawberry.field(
        description="A link to the file that works for ten minutes; ask again for a new one."
    )
    def url(self, info: Info) -> str:
        services = info.context.services
        return files.download_url(
            services.files, key=services.file_link_key, file=self.file, now=info.context.now()
        )


@strawberry.type(
    name="SchoolEnrolmentApplication",
    description="An application for a child's place; its parent and the school's staff see it.",
)
class ApplicationNode(RowNode):
    row: strawberry.Private[ApplicationRow]
    round_id: relay.GlobalID
    identifier: str
    child_name: str
    date_of_birth: date
    address: str
    in_zone: bool = strawberry.field(description="The residence ward is in the school's zone.")
    priority: PriorityCategory = strawberry.field(
        description="The group the parent declared (unconfirmed groups, see the enum)."
    )
    programmes: list[str]
    status: EnrolmentStatus
    reason: str | None = strawberry.field(description="The school's reason for the last step.")
    submitted_at: datetime | None
    updated_at: datetime

    @classmethod
    def from_row(cls, row: ApplicationRow) -> Self:
        return cls(
            row=row,
            round_id=relay.GlobalID("SchoolEnrolmentRound", str(row.round_id)),
            identifier=row.identifier,
            child_name=row.child_name,
            date_of_birth=row.date_of_birth,
            address=row.address,
            in_zone=row.in_zone,
            priority=row.priority,
            programmes=list(row.programmes),
            status=row.status,
            reason=row.reason,
            submitted_at=row.submitted_at,
            updated_at=row.updated_at,
        )

    @strawberry.field
    def ward_id(self) -> relay.GlobalID:
        return relay.GlobalID("Ward", str(self.row.ward_id))

    @strawberry.field(description="The school applied to (the first preference).")
    async def school(self, info: Info) -> SchoolNode | None:
        loader = SchoolsLoaders.of(info).school_by_id
        return await node_from(loader, self.row.school_id, SchoolNode.from_row)

    @strawberry.field(description="The schools wished for, in order.")
    def preferences(self) -> list[relay.GlobalID]:
        return [relay.GlobalID("School", school) for school in self.row.preferences]

    @strawberry.field
    def guardians(self) -> list[SchoolEnrolmentGuardian]:
        return [
            SchoolEnrolmentGuardian(
                name=str(g["name"]), phone=str(g["phone"]), relation=str(g["relation"])
            )
            for g in self.row.guardians
        ]

    @strawberry.field(description="Every step so far, oldest first.")
    async def history(self, info: Info) -> list[SchoolEnrolmentStep]:
        events = await EnrolmentLoaders.of(info).events_by_application_id.load(self.row.id)
        return [SchoolEnrolmentStep(status=e.status, reason=e.reason, at=e.at) for e in events]

    @strawberry.field
    async def documents(self, info: Info) -> list[SchoolEnrolmentDocument]:
        found = await EnrolmentLoaders.of(info).documents_by_application_id.load(self.row.id)
        return [
            SchoolEnrolmentDocument(
                kind=kind,
                file=file,
                file_name=file.file_name,
                media_type=file.media_type,
                size=file.size,
            )
            for kind, file in found
        ]

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        """The viewer's own applications, and those sent to a school they work at."""
        viewer = await info.context.viewer()
        if viewer is None:
            return [None] * len(ids)
        async with info.context.read() as session:
            rows = await repository.applications_by_ids(session, ids)
            schools = await access.staff_schools(session, viewer.id)
        found = {
            row.id: row
            for row in rows
            if row.parent_id == viewer.id
            or (row.school_id in schools and row.status is not EnrolmentStatus.DRAFT)
        }
        if any(row.parent_id != viewer.id for row in found.values()):
            async with info.context.unit_of_work() as uow:
                await read_log.record(uow, viewer.id, list(found.values()), info.context.now())
        return [cls.from_row(found[key]) if key in found else None for key in ids]


@strawberry.type
class SchoolEnrolmentCount:
    status: EnrolmentStatus
    count: int


@strawberry.type
class SchoolEnrolmentQueueEdge:
    node: ApplicationNode
    cursor: str


@strawberry.type
class SchoolEnrolmentQueueConnection:
    edges: list[SchoolEnrolmentQueueEdge]
    page_info: relay.PageInfo
    counts: list[SchoolEnrolmentCount] = strawberry.field(
        description="Applications by state (before the status filter), states with none left out."
    )


ROUNDS = Keyset("schools.enrolment_rounds", str)
MINE = Keyset("schools.enrolment_applications.mine", datetime)
BY_NAME = Keyset("schools.enrolment_applications.name", str)


@strawberry.type
class EnrolmentQuery:
    @strawberry.field(description="Enrolment rounds, the newest school year first.")
    async def school_enrolment_rounds(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[RoundNode]:
        page = ROUNDS.page(first, after)
        async with info.context.read() as session:
            rows = await repository.rounds(session, after=page.after, limit=page.limit)
        return page.connection(
            rows, node=RoundNode.from_row, key=lambda row: (row.school_year, row.id)
        )

    @strawberry.field(description="Your application, or one sent to a school you work at.")
    async def school_enrolment_application(
        self, info: Info, id: relay.GlobalID
    ) -> ApplicationNode | None:
        await info.context.require_viewer()
        wanted = decode_id(id, "SchoolEnrolmentApplication", field="id")
        return (await ApplicationNode.fetch(info, [wanted]))[0]

    @strawberry.field(
        description="School staff: the applications sent to the school, by the child's name, "
        "with counts by state."
    )
    async def school_enrolment_applications(
        self,
        info: Info,
        school_id: relay.GlobalID,
        round_id: relay.GlobalID | None = None,
        status: EnrolmentStatus | None = None,
        in_zone: bool | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> SchoolEnrolmentQueueConnection:
        viewer = await info.context.require_viewer()
        school = decode_id(school_id, "School", field="schoolId")
        round_ = (
            None
            if round_id is None
            else decode_id(round_id, "SchoolEnrolmentRound", field="roundId")
        )
        page = BY_NAME.page(first, after)
        async with info.context.read() as session:
            await access.require_staff(session, viewer.id, school)
            rows = await repository.applications_of_school(
                session,
                school,
                round_id=round_,
                status=status,
                in_zone=in_zone,
                after=page.after,
                limit=page.limit,
            )
            counts = await repository.counts_by_status(session, school, round_id=round_)
        if rows[: page.size]:
            async with info.context.unit_of_work() as uow:
                await read_log.record(uow, viewer.id, rows[: page.size], info.context.now())
        edges = [
            SchoolEnrolmentQueueEdge(
                node=ApplicationNode.from_row(row), cursor=BY_NAME.encode(row.child_name, row.id)
            )
            for row in rows[: page.size]
        ]
        return SchoolEnrolmentQueueConnection(
            edges=edges,
            page_info=page.page_info(rows, edges),  # type: ignore[arg-type]
            counts=[
                SchoolEnrolmentCount(status=state, count=counts[state])
                for state in EnrolmentStatus
                if counts.get(state)
            ],
        )


@strawberry.type
class EnrolmentViewerFields:
    row: strawberry.Private[User]

    @strawberry.field(description="Your enrolment applications, newest first.")
    async def school_enrolment_applications(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[ApplicationNode]:
        page = MINE.page(first, after)
        async with info.context.read() as session:
            rows = await repository.applications_of_parent(
                session, self.row.id, after=page.after, limit=page.limit
            )
        return page.connection(
            rows, node=ApplicationNode.from_row, key=lambda row: (row.created_at, row.id)
        )


@strawberry.input
class SchoolEnrolmentGuardianInput:
    name: str
    phone: str
    relation: str = strawberry.field(description="e.g. mẹ, bố, ông, bà.")


@strawberry.input(
    description="A new draft (give `roundId`) or changes to one (give `applicationId`)."
)
class SaveSchoolEnrolmentApplicationInput:
    round_id: relay.GlobalID | None = None
    application_id: relay.GlobalID | None = None
    identifier: str = strawberry.field(description="The child's 12-digit identifier.")
    child_name: str
    date_of_birth: date
    guardians: list[SchoolEnrolmentGuardianInput] = strawberry.field(description="1 to 4.")
    ward_id: relay.GlobalID = strawberry.field(description="The ward of residence.")
    address: str
    preferences: list[relay.GlobalID] = strawberry.field(
        description="Schools in order of wish, at most the round's `maxPreferences`."
    )
    priority: PriorityCategory = strawberry.field(
        default=PriorityCategory.NONE,
        description="A group to declare, with its evidence; the school checks it (the groups "
        "are unconfirmed for Huế).",
    )
    programmes: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class AttachSchoolEnrolmentDocumentInput:
    application_id: relay.GlobalID
    kind: EnrolmentDocumentKind
    file_id: relay.GlobalID = strawberry.field(description="An upload of POST /files.")


@strawberry.input
class SchoolEnrolmentApplicationInput:
    application_id: relay.GlobalID


@strawberry.input
class DecideSchoolEnrolmentInput:
    application_id: relay.GlobalID
    decision: decisions.Decision
    reason: str | None = None


def _id(value: relay.GlobalID) -> uuid.UUID:
    return decode_id(value, "SchoolEnrolmentApplication", field="input.applicationId")


def _node(row: EnrolmentApplication) -> ApplicationNode:
    return ApplicationNode.from_row(_row(row))


def _row(row: EnrolmentApplication) -> ApplicationRow:
    return ApplicationRow(
        id=row.id,
        round_id=row.round_id,
        school_id=row.school_id,
        parent_id=row.parent_id,
        identifier=row.identifier,
        child_name=row.child_name,
        date_of_birth=row.date_of_birth,
        guardians=list(row.guardians),
        ward_id=row.ward_id,
        address=row.address,
        preferences=list(row.preferences),
        in_zone=row.in_zone,
        priority=row.priority,
        programmes=list(row.programmes),
        status=row.status,
        reason=row.reason,
        submitted_at=row.submitted_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@strawberry.type
class EnrolmentMutation:
    @strawberry.mutation(
        description="Parents: create or change a draft application for a child (one per child "
        "and round) until the online window closes, or correct one the school sent back until "
        "direct admission closes."
    )
    async def save_school_enrolment_application(
        self, info: Info, input: SaveSchoolEnrolmentApplicationInput
    ) -> ApplicationNode | None:
        viewer = await info.context.require_verified_viewer()
        if len(input.preferences) > MAX_PREFERENCES_INPUT:
            raise BadUserInput("input.too_long", field="input.preferences", max=5)
        if len(input.guardians) > applications.MAX_GUARDIANS:
            raise BadUserInput(
                "input.too_long", field="input.guardians", max=applications.MAX_GUARDIANS
            )
        if len(input.programmes) > applications.MAX_PROGRAMMES:
            raise BadUserInput(
                "input.too_long", field="input.programmes", max=applications.MAX_PROGRAMMES
            )
        details = applications.Details(
            identifier=input.identifier,
            child_name=input.child_name,
            date_of_birth=input.date_of_birth,
            guardians=[
                applications.GuardianDetails(name=g.name, phone=g.phone, relation=g.relation)
                for g in input.guardians
            ],
            ward_id=decode_id(input.ward_id, "Ward", field="input.wardId"),
            address=input.address,
            preferences=[
                decode_id(school, "School", field="input.preferences")
                for school in input.preferences
            ],
            priority=input.priority,
            programmes=input.programmes,
        )
        async with info.context.unit_of_work() as uow:
            saved = await applications.save(
                uow,
                parent_id=viewer.id,
                round_id=None
                if input.round_id is None
                else decode_id(input.round_id, "SchoolEnrolmentRound", field="input.roundId"),
                application_id=None if input.application_id is None else _id(input.application_id),
                details=details,
                now=info.context.now(),
            )
        return _node(saved)

    @strawberry.mutation(
        description="Parents: give an uploaded file as evidence (replaces the same kind), while "
        "the application may still be written (see `saveSchoolEnrolmentApplication`)."
    )
    async def attach_school_enrolment_document(
        self, info: Info, input: AttachSchoolEnrolmentDocumentInput
    ) -> ApplicationNode | None:
        viewer = await info.context.require_verified_viewer()
        async with info.context.unit_of_work() as uow:
            saved = await applications.attach(
                uow,
                parent_id=viewer.id,
                application_id=_id(input.application_id),
                kind=input.kind,
                file_id=decode_id(input.file_id, UPLOADED_FILE, field="input.fileId"),
                now=info.context.now(),
            )
        return _node(saved)

    @strawberry.mutation(
        description="Parents: send a draft while the online window is open, or a correction "
        "the school asked for; the birth certificate and residence (and priority evidence) "
        "must be given."
    )
    async def submit_school_enrolment_application(
        self, info: Info, input: SchoolEnrolmentApplicationInput
    ) -> ApplicationNode | None:
        return await _parent_step(info, input, applications.submit)

    @strawberry.mutation(description="Parents: withdraw an application before admission.")
    async def withdraw_school_enrolment_application(
        self, info: Info, input: SchoolEnrolmentApplicationInput
    ) -> ApplicationNode | None:
        return await _parent_step(info, input, applications.withdraw)

    @strawberry.mutation(description="Parents: take up the place before the deadline.")
    async def confirm_school_enrolment(
        self, info: Info, input: SchoolEnrolmentApplicationInput
    ) -> ApplicationNode | None:
        return await _parent_step(info, input, applications.confirm)

    @strawberry.mutation(
        description="School administrators: move an application a step; the parent is pushed."
    )
    async def decide_school_enrolment(
        self, info: Info, input: DecideSchoolEnrolmentInput
    ) -> ApplicationNode | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            saved = await decisions.decide(
                uow,
                staff_id=viewer.id,
                application_id=_id(input.application_id),
                decision=input.decision,
                reason=input.reason,
                now=info.context.now(),
            )
            # The answer shows the application: a read like any other.
            await read_log.record(uow, viewer.id, [_row(saved)], info.context.now())
        return _node(saved)


async def _parent_step(
    info: Info, input: SchoolEnrolmentApplicationInput, step: applications.ParentStep
) -> ApplicationNode:
    viewer = await info.context.require_verified_viewer()
    async with info.context.unit_of_work() as uow:
        saved = await step(
            uow,
            parent_id=viewer.id,
            application_id=_id(input.application_id),
            now=info.context.now(),
        )
    return _node(saved)
