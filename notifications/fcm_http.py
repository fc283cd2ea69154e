"""The lean FCM sender: firebase-admin's encoder and credentials, aiohttp on a kept-alive pool.

firebase-admin's `send_each` spends ~2.5 ms of CPU per message in requests/urllib3 and its 500
threads (a `~/.netrc` lookup per request among them). Here one event loop keeps `POOL_SIZE`
connections open and `POOL_SIZE` coroutines take the next body as soon as an answer arrives.

A request is sent again only when FCM surely did not take it: a refused connection, a 401 (the
access token expired; refreshed, then re-sent once) or a 429/503 (later, by the dispatcher). A 500
or a read timeout may hide a delivered message: the result is UNKNOWN and the dispatcher decides.
"""

from __future__ import annotations

import asyncio
import json
import threading
import weakref
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import aiohttp
import firebase_admin
from firebase_admin import credentials

from notifications import firebase_private
from notifications.fcm_body import BodyTemplates, OutgoingPush
from notifications.outcomes import Outcome, PushResult, classify, parse_retry_after

POOL_SIZE = 100
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
TOKEN_MARGIN = timedelta(minutes=5)  # refresh the OAuth token this long before it expires
_FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"


class HttpGateway:
    def __init__(
        self,
        app: firebase_admin.App,
        *,
        pool_size: int = POOL_SIZE,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        self.url = firebase_private.send_url(app)
        self.pool_size = pool_size
        self.read_timeout = read_timeout
        self._credential: credentials.Base = app.credential
        self._token: str | None = None
        self._refresh_at = datetime.min.replace(tzinfo=UTC)
        self._token_lock = threading.Lock()
        # aiohttp sessions belong to one event loop; a worker keeps one loop per thread.
        self._sessions: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, aiohttp.ClientSession
        ] = weakref.WeakKeyDictionary()

    async def send(self, pushes: Sequence[OutgoingPush]) -> list[PushResult]:
        bodies = BodyTemplates().bodies(pushes)
        results: list[PushResult | None] = [None] * len(bodies)
        session = self._session()
        token = await self._access_token()
        cursor = iter(range(len(bodies)))

        async def lane() -> None:
            nonlocal token
            for index in cursor:
                result, token = await self._post(session, bodies[index], token)
                results[index] = result

        await asyncio.gather(*(lane() for _ in range(min(self.pool_size, len(bodies)))))
        return [result for result in results if result is not None]

    async def close(self) -> None:
        """Close the current loop's connections (worker shutdown, tests)."""
        session = self._sessions.pop(asyncio.get_running_loop(), None)
        if session is not None:
            await session.close()

    async def _post(
        self, session: aiohttp.ClientSession, body: bytes, token: str
    ) -> tuple[PushResult, str]:
        for _ in range(2):
            try:
                async with session.post(self.url, data=body, headers=_headers(token)) as answer:
                    status, payload = answer.status, await answer.read()
                    retry_after = parse_retry_after(answer.headers.get("Retry-After"))
            except aiohttp.ClientConnectorError:
                return PushResult(Outcome.RETRY, error="UNREACHABLE"), token  # never arrived
            except (TimeoutError, aiohttp.ClientError):
                return PushResult(Outcome.UNKNOWN, error="NO_ANSWER"), token
            if status != 401:
                return _result(status, payload, retry_after), token
            token = await self._access_token(refresh=True)
        return PushResult(Outcome.FAILED, error="UNAUTHENTICATED"), token

    def _session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._sessions.get(loop)
        if session is None or session.closed:
            connector = aiohttp.TCPConnector(limit=self.pool_size, keepalive_timeout=30)
            timeout = aiohttp.ClientTimeout(
                total=None, sock_connect=CONNECT_TIMEOUT, sock_read=self.read_timeout
            )
            session = aiohttp.ClientSession(
                connector=connector, timeout=timeout, skip_auto_headers=("User-Agent",)
            )
            self._sessions[loop] = session
        return session

    async def _access_token(self, *, refresh: bool = False) -> str:
        token = self._token
        if token is not None and not refresh and datetime.now(UTC) < self._refresh_at:
            return token
        # google-auth refreshes with blocking I/O: keep it off the event loop.
        return await asyncio.to_thread(self._refresh, token if refresh else None)

    def _refresh(self, rejected: str | None) -> str:
        with self._token_lock:
            current = self._token
            fresh = datetime.now(UTC) < self._refresh_at
            if current is not None and current != rejected and fresh:
                return current  # another lane refreshed it meanwhile
            info = self._credential.get_access_token()
            expiry = info.expiry or datetime.now(UTC) + timedelta(minutes=30)
            expiry = expiry if expiry.tzinfo else expiry.replace(tzinfo=UTC)  # google-auth: naive
            self._refresh_at = expiry - TOKEN_MARGIN
            self._token = str(info.access_token)
            return self._token


def _headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json; charset=UTF-8",
        "X-GOOG-API-FORMAT-VERSION": "2",
        "X-FIREBASE-CLIENT": f"fire-admin-python/{firebase_admin.__version__}",
    }


def _result(status: int, payload: bytes, retry_after: float | None) -> PushResult:
    try:
        document = json.loads(payload) if payload else {}
    except ValueError:
        document = {}
    if status == 200:
        return PushResult(Outcome.SENT, message_id=str(document.get("name", "")) or None)
    error = document.get("error") if isinstance(document, dict) else None
    error = error if isinstance(error, dict) else {}
    code = next(
        (
            str(detail.get("errorCode"))
            for detail in error.get("details") or ()
            if isinstance(detail, dict) and detail.get("@type") == _FCM_ERROR_TYPE
        ),
        None,
    )
    code = code or str(error.get("status") or _STATUS_CODES.get(status, f"HTTP_{status}"))
    return classify(code, str(error.get("message", "")), retry_after)


# When the body names no code (a proxy answered, say).
_STATUS_CODES = {
    400: "INVALID_ARGUMENT",
    404: "UNREGISTERED",
    429: "QUOTA_EXCEEDED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
