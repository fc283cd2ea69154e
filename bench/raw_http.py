"""HTTP/1.1 over plain sockets, for load generators that must cost next to nothing: an HTTP
client library spent more CPU per request than the server (httpx: 6.6–9.2 ms per booking,
3–5 ms per 1,000 readings posted; bench/README.md), on the same two cores."""

from __future__ import annotations

import asyncio


def post(
    path: str,
    body: bytes,
    token: str | None = None,
    *,
    close: bool = False,
    language: str | None = None,
) -> bytes:
    """A whole JSON POST (with a bearer token, in a language, if given), written before the
    clock starts."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: citizen-hub\r\n"
        + (f"Authorization: Bearer {token}\r\n" if token else "")
        + (f"Accept-Language: {language}\r\n" if language else "")
        + f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        + ("Connection: close\r\n" if close else "")
        + "\r\n"
    )
    return head.encode() + body


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """An answer with a Content-Length (the API's always have one): its status and body."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return status, await reader.readexactly(length)
