"""Favourites: saved once however often, private to their owner, and a saved event reminded
once, the day before, in every language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from strawberry import relay

from backend.db.unit_of_work import UnitOfWork
from backend.seed.demo import stable_id
from backend.tourism import reminders
from backend.tourism.models import Favourite
from notifications.models import Notification
from tests.support.graphql import data, error_codes, only_error
from tests.support.sessions import token
from tests.tourism.conftest import OPERATIONS, attraction_gid

ADD = OPERATIONS["AddFavourite"]
REMOVE = OPERATIONS["RemoveFavourite"]
MINE = OPERATIONS["MyFavourites"]
AN, BINH = "+84905000001", "+84905000002"
NIGHT = "dem-hoang-cung-2026"  # 2026-06-12 19:00 in Huế
NIGHT_STARTS = datetime(2026, 6, 12, 12, 0, tzinfo=UTC)
NODE = "query($id: ID!) { node(id: $id) { ... on Favourite { id savedAt } } }"


def event_gid(slug: str) -> str:
    return str(relay.GlobalID("Event", str(stable_id("event", slug))))


async def count_favourites(api: Any) -> int:
    async with api.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(Favourite))).scalar())


async def test_saving_twice_keeps_one_favourite_listed_latest_first(seeded: Any) -> None:
    an = await token(seeded, AN)
    site = {"input": {"attractionId": attraction_gid("chua-thien-mu")}}
    first = data(await seeded(ADD, site, token=an))["addFavourite"]
    again = data(await seeded(ADD, site, token=an))["addFavourite"]
    assert again == first
    assert first["attraction"] == {
        "__typename": "Attraction",
        "id": attraction_gid("chua-thien-mu"),
    }
    show = data(await seeded(ADD, {"input": {"eventId": event_gid(NIGHT)}}, token=an))
    assert show["addFavourite"]["event"] == {"__typename": "Event", "id": event_gid(NIGHT)}
    assert await count_favourites(seeded) == 2

    page = data(await seeded(MINE, {"first": 1}, token=an, language="en"))["viewer"]
    favourites = page["favourites"]
    assert favourites["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["id"] for edge in favourites["edges"]] == [show["addFavourite"]["id"]]
    assert favourites["edges"][0]["node"]["event"]["name"]["language"] == "EN"
    rest = data(await seeded(MINE, {"after": favourites["pageInfo"]["endCursor"]}, token=an))[
        "viewer"
    ]["favourites"]
    assert [edge["node"]["id"] for edge in rest["edges"]] == [first["id"]]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_favourites_are_their_owners_only(seeded: Any) -> None:
    an, binh = await token(seeded, AN), await token(seeded, BINH)
    site = {"input": {"attractionId": attraction_gid("dai-noi")}}
    saved = data(await seeded(ADD, site, token=an))["addFavourite"]
    assert data(await seeded(NODE, {"id": saved["id"]}, token=an))["node"]["id"] == saved["id"]
    assert data(await seeded(NODE, {"id": saved["id"]}, token=binh))["node"] is None
    assert data(await seeded(NODE, {"id": saved["id"]}))["node"] is None
    mine = data(await seeded(MINE, {}, token=binh))["viewer"]["favourites"]["edges"]
    assert mine == []
    # Binh's removal of the same site touches only Binh's (none): Anh keeps hers.
    assert data(await seeded(REMOVE, site, token=binh))["removeFavourite"] is False
    assert await count_favourites(seeded) == 1


async def test_removing_twice_is_no_error(seeded: Any) -> None:
    an = await token(seeded, AN)
    site = {"input": {"attractionId": attraction_gid("cau-truong-tien")}}
    data(await seeded(ADD, site, token=an))
    assert data(await seeded(REMOVE, site, token=an))["removeFavourite"] is True
    assert data(await seeded(REMOVE, site, token=an))["removeFavourite"] is False
    assert await count_favourites(seeded) == 0


async def test_refusals_say_why_and_save_nothing(seeded: Any) -> None:
    an = await token(seeded, AN)
    site = {"input": {"attractionId": attraction_gid("dai-noi")}}
    assert error_codes(await seeded(ADD, site)) == ["UNAUTHENTICATED"]
    unknown = {
        "input": {"attractionId": str(relay.GlobalID("Attraction", str(stable_id("x", "y"))))}
    }
    refused = only_error(await seeded(ADD, unknown, token=an))
    assert refused["extensions"] == {"code": "NOT_FOUND", "field": "input.attractionId"}
    wrong_type = {"input": {"eventId": attraction_gid("dai-noi")}}
    refused = only_error(await seeded(ADD, wrong_type, token=an))
    assert refused["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.eventId"}
    both = {"input": {"attractionId": attraction_gid("dai-noi"), "eventId": event_gid(NIGHT)}}
    assert error_codes(await seeded(ADD, both, token=an)) != []
    assert await count_favourites(seeded) == 0


async def run_reminders(api: Any, now: datetime) -> tuple[int, int]:
    async with UnitOfWork(api.sessions, api.app.state.services.celery) as uow:
        return await reminders.send_due(uow, now=now)


async def reminders_pushed(api: Any) -> list[Notification]:
    statement = select(Notification).where(Notification.type == "event.reminder")
    async with api.sessions() as session:
        return list((await session.scalars(statement.order_by(Notification.user_id))).all())


async def test_a_saved_event_is_reminded_once_the_day_before(seeded: Any) -> None:
    for phone in (AN, BINH):
        night = {"input": {"eventId": event_gid(NIGHT)}}
        data(await seeded(ADD, night, token=await token(seeded, phone)))

    assert await run_reminders(seeded, NIGHT_STARTS - timedelta(hours=25)) == (0, 0)
    assert await run_reminders(seeded, NIGHT_STARTS - timedelta(hours=20)) == (2, 2)
    assert await run_reminders(seeded, NIGHT_STARTS - timedelta(hours=19)) == (0, 0)
    assert await run_reminders(seeded, NIGHT_STARTS + timedelta(hours=1)) == (0, 0)

    pushed = await reminders_pushed(seeded)
    assert sorted(push.user_id for push in pushed) == sorted(
        [stable_id("user", AN), stable_id("user", BINH)]
    )
    reminder = pushed[0]
    assert reminder.category.value == "tourism"
    assert reminder.deep_link == f"citizenhub://events/{stable_id('event', NIGHT)}"
    assert reminder.data == {"eventId": str(stable_id("event", NIGHT))}
    assert reminder.body.en == "The event you saved starts at 19:00 12/06/2026."
    assert reminder.body.vi == "Sự kiện bạn đã lưu bắt đầu lúc 19:00 12/06/2026."
    # Each language names the event in that language.
    assert reminder.title.vi != reminder.title.en
    assert set(reminder.title.texts) == {"vi", "en", "fr", "ko", "zh", "ja"}
