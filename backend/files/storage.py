"""Where uploaded bytes live: a folder (the default, under var/) or an S3-compatible bucket
(`FILE_STORAGE_URL=s3://bucket/prefix`, `S3_ENDPOINT_URL` for MinIO, Ceph or a cloud's own).

boto3 is synchronous: its calls run in a thread, so the event loop never waits on the network.
Credentials come from boto3's usual chain (environment, instance role), never from our settings.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from backend.settings import Settings


class FileStore(Protocol):
    async def put(self, key: str, data: bytes, media_type: str) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def delete(self, key: str) -> None: ...

    def presigned_url(self, key: str, *, file_name: str, expires_in: int) -> str | None:
        """A URL the store itself serves for a while, or None when the API serves the bytes."""
        ...


class FolderStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        # Keys are made by us (a uuid, two levels of folders), never by the uploader.
        return self.root / key[:2] / key

    async def put(self, key: str, data: bytes, media_type: str) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        """Whole or not at all: write a temporary file beside it, then rename."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)

    def presigned_url(self, key: str, *, file_name: str, expires_in: int) -> str | None:
        return None


class BucketStore:
    def __init__(self, client: Any, bucket: str, prefix: str) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def _key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    async def put(self, key: str, data: bytes, media_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object,
            Bucket=self.bucket,
            Key=self._key(key),
            Body=data,
            ContentType=media_type,
        )

    async def get(self, key: str) -> bytes | None:
        def read() -> bytes | None:
            try:
                answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
            except self.client.exceptions.NoSuchKey:
                return None
            body: bytes = answer["Body"].read()
            return body

        return await asyncio.to_thread(read)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=self._key(key))

    def presigned_url(self, key: str, *, file_name: str, expires_in: int) -> str | None:
        url: str = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self._key(key),
                "ResponseContentDisposition": content_disposition(file_name),
            },
            ExpiresIn=expires_in,
        )
        return url


def content_disposition(file_name: str) -> str:
    """An attachment with its UTF-8 name (RFC 6266), so a browser never renders it inline."""
    return f"attachment; filename*=UTF-8''{quote(file_name, safe='')}"


def file_store_for(settings: Settings) -> FileStore:
    if settings.file_storage_url is None:
        return FolderStore(settings.var_dir / "files")
    parts = urlsplit(settings.file_storage_url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError("FILE_STORAGE_URL must be s3://bucket[/prefix]")
    import boto3  # only deployments with a bucket load it

    client = boto3.client(
        "s3", endpoint_url=settings.s3_endpoint_url, region_name=settings.s3_region
    )
    prefix = parts.path.strip("/")
    return BucketStore(client, parts.netloc, f"{prefix}/" if prefix else "")
