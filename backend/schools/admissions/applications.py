"""A parent's side of an enrolment application: fill in a draft, give evidence documents
(uploads of `backend.files`), send it while the online window is open, correct it when the
school asks, withdraw it before admission, and confirm the place once admitted."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, NotFound
from backend.files import service as files
from backend.free_text import check_printable
from backend.identity.contacts import normalize_phone
from backend.schools.admissions import repository
from backend.schools.admissions.models import (
    EnrolmentApplication,
    EnrolmentDocument,
    EnrolmentDocumentKind,
    EnrolmentRound,
    EnrolmentStatus,
    PriorityCategory,
)
from backend.schools.identifiers import student_identifier

MAX_GUARDIANS = 4
MAX_PROGRAMMES = 4
MAX_NAME = 120
MAX_ADDRESS = 300
EDITABLE = (EnrolmentStatus.DRAFT, EnrolmentStatus.CORRECTION_REQUESTED)
BEFORE_ADMISSION = (
    EnrolmentStatus.DRAFT,
    EnrolmentStatus.SUBMITTED,
    EnrolmentStatus.CORRECTION_REQUESTED,
    EnrolmentStatus.CORRECTED,
    EnrolmentStatus.VERIFIED,
    EnrolmentStatus.WAITLISTED,
)
REQUIRED_DOCUMENTS = (EnrolmentDocumentKind.BIRTH_CERTIFICATE, EnrolmentDocumentKind.RESIDENCE)


@dataclass(frozen=True, slots=True)
class GuardianDetails:
    name: str
    phone: str
    relation: str


@dataclass(frozen=True, slots=True)
class Details:
    identifier: str
    child_name: str
    date_of_birth: date
    guardians: Sequence[GuardianDetails]
    ward_id: uuid.UUID
    address: str
    preferences: Sequence[uuid.UUID]
    priority: PriorityCategory
    programmes: Sequence[str]


async def save(
    uow: UnitOfWork,
    *,
    parent_id: uuid.UUID,
    round_id: uuid.UUID | None,
    application_id: uuid.UUID | None,
    details: Details,
    now: datetime,
) -> EnrolmentApplication:
    """Create a draft in a round, or change a draft (or one the school asked to correct)."""
    session = uow.session
    if application_id is None:
        if round_id is None:
            raise BadUserInput("school.enrolment_round_required", field="input.roundId")
        found = await repository.round_by_id(session, round_id)
        if found is None:
            raise NotFound("school.enrolment_round_not_found", field="input.roundId")
        application = None
    else:
        application = await _own(session, parent_id, application_id)
        if application.status not in EDITABLE:
            raise Conflict("school.enrolment_locked", field="input.applicationId")
        found = await repository.round_by_id(session, application.round_id)
        assert found is not None
    if now >= _closes(found, None if application is None else application.status):
        raise Conflict("school.enrolment_window_closed", field="input.roundId")
    checked = await _checked(session, found, details, now)
    if await repository.live_application_exists(
        session,
        found.id,
        checked.identifier,
        other_than=None if application is None else application.id,
    ):
        raise Conflict("school.enrolment_duplicate", field="input.identifier")
    school_id = checked.preferences[0]
    in_zone = await repository.ward_in_zone(session, school_id, checked.ward_id)
    if found.max_preferences == 1 and not in_zone:
        raise BadUserInput("school.enrolment_out_of_zone", field="input.wardId")
    values = {
        "school_id": school_id,
        "identifier": checked.identifier,
        "child_name": checked.child_name,
        "date_of_birth": checked.date_of_birth,
        "guardians": [
            {"name": g.name, "phone": g.phone, "relation": g.relation} for g in checked.guardians
        ],
        "ward_id": checked.ward_id,
        "address": checked.address,
        "preferences": [str(school) for school in checked.preferences],
        "in_zone": in_zone,
        "priority": checked.priority,
        "programmes": list(checked.programmes),
        "updated_at": now,
    }
    created = application is None
    try:
        # The database keeps one live application per child and round: another guardian's
        # draft for the same child, saved at the same moment, is refused alike.
        async with session.begin_nested():
            if application is None:
                application = EnrolmentApplication(
                    id=uuid.uuid4(),
                    round_id=found.id,
                    parent_id=parent_id,
                    status=EnrolmentStatus.DRAFT,
                    reason=None,
                    submitted_at=None,
                    created_at=now,
                    **values,
                )
                session.add(application)
            else:
                for key, value in values.items():
                    setattr(application, key, value)
            await session.flush()
    except IntegrityError as exc:
        raise Conflict("school.enrolment_duplicate", field="input.identifier") from exc
    if created:
        repository.add_event(session, application, actor_id=parent_id, now=now)
    await session.flush()
    return application


def _closes(found: EnrolmentRound, status: EnrolmentStatus | None) -> datetime:
    """Until when an application may be written: a draft (or a new one) while it can still be
    sent online, a correction the school asked for until direct admission closes."""
    if status is EnrolmentStatus.CORRECTION_REQUESTED:
        closes: datetime = found.direct_closes_at
    else:
        closes = found.online_closes_at
    return closes


async def attach(
    uow: UnitOfWork,
    *,
    parent_id: uuid.UUID,
    application_id: uuid.UUID,
    kind: EnrolmentDocumentKind,
    file_id: uuid.UUID,
    now: datetime,
) -> EnrolmentApplication:
    """Give an upload as one kind of evidence, replacing the one given before."""
    session = uow.session
    application = await _own(session, parent_id, application_id)
    if application.status not in EDITABLE:
        raise Conflict("school.enrolment_locked", field="input.applicationId")
    found = await repository.round_by_id(session, application.round_id)
    assert found is not None
    if now >= _closes(found, application.status):
        raise Conflict("school.enrolment_window_closed", field="input.applicationId")
    await files.take(session, file_id, owner_id=parent_id, now=now, field="input.fileId")
    given = await repository.document_file(session, application.id, kind)
    if given is None:
        session.add(
            EnrolmentDocument(
                application_id=application.id, kind=kind, file_id=file_id, attached_at=now
            )
        )
    else:
        await files.release(session, given.file_id)
        given.file_id, given.attached_at = file_id, now
    application.updated_at = now
    await session.flush()
    return application


async def submit(
    uow: UnitOfWork, *, parent_id: uuid.UUID, application_id: uuid.UUID, now: datetime
) -> EnrolmentApplication:
    """Send a draft while the online window is open, or a correction the school asked for
    until direct admission closes; the evidence must be complete."""
    session = uow.session
    application = await _own(session, parent_id, application_id)
    found = await repository.round_by_id(session, application.round_id)
    assert found is not None
    read_as = application.status
    if application.status is EnrolmentStatus.DRAFT:
        if now < found.online_opens_at:
            raise Conflict("school.enrolment_window_not_open", field="input.applicationId")
        if now >= found.online_closes_at:
            raise Conflict("school.enrolment_window_closed", field="input.applicationId")
        application.status = EnrolmentStatus.SUBMITTED
        application.submitted_at = now
    elif application.status is EnrolmentStatus.CORRECTION_REQUESTED:
        if now >= found.direct_closes_at:
            raise Conflict("school.enrolment_window_closed", field="input.applicationId")
        application.status = EnrolmentStatus.CORRECTED
    else:
        raise Conflict("school.enrolment_wrong_state", field="input.applicationId")
    given = await repository.document_kinds(session, application.id)
    required = list(REQUIRED_DOCUMENTS)
    if application.priority is not PriorityCategory.NONE:
        required.append(EnrolmentDocumentKind.PRIORITY)
    for kind in required:
        if kind not in given:
            raise BadUserInput(
                "school.enrolment_document_missing", field="input.applicationId", kind=kind.value
            )
    if not await repository.claim_status(session, application.id, read_as, application.status):
        raise Conflict("school.enrolment_wrong_state", field="input.applicationId")
    application.reason = None
    application.updated_at = now
    repository.add_event(session, application, actor_id=parent_id, now=now)
    await session.flush()
    return application


class ParentStep(Protocol):
    async def __call__(
        self, uow: UnitOfWork, *, parent_id: uuid.UUID, application_id: uuid.UUID, now: datetime
    ) -> EnrolmentApplication: ...


async def withdraw(
    uow: UnitOfWork, *, parent_id: uuid.UUID, application_id: uuid.UUID, now: datetime
) -> EnrolmentApplication:
    application = await _own(uow.session, parent_id, application_id)
    if application.status not in BEFORE_ADMISSION:
        raise Conflict("school.enrolment_wrong_state", field="input.applicationId")
    return await _move(uow, application, EnrolmentStatus.WITHDRAWN, parent_id, now)


async def confirm(
    uow: UnitOfWork, *, parent_id: uuid.UUID, application_id: uuid.UUID, now: datetime
) -> EnrolmentApplication:
    """Take up the place before the round's confirmation deadline."""
    application = await _own(uow.session, parent_id, application_id)
    if application.status is not EnrolmentStatus.ADMITTED:
        raise Conflict("school.enrolment_wrong_state", field="input.applicationId")
    found = await repository.round_by_id(uow.session, application.round_id)
    assert found is not None
    if now >= found.confirm_by:
        raise Conflict("school.enrolment_confirmation_closed", field="input.applicationId")
    return await _move(uow, application, EnrolmentStatus.ENROLMENT_CONFIRMED, parent_id, now)


