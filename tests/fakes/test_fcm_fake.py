"""The FCM fake is only worth using if the real firebase-admin client accepts it as FCM.

Every test drives `firebase_admin.messaging` unmodified (service-account OAuth flow included)
against `FakeFCM`, so the error mapping and retries seen here are firebase-admin's own.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import firebase_admin
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from firebase_admin import exceptions, messaging

from notifications import firebase_private
from tests.fakes.fcm import NO_BACKOFF_RETRY, FakeFCM, FcmErrorCode, firebase_app

# firebase-admin 7 deprecates Message.token in favour of fid; device tokens are still what we send.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Message.token is deprecated:DeprecationWarning",
    "ignore:MulticastMessage.tokens is deprecated:DeprecationWarning",
)


@pytest.fixture(scope="module")
def fcm() -> Iterator[FakeFCM]:
    with FakeFCM(project_id="citizen-hub-fake") as fake:
        yield fake


@pytest.fixture(autouse=True)
def _fresh_recordings(fcm: FakeFCM) -> None:
    fcm.clear()


@pytest.fixture
def app(fcm: FakeFCM, tmp_path: Path) -> Iterator[firebase_admin.App]:
    """firebase-admin's retry policy without its backoff sleeps: same attempts, fast tests."""
    with firebase_app(fcm, tmp_path, retry=NO_BACKOFF_RETRY) as firebase:
        yield firebase


def _send_one(message: messaging.Message, app: firebase_admin.App) -> messaging.SendResponse:
    batch = messaging.send_each([message], app=app)
    assert len(batch.responses) == 1
    return batch.responses[0]


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    response = httpx.post(url, content=body, headers=headers, timeout=5)
    return response.status_code, response.json()


def test_accepted_message_is_recorded_as_sent(fcm: FakeFCM, app: firebase_admin.App) -> None:
    message = messaging.Message(
        token="device-1",
        data={"kind": "report.updated", "report_id": "42"},
        notification=messaging.Notification(title="Phản ánh", body="Đã tiếp nhận"),
        android=messaging.AndroidConfig(
            priority="high", collapse_key="report-42", ttl=3600, notification=None
        ),
        apns=messaging.APNSConfig(
            headers={"apns-priority": "10"},
            payload=messaging.APNSPayload(aps=messaging.Aps(badge=3, sound="default")),
        ),
    )

    name = messaging.send(message, app=app)

    assert name.startswith(f"projects/{fcm.project_id}/messages/")
    assert fcm.token_requests >= 1
    assert fcm.rejected_token_requests == 0
    [recorded] = fcm.sent_to("device-1")
    assert recorded["token"] == "device-1"
    assert recorded["data"] == {"kind": "report.updated", "report_id": "42"}
    assert recorded["notification"] == {"title": "Phản ánh", "body": "Đã tiếp nhận"}
    assert recorded["android"] == {"priority": "high", "collapse_key": "report-42", "ttl": "3600s"}
    assert recorded["apns"] == {
        "headers": {"apns-priority": "10"},
        "payload": {"aps": {"badge": 3, "sound": "default"}},
    }
    [attempt] = fcm.attempts
    assert (attempt.target, attempt.target_field, attempt.status) == ("device-1", "token", 200)


@pytest.mark.parametrize(
    ("error", "exception_type", "attempts"),
    [
        ("UNREGISTERED", messaging.UnregisteredError, 1),
        ("QUOTA_EXCEEDED", messaging.QuotaExceededError, 1),
        ("SENDER_ID_MISMATCH", messaging.SenderIdMismatchError, 1),
        ("INVALID_ARGUMENT", exceptions.InvalidArgumentError, 1),
        # google-auth answers a 401 by refreshing the token and repeating, twice.
        ("THIRD_PARTY_AUTH_ERROR", messaging.ThirdPartyAuthError, 3),
        # firebase-admin's urllib3 policy retries 500 and 503 four times.
        ("UNAVAILABLE", exceptions.UnavailableError, 5),
        ("INTERNAL", exceptions.InternalError, 5),
    ],
)
def test_scripted_error_maps_to_firebase_admin_exception(
    fcm: FakeFCM,
    app: firebase_admin.App,
    error: FcmErrorCode,
    exception_type: type[exceptions.FirebaseError],
    attempts: int,
) -> None:
    fcm.fail("doomed", error)

    batch = messaging.send_each(
        [messaging.Message(token="doomed"), messaging.Message(token="fine")], app=app
    )

    failed, delivered = batch.responses
    assert type(failed.exception) is exception_type
    assert not failed.success
    assert delivered.success
    assert fcm.attempts_for("doomed") == attempts
    assert fcm.sent_to("doomed") == []
    assert len(fcm.sent_to("fine")) == 1


def test_quota_exceeded_exposes_retry_after_after_client_retries(
    fcm: FakeFCM, app: firebase_admin.App
) -> None:
    """urllib3 retries a 429 only when it carries Retry-After, then hands the last one over."""
    fcm.fail("busy", "QUOTA_EXCEEDED", retry_after=0)

    response = _send_one(messaging.Message(token="busy"), app)

    assert isinstance(response.exception, messaging.QuotaExceededError)
    assert response.exception.http_response is not None
    assert response.exception.http_response.headers["Retry-After"] == "0"
    assert fcm.attempts_for("busy") == 5


