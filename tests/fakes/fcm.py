"""A local fake of Firebase Cloud Messaging's HTTP v1 API for driving the real firebase-admin.

Tests never mock our own sender: they point the real `firebase_admin.messaging` client at this
fake and observe what reached "FCM". The fake serves two endpoints on 127.0.0.1 (OS-chosen port,
background thread, HTTP/1.1 keep-alive):

* `POST /token` – the OAuth2 service-account flow (`grant_type=...jwt-bearer&assertion=<JWT>`).
  The assertion must be an RS256 JWT signed with the key of the service-account file this fake
  wrote, with `iss` = its client email and `aud` = its token URI or Google's token endpoint
  (google-auth always signs for `https://oauth2.googleapis.com/token`, whatever `token_uri`
  says). It answers with a random access token, otherwise 400 `{"error": "invalid_grant"}`.
* `POST /v1/projects/<project_id>/messages:send` – requires `Authorization: Bearer <issued
  token>` (else 401 UNAUTHENTICATED), records the message and answers
  `{"name": "projects/<project_id>/messages/<id>"}`, unless a failure was scripted for the
  message's target (`token` or `fid`) with `fail()`, in which case it answers with FCM v1's error
  body (`google.firebase.fcm.v1.FcmError` detail) so firebase-admin raises its own exception
  classes (`UnregisteredError`, `QuotaExceededError`, ...). A topic is a target like any other
  (`sent_to("ward-phu-hoi-vi")`); `delay()` answers late (a read timeout for the client, while
  the message is delivered all the same).
* Topic management as firebase-admin >= 7.7 calls it (FCM v1, one request per token; the IID
  `iid/v1:batchAdd` API is only behind its deprecated `*_legacy` functions):
  `POST /v1/projects/<p>/registrations/<token>/topicSubscriptions?topic_name=<topic>` and
  `DELETE …/topicSubscriptions/<topic>`; `subscribers(topic)` shows the result and
  `fail_topic_management(times)` refuses requests with 429.

Pointing firebase-admin at it takes three steps, which `firebase_app()` performs and undoes:

    with FakeFCM() as fcm, firebase_app(fcm, tmp_path) as app:
        messaging.send_each([messaging.Message(token="t", data={"k": "v"})], app=app)
        assert fcm.sent_to("t")[0]["data"] == {"k": "v"}

1. `credentials.Certificate(fcm.service_account_file(directory))`: the file's `token_uri` is
   the fake's `/token`, so google-auth fetches access tokens from the fake.
2. `firebase_admin.initialize_app(cred, name=<unique name>)`: a named app never collides with
   the default app or with other tests.
3. `firebase_private.set_fcm_url(fcm.fcm_url)` (`_MessagingService.FCM_URL`): firebase-admin
   formats this class attribute with the project id once, when an app's messaging service is
   first created, and `send`, `send_each` and `send_each_async` all use that URL
   (`FCM_BATCH_URL` is no longer used by any send path). The previous value is restored
   afterwards.

firebase-admin mounts its production connection pool (100 connections, the same urllib3 retry
policy) only on `https://fcm.googleapis.com`; `firebase_app()` mounts an identical adapter on
the fake's base URL so that `send_each`'s 500 parallel threads behave as they do in production.

Mind that firebase-admin retries by itself. `send`/`send_each` (requests + urllib3) repeat a
500 or 503 four times with backoff sleeps of 0, 1, 2 and 4 s, and a 429 or 503 (or 500) carrying
`Retry-After` after sleeping that long; a 429 without it is not retried. google-auth refreshes
the access token and repeats a request answered 401, at most twice. `send_each_async` (httpx)
retries 500/503 the same way but ignores Retry-After. Scripted failures therefore show up as
several `attempts` per message; `firebase_app(..., retry=NO_BACKOFF_RETRY)` keeps the attempts
and drops the backoff of `send`/`send_each` so that such tests stay fast.
"""

from __future__ import annotations

import http.server
import itertools
import json
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Literal, Self
from urllib.parse import parse_qs, unquote

import firebase_admin
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from firebase_admin import credentials
from urllib3.util.retry import Retry

from notifications import firebase_private

FcmErrorCode = Literal[
    "UNREGISTERED",
    "INVALID_ARGUMENT",
    "QUOTA_EXCEEDED",
    "UNAVAILABLE",
    "INTERNAL",
    "THIRD_PARTY_AUTH_ERROR",
    "SENDER_ID_MISMATCH",
]

