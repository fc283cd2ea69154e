"""Mutations of the business domain: each parses input and runs one use case in a unit of work.
Results are nullable, so one failed field in a document never hides its siblings."""

from __future__ import annotations

import strawberry
from strawberry import relay

from backend.business import announcements, applications, documents, members, reports, workdays
from backend.business.applications import Action
from backend.business.models import Application, Membership, ReportCategory
from backend.business.repository.rows import ApplicationRow, MembershipRow, NoticeRow
from backend.errors import BadUserInput
from backend.files.http import UPLOADED_FILE
from backend.graphql_api.business.registration import RegistryMutation
from backend.graphql_api.business.types import (
    ApplicationNode,
    BusinessReport,
    MembershipNode,
    NoticeNode,
    report_from,
)
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id


@strawberry.input
class ClaimBusinessInput:
    code: str = strawberry.field(description="Enterprise code, branch code or household number.")
    certificate_number: str = strawberry.field(
        description="The number printed on the registration certificate, for the operator."
    )


@strawberry.input
class DecideBusinessClaimInput:
    claim_id: relay.GlobalID
    approve: bool
    note: str | None = strawberry.field(default=None, description="Required to reject.")


@strawberry.input
class AddBusinessStaffInput:
    business_id: relay.GlobalID
    phone: str = strawberry.field(description="The phone number of the staff member's account.")


@strawberry.input
class RemoveBusinessStaffInput:
    membership_id: relay.GlobalID


@strawberry.input
class FormValueInput:
    name: str
    value: str


@strawberry.input
class CreateBusinessApplicationInput:
    business_id: relay.GlobalID
    permit_type_id: relay.GlobalID
    form: list[FormValueInput] = strawberry.field(default_factory=list)


@strawberry.input
class MoveBusinessApplicationInput:
    application_id: relay.GlobalID
    action: Action
    note: str | None = strawberry.field(
        default=None, description="Required for REQUEST_INFO and REJECT; at most 1,000 characters."
    )
    form: list[FormValueInput] | None = strawberry.field(
        default=None, description="SUBMIT, RESUBMIT: the form's values, replacing the draft's."
    )


@strawberry.input(
    description="Give an uploaded file (the `id` that POST /files answered) as one of the "
    "documents the application's permit type requires; it replaces the one given before."
)
class AttachBusinessApplicationDocumentInput:
    application_id: relay.GlobalID
    code: str = strawberry.field(description="The required document's code.")
    file_id: relay.GlobalID


@strawberry.input
class DetachBusinessApplicationDocumentInput:
    application_id: relay.GlobalID
    code: str


@strawberry.input(description="A problem with a business on the map, for its certifying agency.")
class ReportBusinessProblemInput:
    business_id: relay.GlobalID
    category: ReportCategory
    description: str = strawberry.field(description="What happened; at most 1,000 characters.")


@strawberry.input(description="Officers: a notice to businesses; empty filters mean all.")
class PublishBusinessNoticeInput:
    agency_id: relay.GlobalID
    title_vi: str
    body_vi: str
    title_en: str | None = None
    body_en: str | None = None
    vsic_prefixes: list[str] = strawberry.field(
        default_factory=list,
        description="VSIC codes of level 2 to 5, or section letters A–U (at most 20).",
    )
    ward_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Wards (at most 20)."
    )


@strawberry.input
class MarkBusinessNoticeReadInput:
    notice_id: relay.GlobalID


def _form(values: list[FormValueInput] | None) -> list[tuple[str, str]] | None:
    return None if values is None else [(value.name, value.value) for value in values]


def _membership(row: Membership) -> MembershipNode:
    return MembershipNode.from_row(
        MembershipRow(
            id=row.id,
            business_id=row.business_id,
            user_id=row.user_id,
            role=row.role,
            status=row.status,
            created_at=row.created_at,
            decided_at=row.decided_at,
        )
    )


