"""Every use of firebase-admin's private API, so that an upgrade breaks in one place.

Supported: firebase-admin >=7.5,<8. tests/notifications/test_firebase_private.py checks each
name below and fails when an upgrade changes one. Why each is needed:

* `messaging._MessagingService.FCM_URL` – the only way to send to another endpoint than
  fcm.googleapis.com (the FCM fake, a proxy). A class attribute, formatted with the project id
  once, when an app's messaging service is created: set it before `create_messaging_service`.
* `messaging._get_messaging_service(app)` – creates that service eagerly, while the endpoint
  above is in force, and reaches the objects below.
* `_MessagingService._client.session` – the requests session of `send`/`send_each`.
  firebase-admin mounts its 100-connection pool only on https://fcm.googleapis.com; another
  endpoint needs the same adapter, or `send_each`'s threads reconnect for nearly every message.
* `firebase_admin._http_client.DEFAULT_RETRY_CONFIG` – firebase-admin's urllib3 retry policy,
  reused for that adapter so that retries behave as in production.
* `App._services` under `messaging._MESSAGING_ATTRIBUTE` – an app's messaging service without
  creating one, to close the session `firebase_admin.delete_app` leaves open.
* `_MessagingService.encode_message` – firebase-admin's own JSON encoding and validation of a
  `Message`, which the lean sender (notifications/fcm_body.py) encodes once per content.
* `_MessagingService._fcm_url` – the send URL an app's service formatted, for the lean sender.
* `_MessagingService._fcm_topic_url` / `_project_id` – topic (un)subscriptions go to
  `<_fcm_topic_url>/<token>/topicSubscriptions` (FCM v1; the IID batch API is the deprecated
  `*_legacy` path). Hard-wired to fcm.googleapis.com; replaced for a proxy or the fake.
* `_MessagingService.close` – closes the httpx client with `asyncio.run()`, which fails inside
  a running event loop; `delete_app` skips it there.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import Any

import firebase_admin
import requests.adapters
from firebase_admin import _http_client, messaging
from urllib3.util.retry import Retry

DEFAULT_RETRY: Retry = _http_client.DEFAULT_RETRY_CONFIG
POOL_SIZE = 100  # what firebase-admin mounts for fcm.googleapis.com


def fcm_url() -> str:
    """The endpoint format string (`{0}` is the project id) of services created from now on."""
    url: str = messaging._MessagingService.FCM_URL
    return url


def set_fcm_url(url: str) -> None:
    """Send through `url` (a format string taking the project id) from services created next;
    existing services keep theirs."""
    messaging._MessagingService.FCM_URL = url


def create_messaging_service(app: firebase_admin.App) -> None:
    """Create the app's messaging service now, so it takes the current `fcm_url()`."""
    messaging._get_messaging_service(app)


def mount_connection_pool(
    app: firebase_admin.App, origin: str, retry: Retry = DEFAULT_RETRY
) -> None:
    """Give `origin` the connection pool firebase-admin gives only fcm.googleapis.com."""
    adapter = requests.adapters.HTTPAdapter(
        pool_connections=POOL_SIZE, pool_maxsize=POOL_SIZE, max_retries=retry
    )
    messaging._get_messaging_service(app)._client.session.mount(origin, adapter)


def delete_app(app: firebase_admin.App) -> None:
    """Delete the app even where firebase-admin's own cleanup cannot run.

    The messaging service closes only its httpx client, with `asyncio.run()`: that is impossible
    inside a running event loop and fails with "Event loop is closed" after `send_each_async`
    ran under an earlier `asyncio.run()`. The App is unregistered before that cleanup, so such a
    failure is dropped; the requests session, which firebase-admin never closes, is closed here.
    """
    service: Any = app._services.get(messaging._MESSAGING_ATTRIBUTE)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        if service is not None:
            service.close = lambda: None
    with suppress(RuntimeError):
        firebase_admin.delete_app(app)
    if service is not None and service._client.session is not None:
        service._client.session.close()


def encode_message(message: messaging.Message) -> dict[str, Any]:
    """firebase-admin's own JSON encoding (and validation) of a `Message`."""
    encoded: dict[str, Any] = messaging._MessagingService.encode_message(message)
    return encoded


def set_topic_management_origin(app: firebase_admin.App, origin: str) -> None:
    """Send topic (un)subscriptions to `origin` instead of https://fcm.googleapis.com."""
    service = messaging._get_messaging_service(app)
    service._fcm_topic_url = f"{origin}/v1/projects/{service._project_id}/registrations"


def send_url(app: firebase_admin.App) -> str:
    """The messages:send URL of the app's messaging service (FCM's, or the configured one)."""
    url: str = messaging._get_messaging_service(app)._fcm_url
    return url