# FCM v1 error code -> (HTTP status, canonical status, message as FCM words it).
_ERRORS: dict[str, tuple[int, str, str]] = {
    "UNREGISTERED": (404, "NOT_FOUND", "Requested entity was not found."),
    "INVALID_ARGUMENT": (
        400,
        "INVALID_ARGUMENT",
        "The registration token is not a valid FCM registration token",
    ),
    "QUOTA_EXCEEDED": (
        429,
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Send requests' of service 'fcm.googleapis.com'.",
    ),
    "UNAVAILABLE": (503, "UNAVAILABLE", "The service is currently unavailable."),
    "INTERNAL": (500, "INTERNAL", "Internal error encountered."),
    "THIRD_PARTY_AUTH_ERROR": (401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service"),
    "SENDER_ID_MISMATCH": (403, "PERMISSION_DENIED", "SenderId mismatch"),
}

_FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
# google-auth always signs service-account assertions for Google's token endpoint, whatever
# token_uri says, so the fake accepts that audience as well as its own token URI.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
_JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_TARGET_FIELDS = ("token", "fid", "topic", "condition")
_UNAUTHENTICATED_MESSAGE = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
    "or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)


# firebase-admin's retry policy (same statuses, same number of attempts, Retry-After honoured)
# minus the exponential backoff, so tests of permanently failing targets take milliseconds.
NO_BACKOFF_RETRY: Retry = firebase_private.DEFAULT_RETRY.new(backoff_factor=0)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One request to the messages endpoint, kept so tests can count and time retries.

    `at` is `time.monotonic()` on arrival; `target_field` is "token", "fid", "topic" or
    "condition" (None when the body named no target).
    """

    target: str | None
    target_field: str | None
    status: int
    at: float
    validate_only: bool = False


@dataclass(slots=True)
class _Failure:
    error: str
    remaining: int | None
    retry_after: int | None


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    body: dict[str, Any]
    headers: tuple[tuple[str, str], ...] = ()


def google_error(
    http_status: int, status: str, message: str, fcm_error: str | None = None
) -> dict[str, Any]:
    """Build a Google API error body; `fcm_error` adds the FcmError detail firebase-admin maps."""
    error: dict[str, Any] = {"code": http_status, "message": message, "status": status}
    if fcm_error is not None:
        error["details"] = [{"@type": _FCM_ERROR_TYPE, "errorCode": fcm_error}]
    return {"error": error}


class _Server(http.server.ThreadingHTTPServer):
    """Threaded server with a deep accept backlog: send_each opens up to 500 connections at once."""

    daemon_threads = True
    request_queue_size = 1024

    def __init__(self, fake: FakeFCM) -> None:
        self.fake = fake
        self.open_sockets: set[socket.socket] = set()
        self.connections_opened = 0
        self.sockets_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    """Routes requests to the fake; HTTP/1.1 with Content-Length everywhere keeps connections."""

    protocol_version = "HTTP/1.1"
    server_version = "FakeFCM/1.0"
    disable_nagle_algorithm = True
    timeout = 30
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.sockets_lock:
            self.server.open_sockets.add(self.connection)
            self.server.connections_opened += 1

    def finish(self) -> None:
        with self.server.sockets_lock:
            self.server.open_sockets.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: thousands of requests per test would drown the output."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fake = self.server.fake
        path = self.path.split("?", 1)[0]
        if path == "/token":
            reply = fake._handle_token(body)
        elif "/registrations/" in path:
            reply = fake._handle_topic(self.path, self.headers.get("Authorization"), subscribe=True)
        elif path.startswith("/v1/projects/") and path.endswith("/messages:send"):
            project = path.removeprefix("/v1/projects/").removesuffix("/messages:send")
            reply = fake._handle_send(project, self.headers.get("Authorization"), body)
        else:
            reply = _Reply(404, google_error(404, "NOT_FOUND", f"No such endpoint: {path}"))
        self._reply(reply)

    def do_DELETE(self) -> None:
        path = self.path.split("?", 1)[0]
        if "/registrations/" in path:
            fake = self.server.fake
            self._reply(
                fake._handle_topic(path, self.headers.get("Authorization"), subscribe=False)
            )
        else:
            self._reply(_Reply(404, google_error(404, "NOT_FOUND", f"No such endpoint: {path}")))

    def do_GET(self) -> None:
        self._reply(_Reply(404, google_error(404, "NOT_FOUND", "Only POST is served.")))

    def _reply(self, reply: _Reply) -> None:
        payload = json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up or died: as with the real FCM


class FakeFCM:
    """FCM HTTP v1 plus its OAuth2 token endpoint, recording messages and scripted failures."""

    def __init__(
        self, *, project_id: str = "citizen-hub-test", latency_seconds: float = 0.0
    ) -> None:
        self._project_id = project_id
        self.latency_seconds = latency_seconds
        self.client_email = f"fcm-fake@{project_id}.iam.gserviceaccount.com"
        self.private_key_id = secrets.token_hex(20)
        self._private_key: rsa.RSAPrivateKey | None = None
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._ids = itertools.count(1)
        self._tokens: set[str] = set()
        self._failures: dict[str, _Failure] = {}
        self._delays: dict[str, float] = {}
        self._subscribers: dict[str, set[str]] = {}
        self._topic_failures = 0
        self._topic_requests = 0
        self._messages: list[dict[str, Any]] = []
        self._attempts: list[Attempt] = []
        self._token_requests = 0
        self._rejected_token_requests = 0

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind an OS-chosen port and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FakeFCM is already running")
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-fcm-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and cut kept-alive connections so no handler thread outlives the test."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.shutdown()
        server.server_close()
        with server.sockets_lock:
            sockets = list(server.open_sockets)
        for sock in sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- addresses -----------------------------------------------------------------------------

    @property
    def project_id(self) -> str:
        return self._project_id

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeFCM is not running; call start() or use it as a context")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token_uri(self) -> str:
        return f"{self.base_url}/token"

    @property
    def fcm_url(self) -> str:
        """Replacement for `_MessagingService.FCM_URL`: a format string taking the project id."""
        return f"{self.base_url}/v1/projects/{{0}}/messages:send"

    # --- credentials ---------------------------------------------------------------------------

    def _key(self) -> rsa.RSAPrivateKey:
        with self._lock:
            if self._private_key is None:
                self._private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._private_key

    def service_account_file(self, directory: Path, token_uri: str | None = None) -> Path:
        """Write a service-account JSON whose token_uri is this fake (or `token_uri`), so
        google-auth fetches its access tokens there."""
        token_uri = token_uri or self.token_uri
        pem = self._key().private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        )
        info = {
            "type": "service_account",
            "project_id": self.project_id,
            "private_key_id": self.private_key_id,
            "private_key": pem.decode(),
            "client_email": self.client_email,
            "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": (
                "https://www.googleapis.com/robot/v1/metadata/x509/"
                + self.client_email.replace("@", "%40")
            ),
            "universe_domain": "googleapis.com",
        }
        directory.mkdir(parents=True, exist_ok=True)
        port = token_uri.rsplit(":", 1)[-1].split("/")[0]
        path = directory / f"fake-fcm-{self.project_id}-{port}.json"
        path.write_text(json.dumps(info, indent=2))
        return path

    def revoke_tokens(self) -> None:
        """Forget every issued access token, as if they had expired on the server side."""
        with self._lock:
            self._tokens.clear()

    # --- scripting -----------------------------------------------------------------------------

    def fail(
        self,
        target: str,
        error: FcmErrorCode,
        *,
        times: int | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Make sends to `target` (token or fid) fail: always, or for the first `times` attempts."""
        if error not in _ERRORS:
            raise ValueError(f"unknown FCM error {error!r}; expected one of {sorted(_ERRORS)}")
        if times is not None and times < 1:
            raise ValueError("times must be a positive number of attempts, or None for always")
        with self._lock:
            self._failures[target] = _Failure(error, times, retry_after)

    def delay(self, target: str, seconds: float) -> None:
        """Answer sends to `target` only after `seconds` (a read timeout on the client's side);
        the message is still delivered, as FCM may well have done."""
        with self._lock:
            self._delays[target] = seconds

    def fail_topic_management(self, times: int) -> None:
        """Refuse the next `times` topic (un)subscription requests with 429 QUOTA_EXCEEDED
        (a status firebase-admin does not retry by itself)."""
        with self._lock:
            self._topic_failures = times

    def succeed(self, target: str) -> None:
        """Drop a scripted failure, so the target is delivered again."""
        with self._lock:
            self._failures.pop(target, None)

    # --- recordings ----------------------------------------------------------------------------

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Accepted (non-dry-run) messages, in arrival order."""
        with self._lock:
            return list(self._messages)

    @property
    def attempts(self) -> list[Attempt]:
        """Every messages-endpoint request, including refused and retried ones."""
        with self._lock:
            return list(self._attempts)

    @property
    def token_requests(self) -> int:
        """Requests to the OAuth2 token endpoint, accepted or not."""
        with self._lock:
            return self._token_requests

    @property
    def connections_opened(self) -> int:
        """TCP connections accepted since start; with keep-alive far fewer than requests."""
        server = self._server
        if server is None:
            return 0
        with server.sockets_lock:
            return server.connections_opened

    @property
    def rejected_token_requests(self) -> int:
        with self._lock:
            return self._rejected_token_requests

    def sent_to(self, target: str) -> list[dict[str, Any]]:
        """Accepted messages addressed to a token, fid, topic or condition."""
        with self._lock:
            return [m for m in self._messages if _target(m)[1] == target]

    def subscribers(self, topic: str) -> set[str]:
        """Tokens currently subscribed to `topic`."""
        with self._lock:
            return set(self._subscribers.get(topic, ()))

    @property
    def topic_requests(self) -> int:
        """Topic (un)subscription requests, one per token, accepted or not."""
        with self._lock:
            return self._topic_requests

    def attempts_for(self, target: str) -> int:
        with self._lock:
            return sum(1 for a in self._attempts if a.target == target)

    def clear(self) -> None:
        """Forget recordings and scripted failures; issued tokens stay valid."""
        with self._lock:
            self._messages.clear()
            self._attempts.clear()
            self._failures.clear()
            self._delays.clear()
            self._subscribers.clear()
            self._topic_failures = self._topic_requests = 0
            self._token_requests = 0
            self._rejected_token_requests = 0

    # --- endpoints -----------------------------------------------------------------------------

    _BAD_GRANT: ClassVar[_Reply] = _Reply(
        400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
    )

    def _handle_token(self, body: bytes) -> _Reply:
        form = parse_qs(body.decode("utf-8", "replace"))
        with self._lock:
            self._token_requests += 1
        if form.get("grant_type") != [_JWT_BEARER] or len(form.get("assertion", [])) != 1:
            return self._reject_grant()
        try:
            header = jwt.get_unverified_header(form["assertion"][0])
            jwt.decode(
                form["assertion"][0],
                self._key().public_key(),
                algorithms=["RS256"],
                audience=[self.token_uri, GOOGLE_TOKEN_AUDIENCE],
                issuer=self.client_email,
                options={"require": ["iss", "aud", "iat", "exp"]},
            )
        except jwt.PyJWTError:
            return self._reject_grant()
        if header.get("kid") not in (None, self.private_key_id):
            return self._reject_grant()
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        with self._lock:
            self._tokens.add(token)
        return _Reply(200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"})

    def _reject_grant(self) -> _Reply:
        with self._lock:
            self._rejected_token_requests += 1
        return self._BAD_GRANT

    def _handle_send(self, project: str, authorization: str | None, body: bytes) -> _Reply:
        if self.latency_seconds > 0:
            time.sleep(self.latency_seconds)
        try:
            request = json.loads(body)
            message = request["message"]
            if not isinstance(message, dict):
                raise TypeError("message must be an object")
        except (ValueError, KeyError, TypeError) as exc:
            return self._record(None, None, False, _invalid(f"Invalid JSON payload: {exc}"))
        field, target = _target(message)
        with self._lock:
            delay = self._delays.get(target) if target is not None else None
        if delay:
            time.sleep(delay)
        validate_only = bool(request.get("validate_only", False))
        scheme, _, token = (authorization or "").partition(" ")
        with self._lock:
            authorized = scheme.lower() == "bearer" and token in self._tokens
        if not authorized:
            reply = _Reply(
                401,
                google_error(401, "UNAUTHENTICATED", _UNAUTHENTICATED_MESSAGE),
                (("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/"'),),
            )
            return self._record(field, target, validate_only, reply)
        if project != self.project_id:
            reply = _Reply(
                403,
                google_error(403, "PERMISSION_DENIED", f"Permission denied on project {project}."),
            )
            return self._record(field, target, validate_only, reply)
        problem = _validate(message)
        if problem is not None:
            return self._record(field, target, validate_only, _invalid(problem, "INVALID_ARGUMENT"))
        with self._lock:
            failure = self._take_failure(target)
            if failure is None:
                if validate_only:
                    name = f"projects/{self.project_id}/messages/fake_message_id"
                else:
                    name = f"projects/{self.project_id}/messages/{next(self._ids)}:{uuid.uuid4()}"
                    self._messages.append(message)
                reply = _Reply(200, {"name": name})
            else:
                reply = _error_reply(failure)
            self._attempts.append(
                Attempt(target, field, reply.status, time.monotonic(), validate_only)
            )
        return reply

    def _handle_topic(self, path: str, authorization: str | None, *, subscribe: bool) -> _Reply:
        """FCM v1 topic management, as firebase-admin >= 7.7 calls it, one token per request:
        POST .../registrations/<token>/topicSubscriptions?topic_name=<topic> and
        DELETE .../registrations/<token>/topicSubscriptions/<topic>?allow_missing=true."""
        route, _, query = path.partition("?")
        token = unquote(route.split("/registrations/", 1)[1].split("/", 1)[0])
        if subscribe:
            topic = parse_qs(query).get("topic_name", [""])[0]
        else:
            topic = unquote(route.rsplit("/topicSubscriptions/", 1)[-1])
        scheme, _, bearer = (authorization or "").partition(" ")
        with self._lock:
            self._topic_requests += 1
            if scheme.lower() != "bearer" or bearer not in self._tokens:
                return _Reply(401, google_error(401, "UNAUTHENTICATED", _UNAUTHENTICATED_MESSAGE))
            if self._topic_failures > 0:
                self._topic_failures -= 1
                http_status, status, message = _ERRORS["QUOTA_EXCEEDED"]
                return _Reply(http_status, google_error(http_status, status, message))
            members = self._subscribers.setdefault(topic, set())
            if subscribe:
                members.add(token)
            else:
                members.discard(token)
        return _Reply(200, {})

    def _take_failure(self, target: str | None) -> _Failure | None:
        """Consume one scripted failure for the target; caller holds the lock."""
        failure = self._failures.get(target) if target is not None else None
        if failure is None:
            return None
        if failure.remaining is not None:
            failure.remaining -= 1
            if failure.remaining <= 0:
                del self._failures[target]  # type: ignore[arg-type]
        return failure

    def _record(
        self, field: str | None, target: str | None, validate_only: bool, reply: _Reply
    ) -> _Reply:
        with self._lock:
            self._attempts.append(
                Attempt(target, field, reply.status, time.monotonic(), validate_only)
            )
        return reply


def _target(message: dict[str, Any]) -> tuple[str | None, str | None]:
    for field in _TARGET_FIELDS:
        value = message.get(field)
        if isinstance(value, str):
            return field, value
    return None, None


def _validate(message: dict[str, Any]) -> str | None:
    """The checks FCM itself makes that firebase-admin's encoder could let through."""
    targets = [f for f in _TARGET_FIELDS if f in message]
    if len(targets) != 1:
        return "Exactly one of token, fid, topic or condition must be set."
    data = message.get("data")
    if data is not None and (
        not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values())
    ):
        return "Invalid value at 'message.data': values must be strings."
    return None


