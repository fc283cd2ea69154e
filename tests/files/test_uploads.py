"""Uploads through POST /files as the app sends them, on both databases: what is accepted is
stored with its checksum and readable through a short-lived link; what is refused leaves no
row and no bytes behind."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select
from strawberry import relay

from backend.db.types import utcnow
from backend.errors import Conflict, NotFound
from backend.files import kinds, service
from backend.files.models import StoredFile
from backend.files.storage import FolderStore
from backend.seed.demo import stable_id
from backend.settings import Settings
from tests.support.files import JPEG, PDF, PNG, upload
from tests.support.sessions import token

RESIDENT = "+84905000001"
NEIGHBOUR = "+84905000002"


async def _rows(api: Any) -> int:
    async with api.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(StoredFile)) or 0)


def _stored_bytes(settings: Settings) -> list[Path]:
    folder = settings.var_dir / "files"
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def _file_id(answer: dict[str, Any]) -> uuid.UUID:
    return uuid.UUID(relay.GlobalID.from_id(answer["id"]).node_id)


@pytest.mark.parametrize(
    ("data", "media_type"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
async def test_an_accepted_file_is_stored_with_its_checksum(
    seeded: Any, settings: Settings, data: bytes, media_type: str
) -> None:
    bearer = await token(seeded, RESIDENT)
    response = await upload(seeded, bearer, data, media_type=media_type, name="Sơ đồ mặt bằng")
    assert response.status_code == 201
    assert response.headers["cache-control"] == "private, no-store"
    answer = response.json()
    assert answer["mediaType"] == media_type
    assert answer["size"] == len(data)
    assert answer["sha256"] == hashlib.sha256(data).hexdigest()
    assert answer["fileName"] == "Sơ đồ mặt bằng"
    [path] = _stored_bytes(settings)
    assert path.read_bytes() == data
    async with seeded.sessions() as session:
        row = await session.get(StoredFile, _file_id(answer))
    assert row is not None
    assert row.attached_at is None


@pytest.mark.parametrize(
    ("data", "media_type", "status", "code"),
    [
        (b"MZ\x90\x00 a program", "application/pdf", 415, "BAD_USER_INPUT"),
        (b"<html><script>", "text/html", 415, "BAD_USER_INPUT"),
        (PNG, "application/pdf", 415, "BAD_USER_INPUT"),  # says PDF, is a PNG
        (b"", "application/pdf", 400, "BAD_USER_INPUT"),
        (PDF + bytes(kinds.MAX_BYTES), "application/pdf", 413, "PAYLOAD_TOO_LARGE"),
    ],
    ids=["program", "html", "mislabelled", "empty", "too-large"],
)
async def test_a_refused_upload_stores_nothing(
    seeded: Any, settings: Settings, data: bytes, media_type: str, status: int, code: str
) -> None:
    bearer = await token(seeded, RESIDENT)
    response = await upload(seeded, bearer, data, media_type=media_type)
    assert response.status_code == status
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == code
    assert error["message"]
    assert await _rows(seeded) == 0
    assert _stored_bytes(settings) == []


async def test_too_large_is_refused_in_the_callers_language(seeded: Any) -> None:
    bearer = await token(seeded, RESIDENT)
    response = await seeded.client.post(
        "/files",
        content=PDF + bytes(kinds.MAX_BYTES - len(PDF) + 1),
        headers={
            "Authorization": f"Bearer {bearer}",
            "Content-Type": "application/pdf",
            "Accept-Language": "vi",
        },
    )
    assert response.status_code == 413
    assert "quá lớn" in response.json()["errors"][0]["message"]


async def test_uploading_needs_a_signed_in_person(seeded: Any, settings: Settings) -> None:
    anonymous = await upload(seeded, None)
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    forged = await upload(seeded, "not-a-token")
    assert forged.status_code == 401
    assert await _rows(seeded) == 0
    assert _stored_bytes(settings) == []


async def test_a_download_link_works_for_ten_minutes_and_for_that_file_only(
    seeded: Any, settings: Settings
) -> None:
    bearer = await token(seeded, RESIDENT)
    first = _file_id((await upload(seeded, bearer, PDF)).json())
    second = _file_id((await upload(seeded, bearer, PNG, media_type="image/png")).json())
    key = seeded.app.state.services.file_link_key
    store = seeded.app.state.services.files
    async with seeded.sessions() as session:
        described = await service.describe(session, [first])
    now = utcnow()
    link = service.download_url(store, key=key, file=described[first], now=now)
    got = await seeded.client.get(link)
    assert got.status_code == 200
    assert got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"
    # The same signature for the other file, a changed expiry, an expired link: all 404.
    query = parse_qs(urlsplit(link).query)
    signature, expires = query["signature"][0], int(query["expires"][0])
    assert (await seeded.client.get(link.replace(str(first), str(second)))).status_code == 404
    longer = f"/files/{first}?expires={expires + 3600}&signature={signature}"
    assert (await seeded.client.get(longer)).status_code == 404
    old = service.download_url(
        store, key=key, file=described[first], now=now - timedelta(minutes=11)
    )
    assert (await seeded.client.get(old)).status_code == 404


async def test_uploads_nobody_attached_are_purged_after_a_day(
    seeded: Any, settings: Settings
) -> None:
    bearer = await token(seeded, RESIDENT)
    kept = _file_id((await upload(seeded, bearer, PDF)).json())
    dropped = _file_id((await upload(seeded, bearer, PNG, media_type="image/png")).json())
    async with seeded.sessions() as session:
        await service.take(session, kept, owner_id=_user(RESIDENT), now=utcnow(), field="f")
        await session.commit()
    store = FolderStore(settings.var_dir / "files")
    assert await service.purge_unattached(seeded.sessions, store, now=utcnow(), limit=10) == 0
    later = utcnow() + timedelta(days=1, minutes=1)
    assert await service.purge_unattached(seeded.sessions, store, now=later, limit=10) == 1
    async with seeded.sessions() as session:
        assert await session.get(StoredFile, dropped) is None
        assert await session.get(StoredFile, kept) is not None
    assert [path.read_bytes() for path in _stored_bytes(settings)] == [PDF]


async def test_a_file_is_taken_once_and_only_by_its_owner(seeded: Any) -> None:
    bearer = await token(seeded, RESIDENT)
    file_id = _file_id((await upload(seeded, bearer)).json())
    async with seeded.sessions() as session:
        with pytest.raises(NotFound) as stranger:
            await service.take(session, file_id, owner_id=_user(NEIGHBOUR), now=utcnow(), field="f")
        assert stranger.value.message_key == "files.not_found"
        taken = await service.take(
            session, file_id, owner_id=_user(RESIDENT), now=utcnow(), field="f"
        )
        assert taken.id == file_id
        with pytest.raises(Conflict) as again:
            await service.take(session, file_id, owner_id=_user(RESIDENT), now=utcnow(), field="f")
        assert again.value.message_key == "files.already_attached"


def _user(phone: str) -> uuid.UUID:
    return stable_id("user", phone)
