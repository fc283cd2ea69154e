"""Devices, the inbox and preferences through GraphQL, as the app uses them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.identity.models import User
from notifications.messages import PushMessage, Text
from notifications.models import Category, Device, Notification
from notifications.service import notify
from tests.support.graphql import data, error_codes, login, only_error

REGISTER_DEVICE = """
mutation($input: RegisterDeviceInput!) {
  registerDevice(input: $input) { id platform locale appVersion }
}
"""
INBOX = """
query($unread: Boolean, $first: Int, $after: String) {
  viewer {
    id
    unreadNotificationCount
    notifications(unreadOnly: $unread, first: $first, after: $after) {
      edges { node { id type title body deepLink data category readAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
MARK_READ = "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }"


def device_input(**overrides: Any) -> dict[str, Any]:
    values = {"token": "fcm-token-1", "platform": "ANDROID", "locale": "VI", "appVersion": "1.4.0"}
    values.update(overrides)
    return {"input": values}


async def user_id(api: Any, phone: str) -> Any:
    async with api.sessions() as session:
        return await session.scalar(select(User.id).where(User.phone == phone))


async def push(api: Any, phone: str, count: int = 1) -> None:
    recipient = await user_id(api, phone)
    for number in range(count):
        async with UnitOfWork(api.sessions, api.app.state.services.celery) as uow:
            await notify(
                uow,
                user_ids=[recipient],
                message=PushMessage(
                    category=Category.HEALTH,
                    type="appointment.booked",
                    title=Text.of(
                        vi=f"Đặt lịch thành công {number}", en=f"Appointment booked {number}"
                    ),
                    body=Text.of(
                        vi="Xem chi tiết trong ứng dụng.", en="See the details in the app."
                    ),
                    deep_link=f"citizenhub://appointments/a{number}",
                    data={"appointmentId": f"a{number}"},
                ),
                now=utcnow(),
            )


async def count(api: Any, model: Any) -> int:
    async with api.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)))


async def test_registering_a_device_needs_a_session(seeded: Any) -> None:
    assert error_codes(await seeded(REGISTER_DEVICE, device_input())) == ["UNAUTHENTICATED"]
    assert await count(seeded, Device) == 0


async def test_a_token_moves_to_whoever_signs_in_on_the_phone(seeded: Any) -> None:
    first = await login(seeded, "0905000001")
    second = await login(seeded, "0905000002")

    one = data(await seeded(REGISTER_DEVICE, device_input(), token=first["accessToken"]))
    again = data(
        await seeded(REGISTER_DEVICE, device_input(locale="EN"), token=second["accessToken"])
    )

    assert one["registerDevice"]["id"] == again["registerDevice"]["id"]
    async with seeded.sessions() as session:
        device = await session.scalar(select(Device))
    assert device is not None
    assert device.user_id == await user_id(seeded, "+84905000002")
    assert device.locale.value == "en"


async def test_bad_device_input_names_the_field_and_writes_nothing(seeded: Any) -> None:
    token = (await login(seeded))["accessToken"]
    cases = [
        (device_input(token="x" * 5000), "input.token"),
        (device_input(fid="abc"), "input.token"),  # both token and fid
        (device_input(token=None), "input.token"),  # neither
        (device_input(platform="SYMBIAN"), "input.platform"),
        (device_input(appVersion="9" * 100), "input.appVersion"),
    ]
    for variables, field in cases:
        error = only_error(await seeded(REGISTER_DEVICE, variables, token=token))
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, variables
    assert await count(seeded, Device) == 0


async def test_unregistering_someone_elses_token_changes_nothing(seeded: Any) -> None:
    owner = (await login(seeded, "0905000001"))["accessToken"]
    stranger = (await login(seeded, "0905000002"))["accessToken"]
    data(await seeded(REGISTER_DEVICE, device_input(), token=owner))
    query = 'mutation { unregisterDevice(input: {token: "fcm-token-1"}) }'

    assert data(await seeded(query, token=stranger))["unregisterDevice"] is False
    async with seeded.sessions() as session:
        assert (await session.scalar(select(Device.active))) is True
    assert data(await seeded(query, token=owner))["unregisterDevice"] is True
    async with seeded.sessions() as session:
        assert (await session.scalar(select(Device.active))) is False


async def test_inbox_newest_first_paged_and_in_the_viewers_language(seeded: Any) -> None:
    await push(seeded, "+84905000001", count=3)
    token = (await login(seeded))["accessToken"]

    page = data(await seeded(INBOX, {"first": 2}, token=token, language="en"))["viewer"]
    rest = data(
        await seeded(
            INBOX,
            {"first": 2, "after": page["notifications"]["pageInfo"]["endCursor"]},
            token=token,
            language="en",
        )
    )["viewer"]

    titles = [e["node"]["title"] for e in page["notifications"]["edges"]]
    titles += [e["node"]["title"] for e in rest["notifications"]["edges"]]
    assert titles == ["Appointment booked 2", "Appointment booked 1", "Appointment booked 0"]
    assert page["unreadNotificationCount"] == 3
    first = page["notifications"]["edges"][0]["node"]
    assert first["data"] == {"appointmentId": "a2"}
    assert first["deepLink"] == "citizenhub://appointments/a2"
    assert first["category"] == "HEALTH"


async def test_mark_read_own_entries_only(seeded: Any) -> None:
    await push(seeded, "+84905000001", count=2)
    await push(seeded, "+84905000002", count=1)
    mine = (await login(seeded, "0905000001"))["accessToken"]
    theirs = (await login(seeded, "0905000002"))["accessToken"]
    my_ids = [
        e["node"]["id"]
        for e in data(await seeded(INBOX, {}, token=mine))["viewer"]["notifications"]["edges"]
    ]
    their_id = data(await seeded(INBOX, {}, token=theirs))["viewer"]["notifications"]["edges"][0][
        "node"
    ]["id"]

    refused = await seeded(MARK_READ, {"ids": [my_ids[0], their_id]}, token=mine)
    assert error_codes(refused) == ["NOT_FOUND"]
    async with seeded.sessions() as session:
        read = await session.scalar(
            select(func.count()).select_from(Notification).where(Notification.read_at.is_not(None))
        )
    assert read == 0

    assert (
        data(await seeded(MARK_READ, {"ids": [my_ids[0]]}, token=mine))["markNotificationsRead"]
        == 1
    )
    unread = data(await seeded(INBOX, {"unread": True}, token=mine))["viewer"]
    assert [e["node"]["id"] for e in unread["notifications"]["edges"]] == [my_ids[1]]


READ = """
mutation($ids: [ID!]!) {
  readNotifications(input: {ids: $ids}) {
    notifications { id readAt }
    viewer { id unreadNotificationCount }
  }
}
"""


async def test_read_notifications_returns_what_a_cache_must_learn(seeded: Any) -> None:
    await push(seeded, "+84905000001", count=3)
    await push(seeded, "+84905000002", count=1)
    mine = (await login(seeded, "0905000001"))["accessToken"]
    theirs = (await login(seeded, "0905000002"))["accessToken"]
    inbox = data(await seeded(INBOX, {}, token=mine))["viewer"]
    my_ids = [e["node"]["id"] for e in inbox["notifications"]["edges"]]
    their_id = data(await seeded(INBOX, {}, token=theirs))["viewer"]["notifications"]["edges"][0][
        "node"
    ]["id"]

    refused = await seeded(READ, {"ids": [my_ids[0], their_id]}, token=mine)
    assert error_codes(refused) == ["NOT_FOUND"]
    assert data(await seeded(INBOX, {}, token=mine))["viewer"]["unreadNotificationCount"] == 3

    read = data(await seeded(READ, {"ids": my_ids[:2]}, token=mine))["readNotifications"]
    assert sorted(n["id"] for n in read["notifications"]) == sorted(my_ids[:2])
    assert all(n["readAt"] for n in read["notifications"])
    assert read["viewer"]["id"] == inbox["id"]
    assert read["viewer"]["unreadNotificationCount"] == 1


async def test_preferences_round_trip_and_refuse_empty_quiet_hours(seeded: Any) -> None:
    token = (await login(seeded))["accessToken"]
    update = """
    mutation($input: NotificationPreferencesInput!) {
      updateNotificationPreferences(input: $input) {
        categories { category enabled } quietHours { start end }
      }
    }
    """
    saved = data(
        await seeded(
            update,
            {
                "input": {
                    "categories": [{"category": "TOURISM", "enabled": False}],
                    "quietHours": {"start": "22:00:00", "end": "06:30:00"},
                }
            },
            token=token,
        )
    )["updateNotificationPreferences"]

    assert {"category": "TOURISM", "enabled": False} in saved["categories"]
    assert {"category": "HEALTH", "enabled": True} in saved["categories"]
    assert saved["quietHours"] == {"start": "22:00:00", "end": "06:30:00"}

    bad = await seeded(
        update, {"input": {"quietHours": {"start": "22:00:00", "end": "22:00:00"}}}, token=token
    )
    assert only_error(bad)["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.quietHours"}
    read = data(
        await seeded(
            "{ viewer { notificationPreferences { quietHours { start end } } } }", token=token
        )
    )
    assert read["viewer"]["notificationPreferences"]["quietHours"]["end"] == "06:30:00"