def test_failure_for_first_attempt_only_then_success(fcm: FakeFCM, app: firebase_admin.App) -> None:
    fcm.fail("flaky", "UNREGISTERED", times=1)

    first = _send_one(messaging.Message(token="flaky", data={"n": "1"}), app)
    second = _send_one(messaging.Message(token="flaky", data={"n": "2"}), app)

    assert isinstance(first.exception, messaging.UnregisteredError)
    assert second.success
    assert [m["data"] for m in fcm.sent_to("flaky")] == [{"n": "2"}]
    assert [a.status for a in fcm.attempts] == [404, 200]


def test_transient_unavailable_is_retried_by_firebase_admin_itself(
    fcm: FakeFCM, tmp_path: Path
) -> None:
    """With the production retry policy a single 503 never reaches the caller."""
    fcm.fail("wobbly", "UNAVAILABLE", times=1)

    with firebase_app(fcm, tmp_path) as production_like:
        response = _send_one(messaging.Message(token="wobbly"), production_like)

    assert response.success
    assert [a.status for a in fcm.attempts] == [503, 200]


def test_fid_target_is_recorded_and_scriptable(fcm: FakeFCM, app: firebase_admin.App) -> None:
    fcm.fail("fid-gone", "UNREGISTERED")

    batch = messaging.send_each(
        [
            messaging.Message(fid="fid-1", data={"k": "v"}),
            messaging.Message(fid="fid-gone"),
        ],
        app=app,
    )

    delivered, gone = batch.responses
    assert delivered.success
    assert isinstance(gone.exception, messaging.UnregisteredError)
    [recorded] = fcm.sent_to("fid-1")
    assert recorded["fid"] == "fid-1"
    assert "token" not in recorded
    assert {a.target_field for a in fcm.attempts} == {"fid"}
    assert fcm.attempts_for("fid-gone") == 1


def test_dry_run_is_validated_but_not_delivered(fcm: FakeFCM, app: firebase_admin.App) -> None:
    name = messaging.send(messaging.Message(token="rehearsal"), dry_run=True, app=app)

    assert name == f"projects/{fcm.project_id}/messages/fake_message_id"
    assert fcm.messages == []
    [attempt] = fcm.attempts
    assert attempt.validate_only


def test_unknown_bearer_token_is_refused(fcm: FakeFCM) -> None:
    body = json.dumps({"message": {"token": "device-1"}}).encode()
    url = fcm.fcm_url.format(fcm.project_id)

    for authorization in ({"Authorization": "Bearer not-issued-here"}, {}):
        status, reply = _post(url, body, {"Content-Type": "application/json", **authorization})
        assert status == 401
        assert reply["error"]["status"] == "UNAUTHENTICATED"

    assert fcm.messages == []
    assert [a.status for a in fcm.attempts] == [401, 401]


def test_assertion_signed_by_another_key_is_refused(fcm: FakeFCM) -> None:
    now = int(time.time())
    claims = {
        "iss": fcm.client_email,
        "aud": fcm.token_uri,
        "iat": now,
        "exp": now + 600,
        "scope": "https://www.googleapis.com/auth/firebase.messaging",
    }
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assertion = jwt.encode(claims, stranger, algorithm="RS256")
    form = f"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={assertion}"

    status, reply = _post(
        fcm.token_uri, form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    )

    assert (status, reply["error"]) == (400, "invalid_grant")
    assert fcm.rejected_token_requests == 1


def test_expired_access_token_is_refreshed_by_the_client(
    fcm: FakeFCM, app: firebase_admin.App
) -> None:
    messaging.send(messaging.Message(token="before"), app=app)
    fcm.revoke_tokens()
    issued_before = fcm.token_requests

    messaging.send(messaging.Message(token="after"), app=app)

    assert [a.status for a in fcm.attempts] == [200, 401, 200]
    assert fcm.token_requests == issued_before + 1
    assert len(fcm.sent_to("after")) == 1


def test_full_batch_of_500_is_served_concurrently(fcm: FakeFCM, app: firebase_admin.App) -> None:
    tokens = [f"device-{i}" for i in range(500)]

    started = time.monotonic()
    batch = messaging.send_each([messaging.Message(token=t) for t in tokens], app=app)
    elapsed = time.monotonic() - started

    assert batch.success_count == 500
    assert {m["token"] for m in fcm.messages} == set(tokens)
    assert len({r.message_id for r in batch.responses}) == 500
    assert elapsed < 15
    assert fcm.connections_opened < 500


def test_latency_applies_per_message_not_per_batch(tmp_path: Path) -> None:
    with FakeFCM(latency_seconds=0.2) as slow, firebase_app(slow, tmp_path) as app:
        started = time.monotonic()
        batch = messaging.send_each([messaging.Message(token=f"d{i}") for i in range(50)], app=app)
        elapsed = time.monotonic() - started

    assert batch.success_count == 50
    assert 0.2 <= elapsed < 3


def test_context_managers_clean_up(tmp_path: Path) -> None:
    original_url = firebase_private.fcm_url()

    with FakeFCM() as fake:
        url = fake.fcm_url.format(fake.project_id)
        with firebase_app(fake, tmp_path, name="fake-fcm-cleanup") as app:
            assert fake.fcm_url == firebase_private.fcm_url()
            messaging.send(messaging.Message(token="x"), app=app)
        assert original_url == firebase_private.fcm_url()
        with pytest.raises(ValueError, match="fake-fcm-cleanup"):
            firebase_admin.get_app("fake-fcm-cleanup")

    with pytest.raises(httpx.ConnectError):
        httpx.post(url, timeout=2)
