"""A local fake of an SMS provider's HTTP API, for driving the real `HttpSmsGateway`.

Tests never mock our own sender: they point `SMS_GATEWAY_URL` at this fake and read what
reached "the phones". It serves `POST /messages` on 127.0.0.1 (OS-chosen port, background
thread): the body must be JSON `{"to": "+84…", "text": "…"}` with `Authorization: Bearer
<token>` (else 401), and is recorded; `fail_next(status)` scripts refusals.

    with FakeSMS() as sms:
        settings = Settings(SMS_GATEWAY_URL=sms.url, SMS_GATEWAY_TOKEN=sms.token)
        ...
        code = sms.last_code("+84905123456")
"""

from __future__ import annotations

import http.server
import json
import re
import secrets
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


@dataclass(frozen=True, slots=True)
class Sms:
    to: str
    text: str


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeSMS) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, reply = self.server.fake._handle(self.path, self.headers.get("Authorization"), body)
        payload = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class FakeSMS:
    """An SMS provider that records every accepted message."""

    def __init__(self) -> None:
        self.token = secrets.token_urlsafe(16)
        self._lock = threading.Lock()
        self._messages: list[Sms] = []
        self._failures: list[int] = []
        self.refused = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None
        assert self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/messages"

    @property
    def messages(self) -> list[Sms]:
        with self._lock:
            return list(self._messages)

    def to(self, phone: str) -> list[Sms]:
        return [message for message in self.messages if message.to == phone]

    def last_code(self, phone: str) -> str:
        """The 6-digit code of the last message to `phone`."""
        found = _CODE.search(self.to(phone)[-1].text)
        assert found is not None, self.to(phone)[-1]
        return found.group(1)

    def fail_next(self, status: int, times: int = 1) -> None:
        with self._lock:
            self._failures.extend([status] * times)

    def _handle(self, path: str, authorization: str | None, body: bytes) -> tuple[int, Any]:
        if path != "/messages":
            return 404, {"error": "not_found"}
        if authorization != f"Bearer {self.token}":
            with self._lock:
                self.refused += 1
            return 401, {"error": "unauthorized"}
        try:
            sent = json.loads(body)
            message = Sms(to=str(sent["to"]), text=str(sent["text"]))
        except (ValueError, KeyError, TypeError):
            return 400, {"error": "bad_request"}
        with self._lock:
            if self._failures:
                return self._failures.pop(0), {"error": "scripted"}
            self._messages.append(message)
            return 200, {"id": f"sms-{len(self._messages)}"}