def _application(row: Application) -> ApplicationNode:
    return ApplicationNode.from_row(
        ApplicationRow(
            id=row.id,
            business_id=row.business_id,
            permit_type_id=row.permit_type_id,
            agency_id=row.agency_id,
            status=row.status,
            form=dict(row.form),
            officer_note=row.officer_note,
            created_at=row.created_at,
            submitted_at=row.submitted_at,
            due_at=row.due_at,
            decided_at=row.decided_at,
            updated_at=row.updated_at,
        )
    )


@strawberry.type
class BusinessMutation(RegistryMutation):
    @strawberry.mutation(
        description="Claim to be a business's representative; it takes effect once an operator "
        "has verified it against the registration certificate."
    )
    async def claim_business(self, info: Info, input: ClaimBusinessInput) -> MembershipNode | None:
        viewer = await info.context.require_verified_viewer()
        async with info.context.unit_of_work() as uow:
            row = await members.claim(
                uow,
                user_id=viewer.id,
                code=input.code,
                evidence=input.certificate_number,
                now=info.context.now(),
            )
        return _membership(row)

    @strawberry.mutation(description="Operators: verify or reject a claim.")
    async def decide_business_claim(
        self, info: Info, input: DecideBusinessClaimInput
    ) -> MembershipNode | None:
        viewer = await info.context.require_viewer()
        claim_id = decode_id(input.claim_id, "BusinessMembership", field="input.claimId")
        async with info.context.unit_of_work() as uow:
            row = await members.decide_claim(
                uow,
                operator_id=viewer.id,
                membership_id=claim_id,
                approve=input.approve,
                note=input.note,
                now=info.context.now(),
            )
        return _membership(row)

    @strawberry.mutation(
        description="Representatives: add an account as staff (may submit applications and "
        "read what the business receives)."
    )
    async def add_business_staff(
        self, info: Info, input: AddBusinessStaffInput
    ) -> MembershipNode | None:
        viewer = await info.context.require_viewer()
        business_id = decode_id(input.business_id, "Business", field="input.businessId")
        async with info.context.unit_of_work() as uow:
            row = await members.add_staff(
                uow,
                representative_id=viewer.id,
                business_id=business_id,
                phone=input.phone,
                now=info.context.now(),
            )
        return _membership(row)

    @strawberry.mutation(description="Representatives: end a staff member's access.")
    async def remove_business_staff(
        self, info: Info, input: RemoveBusinessStaffInput
    ) -> MembershipNode | None:
        viewer = await info.context.require_viewer()
        membership_id = decode_id(
            input.membership_id, "BusinessMembership", field="input.membershipId"
        )
        async with info.context.unit_of_work() as uow:
            row = await members.remove_staff(
                uow,
                representative_id=viewer.id,
                membership_id=membership_id,
                now=info.context.now(),
            )
        return _membership(row)

    @strawberry.mutation(description="Start an application (a draft) for one of your businesses.")
    async def create_business_application(
        self, info: Info, input: CreateBusinessApplicationInput
    ) -> ApplicationNode | None:
        viewer = await info.context.require_viewer()
        business_id = decode_id(input.business_id, "Business", field="input.businessId")
        permit_type_id = decode_id(input.permit_type_id, "PermitType", field="input.permitTypeId")
        async with info.context.unit_of_work() as uow:
            row = await applications.create(
                uow,
                user_id=viewer.id,
                business_id=business_id,
                permit_type_id=permit_type_id,
                form=_form(input.form) or [],
                now=info.context.now(),
            )
        return _application(row)

    @strawberry.mutation(
        description="Move an application one step (see `BusinessApplicationAction`); every "
        "step is pushed to the business's accounts. An illegal step is CONFLICT."
    )
    async def move_business_application(
        self, info: Info, input: MoveBusinessApplicationInput
    ) -> ApplicationNode | None:
        viewer = await info.context.require_viewer()
        application_id = decode_id(
            input.application_id, "BusinessApplication", field="input.applicationId"
        )
        if input.form is not None and input.action not in (Action.SUBMIT, Action.RESUBMIT):
            raise BadUserInput("business.form_not_editable", field="input.form")
        async with info.context.unit_of_work() as uow:
            row = await applications.move(
                uow,
                user_id=viewer.id,
                application_id=application_id,
                action=input.action,
                note=input.note,
                form=_form(input.form),
                now=info.context.now(),
            )
        return _application(row)

    @strawberry.mutation(
        description="Report a problem with a business on the certified-business map (verified "
        "phone needed; five a day). Only the agency that certified it sees who reported."
    )
    async def report_business_problem(
        self, info: Info, input: ReportBusinessProblemInput
    ) -> BusinessReport | None:
        viewer = await info.context.require_verified_viewer()
        business_id = decode_id(input.business_id, "Business", field="input.businessId")
        now = info.context.now()
        async with info.context.unit_of_work() as uow:
            row = await reports.report(
                uow,
                user_id=viewer.id,
                business_id=business_id,
                category=input.category,
                description=input.description,
                now=now,
                today=workdays.local_day(now),
            )
        return report_from(row)

    @strawberry.mutation(
        description="While a draft or asked for more information: give a required document."
    )
    async def attach_business_application_document(
        self, info: Info, input: AttachBusinessApplicationDocumentInput
    ) -> ApplicationNode | None:
        viewer = await info.context.require_viewer()
        application_id = decode_id(
            input.application_id, "BusinessApplication", field="input.applicationId"
        )
        file_id = decode_id(input.file_id, UPLOADED_FILE, field="input.fileId")
        async with info.context.unit_of_work() as uow:
            row = await documents.attach(
                uow,
                user_id=viewer.id,
                application_id=application_id,
                code=input.code,
                file_id=file_id,
                now=info.context.now(),
            )
        return _application(row)

    @strawberry.mutation(
        description="While a draft or asked for more information: take back a document given."
    )
    async def detach_business_application_document(
        self, info: Info, input: DetachBusinessApplicationDocumentInput
    ) -> ApplicationNode | None:
        viewer = await info.context.require_viewer()
        application_id = decode_id(
            input.application_id, "BusinessApplication", field="input.applicationId"
        )
        async with info.context.unit_of_work() as uow:
            row = await documents.detach(
                uow,
                user_id=viewer.id,
                application_id=application_id,
                code=input.code,
                now=info.context.now(),
            )
        return _application(row)

    @strawberry.mutation(
        description="Officers: publish a notice to the businesses of some sectors and wards; "
        "each of their accounts gets one push."
    )
    async def publish_business_notice(
        self, info: Info, input: PublishBusinessNoticeInput
    ) -> NoticeNode | None:
        viewer = await info.context.require_viewer()
        agency_id = decode_id(input.agency_id, "Agency", field="input.agencyId")
        wards = [
            decode_id(ward, "Ward", field=f"input.wardIds[{index}]")
            for index, ward in enumerate(input.ward_ids[: announcements.MAX_FILTERS + 1])
        ]
        async with info.context.unit_of_work() as uow:
            notice = await announcements.publish(
                uow,
                officer_id=viewer.id,
                agency_id=agency_id,
                title=(input.title_vi, input.title_en),
                body=(input.body_vi, input.body_en),
                vsic_prefixes=input.vsic_prefixes,
                ward_ids=wards,
                now=info.context.now(),
            )
        return NoticeNode.from_row(
            NoticeRow(
                id=notice.id,
                agency_id=notice.agency_id,
                title=notice.title,
                body=notice.body,
                published_at=notice.published_at,
                recipients=notice.recipients,
                read_at=None,
            )
        )

    @strawberry.mutation(description="Record that you read a notice (a read receipt).")
    async def mark_business_notice_read(
        self, info: Info, input: MarkBusinessNoticeReadInput
    ) -> NoticeNode | None:
        viewer = await info.context.require_viewer()
        notice_id = decode_id(input.notice_id, "BusinessNotice", field="input.noticeId")
        async with info.context.unit_of_work() as uow:
            row = await announcements.mark_read(
                uow, user_id=viewer.id, notice_id=notice_id, now=info.context.now()
            )
        return NoticeNode.from_row(row)
