"""The two HTTP routes of files: upload (signed in) and download (by a short-lived link).

Uploads are plain HTTP, not GraphQL: the app sends the bytes as the body (`Content-Type` the
file's type, `?name=` its name), gets the file's id, and passes that id to a mutation that takes
the file into a record (`attachBusinessApplicationDocument`, …).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry import relay

from backend.db.types import utcnow
from backend.errors import DomainError, ErrorCode, Unauthenticated
from backend.files import service
from backend.files.kinds import MAX_BYTES
from backend.files.models import StoredFile
from backend.files.storage import FileStore, content_disposition
from backend.i18n import negotiate_locale, translate
from backend.identity import service as identity
from backend.identity.service import AuthConfig

# The type name of an upload's global id, which mutations taking a file decode.
UPLOADED_FILE = "UploadedFile"
# The upload route's body limit, beside the API's much smaller one for GraphQL.
UPLOAD_PATH = "/files"
UPLOAD_BODY_LIMIT = MAX_BYTES
STATUS = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.BAD_USER_INPUT: 400,
}
# Refusals an app treats differently get their own HTTP status.
REASON_STATUS = {"files.too_large": 413, "files.type_not_allowed": 415, "files.type_mismatch": 415}
PRIVATE = {"cache-control": "private, no-store"}


def file_routes(
    sessions: async_sessionmaker[AsyncSession], auth: AuthConfig, files: FileStore, key: bytes
) -> APIRouter:
    router = APIRouter()

    @router.post(UPLOAD_PATH, status_code=201)
    async def upload(request: Request, name: str | None = None) -> Response:
        try:
            owner_id = await _viewer_id(request, sessions, auth)
            stored = await service.store(
                sessions,
                files,
                owner_id=owner_id,
                data=await request.body(),
                declared_type=request.headers.get("content-type"),
                file_name=name,
                now=utcnow(),
            )
        except DomainError as refusal:
            return _refused(request, refusal)
        return JSONResponse(
            {
                "id": str(relay.GlobalID(UPLOADED_FILE, str(stored.id))),
                "mediaType": stored.media_type,
                "size": stored.size,
                "sha256": stored.sha256,
                "fileName": stored.file_name,
            },
            status_code=201,
            headers=PRIVATE,
        )

    @router.get(UPLOAD_PATH + "/{file_id}")
    async def download(file_id: uuid.UUID, expires: int, signature: str) -> Response:
        now = utcnow()
        if not service.link_is_valid(key, file_id, expires=expires, signature=signature, now=now):
            return Response(status_code=404, headers=PRIVATE)
        async with sessions() as session:
            found = await session.get(StoredFile, file_id)
        data = None if found is None else await files.get(found.storage_key)
        if found is None or data is None:
            return Response(status_code=404, headers=PRIVATE)
        return Response(
            data,
            media_type=found.media_type,
            headers={
                **PRIVATE,
                "content-disposition": content_disposition(found.file_name),
                "x-content-type-options": "nosniff",
            },
        )

    return router


async def _viewer_id(
    request: Request, sessions: async_sessionmaker[AsyncSession], auth: AuthConfig
) -> uuid.UUID:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("auth.required")
    claims = auth.keyring.verify(token.strip())
    async with sessions() as session:
        user = await identity.authenticated_user(session, claims, utcnow())
    return user.id


def _refused(request: Request, refusal: DomainError) -> JSONResponse:
    locale = negotiate_locale(request.headers.get("accept-language"))
    error = {
        "message": translate(refusal.message_key, locale, **refusal.params),
        "extensions": refusal.extensions(),
    }
    status = REASON_STATUS.get(refusal.message_key) or STATUS.get(refusal.code, 400)
    return JSONResponse({"errors": [error]}, status_code=status, headers=PRIVATE)
