"""Headers every answer carries: a request id to find it in the logs, and browser hardening.

`X-Request-ID` is taken from the request when it is a plausible id (a proxy or the app set it),
otherwise made here; it is echoed on the answer and put on every log record written while the
request runs (`%(request_id)s`).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
_REQUEST_ID_NAME = REQUEST_ID_HEADER.encode()
_PLAUSIBLE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_request_id: ContextVar[str] = ContextVar("request_id", default="-")

HARDENING = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
HSTS = "max-age=31536000; includeSubDomains"
_HARDENING_RAW = tuple((name.lower().encode(), value.encode()) for name, value in HARDENING.items())
_HSTS_RAW = (b"strict-transport-security", HSTS.encode())


def current_request_id() -> str:
    return _request_id.get()


class RequestIdLogFilter(logging.Filter):
    """Adds `request_id` to every record, `-` outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class ResponseHeaders:
    """Pure ASGI: sets the request id, and the hardening headers on every HTTP answer (HSTS only
    when the request came over TLS, as the proxy reported it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _sent_request_id(scope) or os.urandom(16).hex()
        token = _request_id.set(request_id)
        over_tls = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Raw (name, value) pairs: Starlette's MutableHeaders cost more than the rest
                # of this middleware. Hardening headers the answer set itself are kept.
                headers = [
                    (name, value)
                    for name, value in message.get("headers") or ()
                    if name.lower() != _REQUEST_ID_NAME
                ]
                present = {name.lower() for name, _ in headers}
                headers.append((_REQUEST_ID_NAME, request_id.encode("latin-1")))
                for name, value in (*_HARDENING_RAW, *((_HSTS_RAW,) if over_tls else ())):
                    if name not in present:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        finally:
            _request_id.reset(token)


def _sent_request_id(scope: Scope) -> str | None:
    """The request's own `X-Request-ID`, when it is a plausible id."""
    for name, value in scope.get("headers") or ():
        if name == _REQUEST_ID_NAME:
            sent = value.decode("latin-1")
            return sent if _PLAUSIBLE_ID.match(sent) else None
    return None


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_EXTERNAL = re.compile(r'(?:src|href)="(https://[^"]+)"')


def ide_content_security_policy(html: str) -> str:
    """A strict CSP for the GraphiQL page: its own inline scripts by hash, its CDN files by exact
    URL, requests only to this origin, no framing, no forms, no plugins. Inline styles stay
    allowed: React sets style attributes, which hashes cannot cover."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    )
    files = sorted(set(_EXTERNAL.findall(html)))
    scripts = " ".join(url for url in files if url.endswith(".js"))
    styles = " ".join(url for url in files if url.endswith(".css"))
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {hashes} {scripts}",
            f"style-src 'unsafe-inline' {styles}",
            "img-src 'self' data:",
            "font-src data: https://unpkg.com",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ]
    )
