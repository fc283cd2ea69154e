"""Where pushes go: FCM (the lean HTTP sender, or firebase-admin's `send_each` as a fallback), or
(without credentials) the log only."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

import firebase_admin
from firebase_admin import credentials, exceptions, messaging

from notifications import firebase_private
from notifications.fcm_body import OutgoingPush, to_message
from notifications.fcm_http import HttpGateway
from notifications.outcomes import Outcome, PushResult, classify, parse_retry_after
from notifications.topics import FirebaseTopics, LogTopics, TopicManager

log = logging.getLogger(__name__)

FCM_BATCH = 500  # the most firebase-admin's send_each accepts in one call
GatewayKind = Literal["http", "send_each"]


class PushGateway(Protocol):
    async def send(self, pushes: Sequence[OutgoingPush]) -> list[PushResult]: ...

    async def close(self) -> None:
        """Let go of the current event loop's connections."""
        ...


class LogGateway:
    """The embedded default: the inbox already holds the notification; the log shows the push."""

    async def send(self, pushes: Sequence[OutgoingPush]) -> list[PushResult]:
        for push in pushes:
            log.info(
                "notifications.push.logged",
                extra={"device_id": push.device_id, "type": push.content.data.get("type")},
            )
        return [PushResult(Outcome.SENT, message_id=None) for _ in pushes]

    async def close(self) -> None:
        return None


def firebase_app(credentials_file: Path, endpoint: str | None = None) -> firebase_admin.App:
    """One firebase-admin app per service account (and endpoint), made once per process."""
    digest = hashlib.sha256(f"{credentials_file.resolve()}|{endpoint}".encode()).hexdigest()
    name = f"citizen-hub-{digest[:16]}"
    try:
        return firebase_admin.get_app(name)
    except ValueError:
        pass
    if endpoint:
        # firebase-admin reads its endpoint once per app, when its messaging service is made.
        firebase_private.set_fcm_url(endpoint)
    app = firebase_admin.initialize_app(credentials.Certificate(str(credentials_file)), name=name)
    firebase_private.create_messaging_service(app)
    if endpoint:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(endpoint))
        # firebase-admin gives only fcm.googleapis.com its 100-connection pool; without it,
        # send_each's 500 threads would reconnect for nearly every message.
        firebase_private.mount_connection_pool(app, origin)
        firebase_private.set_topic_management_origin(app, origin)
    return app


class FcmGateway:
    """firebase-admin's `send_each`: one request per message from a pool of 500 threads.

    Kept as the fallback (`PUSH_GATEWAY=send_each`) and as the yardstick of the lean sender;
    it costs 2.4–2.6 ms of CPU per message (requests, urllib3 and the threads).
    """

    def __init__(self, app: firebase_admin.App) -> None:
        self.app = app

    async def send(self, pushes: Sequence[OutgoingPush]) -> list[PushResult]:
        return await asyncio.to_thread(self._send, pushes)

    async def close(self) -> None:
        return None  # firebase-admin's session lives as long as its app

    def _send(self, pushes: Sequence[OutgoingPush]) -> list[PushResult]:
        results: list[PushResult] = []
        for start in range(0, len(pushes), FCM_BATCH):
            chunk = pushes[start : start + FCM_BATCH]
            batch = messaging.send_each([to_message(push) for push in chunk], app=self.app)
            results += [_result(response) for response in batch.responses]
        return results


_ADMIN_CODES: dict[type[Exception], str] = {
    messaging.UnregisteredError: "UNREGISTERED",
    messaging.SenderIdMismatchError: "SENDER_ID_MISMATCH",
    messaging.ThirdPartyAuthError: "THIRD_PARTY_AUTH_ERROR",
    messaging.QuotaExceededError: "QUOTA_EXCEEDED",
    exceptions.InvalidArgumentError: "INVALID_ARGUMENT",
    exceptions.UnavailableError: "UNAVAILABLE",
    exceptions.InternalError: "INTERNAL",
    exceptions.DeadlineExceededError: "DEADLINE_EXCEEDED",
}


def _result(response: Any) -> PushResult:
    if response.success:
        return PushResult(Outcome.SENT, message_id=response.message_id)
    error = response.exception
    code = next((name for kind, name in _ADMIN_CODES.items() if isinstance(error, kind)), None)
    return classify(
        code or str(getattr(error, "code", None) or type(error).__name__),
        str(error),
        _retry_after(error),
    )


def _retry_after(error: Any) -> float | None:
    response = getattr(error, "http_response", None)
    value = response.headers.get("Retry-After") if response is not None else None
    return parse_retry_after(value)


def topic_manager_for(credentials_file: Path | None, endpoint: str | None = None) -> TopicManager:
    if credentials_file is None:
        return LogTopics()
    return FirebaseTopics(firebase_app(credentials_file, endpoint))


def gateway_for(
    credentials_file: Path | None, endpoint: str | None = None, kind: GatewayKind = "http"
) -> PushGateway:
    if credentials_file is None:
        return LogGateway()
    app = firebase_app(credentials_file, endpoint)
    if kind == "send_each":
        return FcmGateway(app)
    return HttpGateway(app)
