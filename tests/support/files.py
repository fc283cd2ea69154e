"""Uploads as the app sends them: the file's bytes as the body of POST /files."""

from __future__ import annotations

from typing import Any

import httpx

# The smallest documents of each accepted type that a phone could send.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0" + bytes(20) + b"\xff\xd9"


async def upload(
    api: Any,
    token: str | None,
    data: bytes = PDF,
    *,
    media_type: str = "application/pdf",
    name: str | None = "giay-to.pdf",
) -> httpx.Response:
    headers = {"Content-Type": media_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    params = {"name": name} if name is not None else {}
    response: httpx.Response = await api.client.post(
        "/files", content=data, headers=headers, params=params
    )
    return response


async def uploaded_id(api: Any, token: str, data: bytes = PDF, **kw: Any) -> str:
    response = await upload(api, token, data, **kw)
    assert response.status_code == 201, response.text
    file_id: str = response.json()["id"]
    return file_id