async def _move(
    uow: UnitOfWork,
    application: EnrolmentApplication,
    status: EnrolmentStatus,
    actor_id: uuid.UUID,
    now: datetime,
) -> EnrolmentApplication:
    if not await repository.claim_status(uow.session, application.id, application.status, status):
        raise Conflict("school.enrolment_wrong_state", field="input.applicationId")
    application.status, application.reason, application.updated_at = status, None, now
    repository.add_event(uow.session, application, actor_id=actor_id, now=now)
    await uow.session.flush()
    return application


async def _own(
    session: AsyncSession, parent_id: uuid.UUID, application_id: uuid.UUID
) -> EnrolmentApplication:
    """The parent's application; anyone else's is told not to exist."""
    application = await repository.application_for_update(session, application_id)
    if application is None or application.parent_id != parent_id:
        raise NotFound("school.enrolment_not_found", field="input.applicationId")
    return application


async def _checked(
    session: AsyncSession, found: EnrolmentRound, details: Details, now: datetime
) -> Details:
    identifier = student_identifier(details.identifier, field="input.identifier")
    name = _text(details.child_name, "input.childName", MAX_NAME)
    address = _text(details.address, "input.address", MAX_ADDRESS)
    if not date(now.year - 20, 1, 1) <= details.date_of_birth <= now.date():
        raise BadUserInput("school.birth_date_invalid", field="input.dateOfBirth")
    if not details.guardians or len(details.guardians) > MAX_GUARDIANS:
        raise BadUserInput("input.too_long", field="input.guardians", max=MAX_GUARDIANS)
    guardians = [
        GuardianDetails(
            name=_text(g.name, "input.guardians.name", MAX_NAME),
            phone=normalize_phone(g.phone, field="input.guardians.phone"),
            relation=_text(g.relation, "input.guardians.relation", 40),
        )
        for g in details.guardians
    ]
    preferences = list(dict.fromkeys(details.preferences))
    if not preferences or len(preferences) != len(details.preferences):
        raise BadUserInput("school.enrolment_preferences_invalid", field="input.preferences")
    if len(preferences) > found.max_preferences:
        raise BadUserInput("input.too_long", field="input.preferences", max=found.max_preferences)
    offering = await repository.offering_schools(session, found.id, preferences)
    if any(school not in offering for school in preferences):
        raise BadUserInput("school.enrolment_school_not_offering", field="input.preferences")
    if len(details.programmes) > MAX_PROGRAMMES or any(
        programme not in offering[preferences[0]] for programme in details.programmes
    ):
        raise BadUserInput("school.enrolment_programme_unknown", field="input.programmes")
    if not await repository.ward_exists(session, details.ward_id):
        raise NotFound("school.ward_not_found", field="input.wardId")
    return Details(
        identifier=identifier,
        child_name=name,
        date_of_birth=details.date_of_birth,
        guardians=guardians,
        ward_id=details.ward_id,
        address=address,
        preferences=preferences,
        priority=details.priority,
        programmes=list(dict.fromkeys(details.programmes)),
    )


def _text(raw: str, field: str, limit: int) -> str:
    cleaned = " ".join(raw.split())
    if not cleaned:
        raise BadUserInput("input.required", field=field)
    if len(cleaned) > limit:
        raise BadUserInput("input.too_long", field=field, max=limit)
    check_printable(cleaned, field=field)
    return cleaned
