"""What business tests share: the app's own operations, the demo's people and ids."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select
from strawberry import relay

from backend.business.models import Application, PermitType
from backend.graphql_api.persisted import MANIFEST
from backend.seed.business import NOODLES, RESTAURANT
from backend.seed.demo import stable_id
from notifications.models import Notification
from tests.support.files import uploaded_id
from tests.support.graphql import data

OPERATIONS: dict[str, str] = {
    o["name"]: o["body"] for o in json.loads(MANIFEST.read_text())["operations"]
}

REPRESENTATIVE = "+84905000006"
OFFICER = "+84905000003"
OPERATOR = "+84905000007"
RESIDENT = "+84905000001"
PARENT = "+84905000002"
HOTEL = "3301023454"
PHAM_NGU_LAO = {"latitude": 16.4700, "longitude": 107.5950}

__all__ = ["NOODLES", "RESTAURANT"]


def gid(type_name: str, value: uuid.UUID) -> str:
    return str(relay.GlobalID(type_name, str(value)))


def business_gid(code: str) -> str:
    return gid("Business", stable_id("business", code))


def permit_type_gid(slug: str) -> str:
    return gid("PermitType", stable_id("permit-type", slug))


def application_gid(slug: str) -> str:
    return gid("BusinessApplication", stable_id("application", slug))


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


async def inbox(api: Any, phone: str) -> list[Notification]:
    statement = (
        select(Notification)
        .where(Notification.user_id == stable_id("user", phone))
        .order_by(Notification.created_at, Notification.id)
    )
    async with api.sessions() as session:
        return list((await session.scalars(statement)).all())


async def give_documents(api: Any, bearer: str, application: str) -> None:
    """Upload and attach a file for every document the application's permit type requires."""
    async with api.sessions() as session:
        found = await session.get(Application, uuid_of(application))
        assert found is not None
        permit_type = await session.get(PermitType, found.permit_type_id)
        assert permit_type is not None
    for document in permit_type.required_documents:
        await ok(
            api,
            "AttachBusinessApplicationDocument",
            {
                "applicationId": application,
                "code": document["code"],
                "fileId": await uploaded_id(api, bearer, name=f"{document['code']}.pdf"),
            },
            token=bearer,
        )


def food_form(**values: str) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in values.items()]