def _invalid(message: str, fcm_error: str | None = None) -> _Reply:
    return _Reply(400, google_error(400, "INVALID_ARGUMENT", message, fcm_error))


def _error_reply(failure: _Failure) -> _Reply:
    http_status, status, message = _ERRORS[failure.error]
    headers: tuple[tuple[str, str], ...] = ()
    if failure.retry_after is not None:
        headers = (("Retry-After", str(failure.retry_after)),)
    return _Reply(http_status, google_error(http_status, status, message, failure.error), headers)


@contextmanager
def firebase_app(
    fcm: FakeFCM,
    directory: Path,
    *,
    name: str | None = None,
    production_pool: bool = True,
    retry: Retry = firebase_private.DEFAULT_RETRY,
) -> Iterator[firebase_admin.App]:
    """A named firebase-admin App whose messaging talks to `fcm`; undone at exit.

    The messaging service is created eagerly while `FCM_URL` points at the fake, because
    firebase-admin reads that attribute only once per app. With `production_pool`, the fake's
    base URL gets the same 100-connection adapter firebase-admin mounts for fcm.googleapis.com,
    with `retry` as its policy: firebase-admin's own by default, `NO_BACKOFF_RETRY` to keep the
    same attempts without the seconds of backoff sleeping.
    Works around firebase-admin's cleanup failing under (or after) an event loop; see
    `firebase_private.delete_app`.
    """
    cred = credentials.Certificate(str(fcm.service_account_file(directory)))
    app = firebase_admin.initialize_app(cred, name=name or f"fake-fcm-{uuid.uuid4().hex}")
    previous = firebase_private.fcm_url()
    firebase_private.set_fcm_url(fcm.fcm_url)
    try:
        firebase_private.create_messaging_service(app)
        firebase_private.set_topic_management_origin(app, fcm.base_url)
        if production_pool:
            firebase_private.mount_connection_pool(app, fcm.base_url, retry)
        yield app
    finally:
        firebase_private.set_fcm_url(previous)
        firebase_private.delete_app(app)
