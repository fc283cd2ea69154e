"""Uploads: checked before anything is stored, stored before they are recorded, recorded in
their own transaction; taken into a domain's record once; read through short-lived links that
the domain hands out only to people allowed to see the record."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, NotFound
from backend.files import kinds
from backend.files.models import StoredFile
from backend.files.storage import FileStore
from backend.free_text import check_printable

MAX_NAME = 200
# How long a download link works: long enough to open it, short enough not to be shared.
LINK_LIFETIME = timedelta(minutes=10)
# Uploads never taken into a record are deleted after this long.
UNATTACHED_FOR = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class FileInfo:
    """What a stored file is; `storage_key` stays on the server."""

    id: uuid.UUID
    media_type: str
    size: int
    sha256: str
    file_name: str
    storage_key: str


_INFO = (
    StoredFile.id,
    StoredFile.media_type,
    StoredFile.size,
    StoredFile.sha256,
    StoredFile.file_name,
    StoredFile.storage_key,
)


def checked_upload(data: bytes, *, declared_type: str | None, file_name: str | None) -> str:
    """The sniffed media type of an acceptable upload; anything else is refused."""
    if not data:
        raise BadUserInput("files.empty", field="body")
    if len(data) > kinds.MAX_BYTES:
        raise BadUserInput("files.too_large", field="body", max=kinds.MAX_BYTES // (1024 * 1024))
    media_type = kinds.sniff(data)
    if media_type is None:
        raise BadUserInput("files.type_not_allowed", field="body")
    declared = (declared_type or "").partition(";")[0].strip().lower()
    if declared != media_type:
        raise BadUserInput("files.type_mismatch", field="Content-Type", detected=media_type)
    if file_name is not None:
        check_printable(file_name, field="name")
        if len(file_name) > MAX_NAME:
            raise BadUserInput("input.too_long", field="name", max=MAX_NAME)
    return media_type


async def store(
    sessions: async_sessionmaker[AsyncSession],
    files: FileStore,
    *,
    owner_id: uuid.UUID,
    data: bytes,
    declared_type: str | None,
    file_name: str | None,
    now: datetime,
) -> FileInfo:
    """Check, write the bytes, then record them; a failed record removes the bytes again."""
    media_type = checked_upload(data, declared_type=declared_type, file_name=file_name)
    file_id = uuid.uuid4()
    row = StoredFile(
        id=file_id,
        owner_id=owner_id,
        media_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        file_name=(file_name or "").strip() or f"{file_id.hex[:8]}",
        storage_key=file_id.hex,
        created_at=now,
    )
    await files.put(row.storage_key, data, media_type)
    try:
        async with UnitOfWork(sessions) as uow:
            uow.session.add(row)
    except BaseException:
        await files.delete(row.storage_key)
        raise
    return FileInfo(row.id, row.media_type, row.size, row.sha256, row.file_name, row.storage_key)


async def take(
    session: AsyncSession, file_id: uuid.UUID, *, owner_id: uuid.UUID, now: datetime, field: str
) -> FileInfo:
    """Take the owner's upload into a record (in the caller's transaction); a file goes into
    one record only. Someone else's file is told not to exist."""
    taken = (
        await session.execute(
            update(StoredFile)
            .where(
                StoredFile.id == file_id,
                StoredFile.owner_id == owner_id,
                StoredFile.attached_at.is_(None),
            )
            .values(attached_at=now)
            .returning(*_INFO)
        )
    ).first()
    if taken is not None:
        return FileInfo(*taken)
    owner = await session.scalar(select(StoredFile.owner_id).where(StoredFile.id == file_id))
    if owner != owner_id:
        raise NotFound("files.not_found", field=field)
    raise Conflict("files.already_attached", field=field)


async def describe(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, FileInfo]:
    """What each file is, for records that hold them."""
    statement = select(*_INFO).where(StoredFile.id.in_(ids))
    return {row[0]: FileInfo(*row) for row in await session.execute(statement)}


async def release(session: AsyncSession, file_id: uuid.UUID) -> None:
    """A record let go of the file: it is purged with the other unattached uploads."""
    await session.execute(
        update(StoredFile).where(StoredFile.id == file_id).values(attached_at=None)
    )


async def purge_unattached(
    sessions: async_sessionmaker[AsyncSession], files: FileStore, *, now: datetime, limit: int
) -> int:
    """Delete uploads nobody took into a record within a day: the bytes, then the row."""
    async with UnitOfWork(sessions) as uow:
        stale = (
            await uow.session.execute(
                select(StoredFile.id, StoredFile.storage_key)
                .where(
                    StoredFile.attached_at.is_(None),
                    StoredFile.created_at < now - UNATTACHED_FOR,
                )
                .limit(limit)
            )
        ).all()
        for _, key in stale:
            await files.delete(key)
        if stale:
            ids = [file_id for file_id, _ in stale]
            await uow.session.execute(delete(StoredFile).where(StoredFile.id.in_(ids)))
    return len(stale)


# --- download links -------------------------------------------------------------------------


def link_key(secret: bytes) -> bytes:
    """Its own key, derived from the deployment's secret, so no link can pass for a token."""
    return hmac.new(secret, b"citizen-hub file links", hashlib.sha256).digest()


def _signature(key: bytes, file_id: uuid.UUID, expires: int) -> str:
    digest = hmac.new(key, f"{file_id.hex}:{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:20]).decode().rstrip("=")


def download_url(files: FileStore, *, key: bytes, file: FileInfo, now: datetime) -> str:
    """A link to the file valid for `LINK_LIFETIME`: the bucket's own, or the API's."""
    lifetime = int(LINK_LIFETIME.total_seconds())
    presigned = files.presigned_url(file.storage_key, file_name=file.file_name, expires_in=lifetime)
    if presigned is not None:
        return presigned
    expires = int((now + LINK_LIFETIME).timestamp())
    return f"/files/{file.id}?expires={expires}&signature={_signature(key, file.id, expires)}"


def link_is_valid(
    key: bytes, file_id: uuid.UUID, *, expires: int, signature: str, now: datetime
) -> bool:
    expected = _signature(key, file_id, expires)
    return hmac.compare_digest(expected, signature) and now.timestamp() < expires
