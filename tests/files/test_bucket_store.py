"""Uploads kept in an S3-compatible bucket (`FILE_STORAGE_URL=s3://…`): the real boto3 client
against a local server speaking S3's protocol (moto's), on both databases."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer
from strawberry import relay

from backend.db.types import utcnow
from backend.files import service
from tests.support.files import PDF, upload
from tests.support.sessions import token

BUCKET = "citizen-documents"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "citizen-test",
        "AWS_SECRET_ACCESS_KEY": "citizen-test-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    name = f"{BUCKET}-{uuid.uuid4().hex[:8]}"
    client.create_bucket(Bucket=name)
    return client, name


@pytest.fixture
def settings_overrides(bucket: Any, s3_endpoint: str) -> dict[str, Any]:
    _, name = bucket
    return {"FILE_STORAGE_URL": f"s3://{name}/uploads", "S3_ENDPOINT_URL": s3_endpoint}


async def test_an_upload_lands_in_the_bucket_and_its_link_is_the_buckets(
    seeded: Any, bucket: Any
) -> None:
    client, name = bucket
    bearer = await token(seeded, "+84905000001")
    response = await upload(seeded, bearer, PDF, name="Giấy phép.pdf")
    assert response.status_code == 201
    file_id = uuid.UUID(relay.GlobalID.from_id(response.json()["id"]).node_id)
    stored = client.get_object(Bucket=name, Key=f"uploads/{file_id.hex}")
    assert stored["Body"].read() == PDF
    assert stored["ContentType"] == "application/pdf"

    services = seeded.app.state.services
    async with seeded.sessions() as session:
        described = (await service.describe(session, [file_id]))[file_id]
    assert described.sha256 == hashlib.sha256(PDF).hexdigest()
    link = service.download_url(
        services.files, key=services.file_link_key, file=described, now=utcnow()
    )
    assert link.startswith(f"{services.settings.s3_endpoint_url}/{name}/uploads/")
    async with httpx.AsyncClient() as browser:
        fetched = await browser.get(link)
    assert fetched.status_code == 200
    assert fetched.content == PDF
    assert fetched.headers["content-disposition"] == (
        "attachment; filename*=UTF-8''Gi%E1%BA%A5y%20ph%C3%A9p.pdf"
    )


async def test_a_refused_upload_puts_nothing_in_the_bucket(seeded: Any, bucket: Any) -> None:
    client, name = bucket
    bearer = await token(seeded, "+84905000001")
    refused = await upload(seeded, bearer, b"#!/bin/sh\n", media_type="application/pdf")
    assert refused.status_code == 415
    assert client.list_objects_v2(Bucket=name).get("KeyCount") == 0
