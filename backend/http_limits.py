"""Refuse request bodies above a size, whether declared by Content-Length or streamed in chunks."""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.errors import ErrorCode
from backend.i18n import negotiate_locale, translate


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """`max_bytes` for every path but those given a larger limit in `larger` (uploads)."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(scope, send, limit)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except* BodyTooLarge:  # bare, or grouped by a task group on its way out
            if not started:
                await self._refuse(scope, send, limit)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        """A GraphQL error body, as every other refusal of the API, in the caller's language."""
        locale = negotiate_locale(Headers(scope=scope).get("accept-language"))
        error = {
            "message": translate("http.too_large", locale, max=limit // 1024),
            "extensions": {"code": ErrorCode.PAYLOAD_TOO_LARGE.value},
        }
        body = json.dumps({"errors": [error]}, separators=(",", ":")).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"cache-control", b"private, no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
