"""What traffic tests share: the app's own operations, the demo's people and ids."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import func, select
from strawberry import relay

from backend.graphql_api.persisted import MANIFEST
from backend.seed.demo import stable_id
from notifications.models import Notification
from tests.support.graphql import data

OPERATIONS: dict[str, str] = {
    o["name"]: o["body"] for o in json.loads(MANIFEST.read_text())["operations"]
}

RESIDENT = "+84905000001"  # owns the demo motorbike
PARENT = "+84905000002"
STAFF = "+84905000003"  # traffic operator, traffic police and planner
OTHER = "+84905000006"
# Outside Quốc Học school on Lê Lợi, where the demo accident is.
QUOC_HOC = {"latitude": 16.4640, "longitude": 107.5865}


def gid(type_name: str, value: uuid.UUID) -> str:
    return str(relay.GlobalID(type_name, str(value)))


def incident_gid(slug: str) -> str:
    return gid("TrafficIncident", stable_id("traffic-incident", slug))


def road_gid(slug: str) -> str:
    return gid("Road", stable_id("road", slug))


def uuid_of(global_id: str) -> uuid.UUID:
    return uuid.UUID(relay.GlobalID.from_id(global_id).node_id)


async def send(
    api: Any, name: str, variables: dict[str, Any] | None = None, *, token: str | None = None
) -> dict[str, Any]:
    """One of the app's operations; the whole answer (data and errors)."""
    return await api(OPERATIONS[name], variables or {}, token=token)


async def ok(
    api: Any, name: str, variables: dict[str, Any] | None = None, *, token: str | None = None
) -> dict[str, Any]:
    return data(await send(api, name, variables, token=token))


async def count(api: Any, model: Any, *where: Any) -> int:
    async with api.sessions() as session:
        statement = select(func.count()).select_from(model).where(*where)
        return int(await session.scalar(statement) or 0)


async def inbox(api: Any, phone: str) -> list[Notification]:
    statement = (
        select(Notification)
        .where(Notification.user_id == stable_id("user", phone))
        .order_by(Notification.created_at, Notification.id)
    )
    async with api.sessions() as session:
        return list((await session.scalars(statement)).all())
