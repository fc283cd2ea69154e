"""firebase-admin's private names that notifications/firebase_private.py relies on: each exists
and behaves as assumed there. A failure here means an upgrade changed one of them; adapt that
module (and the supported range) rather than this test."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import firebase_admin
import pytest
import requests
from firebase_admin import _http_client, credentials, messaging
from urllib3.util.retry import Retry

from notifications import firebase_private
from tests.fakes.fcm import FakeFCM

SUPPORTED = ((7, 5), (8, 0))  # >=7.5,<8, as the module's docstring says


def _release(text: str) -> tuple[int, int]:
    major, minor = text.split(".")[:2]
    return int(major), int("".join(c for c in minor if c.isdigit()) or 0)


@pytest.fixture
def app(fcm: FakeFCM, tmp_path: Path) -> Iterator[firebase_admin.App]:
    """An app with service-account credentials from the fake; nothing is sent."""
    cred = credentials.Certificate(str(fcm.service_account_file(tmp_path)))
    app = firebase_admin.initialize_app(cred, name=f"private-api-{tmp_path.name}")
    previous = firebase_private.fcm_url()
    yield app
    firebase_private.set_fcm_url(previous)
    if app._services is not None:  # not yet deleted by the test
        firebase_private.delete_app(app)


def test_installed_version_is_supported() -> None:
    low, high = SUPPORTED
    assert low <= _release(version("firebase-admin")) < high
    assert _release(firebase_admin.__version__) == _release(version("firebase-admin"))


def test_default_retry_config_is_a_urllib3_retry() -> None:
    retry = _http_client.DEFAULT_RETRY_CONFIG
    assert isinstance(retry, Retry)
    assert firebase_private.DEFAULT_RETRY is retry
    assert set(retry.status_forcelist or ()) == {500, 503}
    assert retry.new(backoff_factor=0).backoff_factor == 0


def test_fcm_url_is_a_class_level_format_string() -> None:
    service_class = messaging._MessagingService
    assert inspect.isclass(service_class)
    url = service_class.__dict__["FCM_URL"]
    assert isinstance(url, str)
    assert url.format("p") == "https://fcm.googleapis.com/v1/projects/p/messages:send"
    assert firebase_private.fcm_url() == url


def test_get_messaging_service_takes_an_app_and_caches_under_the_attribute(
    app: firebase_admin.App,
) -> None:
    assert list(inspect.signature(messaging._get_messaging_service).parameters) == ["app"]
    assert messaging._MESSAGING_ATTRIBUTE == "_messaging"
    assert isinstance(app._services, dict)
    assert messaging._MESSAGING_ATTRIBUTE not in app._services

    service = messaging._get_messaging_service(app)

    assert isinstance(service, messaging._MessagingService)
    assert app._services[messaging._MESSAGING_ATTRIBUTE] is service
    assert messaging._get_messaging_service(app) is service


def test_service_reads_fcm_url_once_when_created(app: firebase_admin.App) -> None:
    firebase_private.set_fcm_url("http://127.0.0.1:9/v1/projects/{0}/messages:send")
    firebase_private.create_messaging_service(app)
    firebase_private.set_fcm_url("http://127.0.0.1:10/v1/projects/{0}/messages:send")

    service = messaging._get_messaging_service(app)

    assert service._fcm_url == f"http://127.0.0.1:9/v1/projects/{app.project_id}/messages:send"


def test_service_sends_through_a_requests_session(app: firebase_admin.App) -> None:
    service = messaging._get_messaging_service(app)
    assert isinstance(service._client, _http_client.JsonHttpClient)
    assert isinstance(service._client.session, requests.Session)

    firebase_private.mount_connection_pool(app, "http://127.0.0.1:9")

    adapter = service._client.session.get_adapter("http://127.0.0.1:9/v1/x")
    assert adapter._pool_maxsize == firebase_private.POOL_SIZE
    assert adapter.max_retries is firebase_private.DEFAULT_RETRY
    production = service._client.session.get_adapter("https://fcm.googleapis.com/v1/x")
    assert production._pool_maxsize == firebase_private.POOL_SIZE


def test_service_close_runs_its_own_event_loop() -> None:
    """Why `delete_app` skips `close` under a running loop."""
    close = messaging._MessagingService.close
    assert list(inspect.signature(close).parameters) == ["self"]
    assert "asyncio.run(" in inspect.getsource(close)


async def test_delete_app_works_inside_a_running_loop(
    app: firebase_admin.App, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.get_running_loop()
    firebase_private.create_messaging_service(app)
    session = messaging._get_messaging_service(app)._client.session
    closed: list[bool] = []
    monkeypatch.setattr(session, "close", lambda: closed.append(True))

    firebase_private.delete_app(app)

    with pytest.raises(ValueError, match=app.name):
        firebase_admin.get_app(app.name)
    assert app._services is None
    assert closed == [True]


def test_encoder_urls_and_topic_registrations_are_where_assumed(
    fcm: FakeFCM, app: firebase_admin.App
) -> None:
    firebase_private.set_fcm_url(fcm.fcm_url)
    firebase_private.create_messaging_service(app)
    message = messaging.Message(token="t", data={"k": "v"})

    assert firebase_private.encode_message(message) == {"token": "t", "data": {"k": "v"}}
    assert firebase_private.send_url(app) == fcm.fcm_url.format(fcm.project_id)
    firebase_private.set_topic_management_origin(app, fcm.base_url)
    service = messaging._get_messaging_service(app)
    assert service._fcm_topic_url == f"{fcm.base_url}/v1/projects/{fcm.project_id}/registrations"
