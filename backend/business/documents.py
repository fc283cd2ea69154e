"""The documents of an application: an uploaded file for each document its permit type
requires, given while the business may still change the application (a draft, or when the
officer asked for more information), all present before it is submitted."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.business import access
from backend.business.access import Right
from backend.business.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    PermitType,
)
from backend.business.repository import applications as repository
from backend.business.repository.rows import ApplicationDocumentRow
from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, NotFound
from backend.files import service as files
from backend.files.service import FileInfo

# While the business holds the application; once submitted its documents are what was sent.
EDITABLE = (ApplicationStatus.DRAFT, ApplicationStatus.NEEDS_INFO)


async def attach(
    uow: UnitOfWork,
    *,
    user_id: uuid.UUID,
    application_id: uuid.UUID,
    code: str,
    file_id: uuid.UUID,
    now: datetime,
) -> Application:
    """Give the uploaded file as the document `code`, replacing the one given before."""
    session = uow.session
    application, permit_type = await _editable(session, user_id, application_id)
    if code not in required_codes(permit_type):
        raise BadUserInput("business.document_unknown", field="input.code")
    await _let_go(session, application.id, code)
    await files.take(session, file_id, owner_id=user_id, now=now, field="input.fileId")
    await repository.add(
        session,
        ApplicationDocument(
            application_id=application.id,
            code=code,
            file_id=file_id,
            attached_by=user_id,
            attached_at=now,
        ),
    )
    await access.audit(
        session,
        "application.document_attached",
        business_id=application.business_id,
        actor_id=user_id,
        now=now,
        application=application.id,
        code=code,
        file=file_id,
    )
    return application


async def detach(
    uow: UnitOfWork, *, user_id: uuid.UUID, application_id: uuid.UUID, code: str, now: datetime
) -> Application:
    session = uow.session
    application, _ = await _editable(session, user_id, application_id)
    if not await _let_go(session, application.id, code):
        raise NotFound("business.document_not_found", field="input.code")
    await access.audit(
        session,
        "application.document_detached",
        business_id=application.business_id,
        actor_id=user_id,
        now=now,
        application=application.id,
        code=code,
    )
    return application


async def require_complete(
    session: AsyncSession, application: Application, permit_type: PermitType
) -> None:
    """Refuse to send an application missing a required document, naming the first missing."""
    given = {
        document.code
        for document in (await repository.documents(session, [application.id])).get(
            application.id, []
        )
    }
    for document in permit_type.required_documents:
        if document["code"] not in given:
            raise BadUserInput(
                "business.document_missing", field="input.action", code=document["code"]
            )


def required_codes(permit_type: PermitType) -> set[str]:
    return {str(document["code"]) for document in permit_type.required_documents}


async def documents_of(
    session: AsyncSession, application_ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, list[tuple[ApplicationDocumentRow, FileInfo]]]:
    """Each application's documents with what their files are (two statements per batch)."""
    found = await repository.documents(session, application_ids)
    described = await files.describe(
        session, [document.file_id for listed in found.values() for document in listed]
    )
    return {
        application_id: [
            (document, described[document.file_id])
            for document in listed
            if document.file_id in described
        ]
        for application_id, listed in found.items()
    }


async def _editable(
    session: AsyncSession, user_id: uuid.UUID, application_id: uuid.UUID
) -> tuple[Application, PermitType]:
    application = await repository.application_for_update(session, application_id)
    if (
        application is None
        or await access.member_role(session, application.business_id, user_id) is None
    ):
        raise NotFound("business.application_not_found", field="input.applicationId")
    await access.require(session, application.business_id, user_id, Right.APPLY)
    if application.status not in EDITABLE:
        raise Conflict("business.documents_locked", field="input.applicationId")
    permit_type = await repository.permit_type(session, application.permit_type_id)
    assert permit_type is not None
    return application, permit_type


async def _let_go(session: AsyncSession, application_id: uuid.UUID, code: str) -> bool:
    """Drop the document `code`, if given; its file goes back to the uploads to purge."""
    file_id = await repository.document_file(session, application_id, code)
    if file_id is None:
        return False
    await repository.remove_document(session, application_id, code)
    await files.release(session, file_id)
    return True
