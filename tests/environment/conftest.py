"""What environment tests share: station keys issued as an operator does, batches posted as a
station does, the demo's stations and datastreams."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
from strawberry import relay

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.environment import keys
from backend.graphql_api.persisted import MANIFEST
from backend.seed.demo import stable_id
from tests.support.graphql import data

OPERATIONS: dict[str, str] = {
    o["name"]: o["body"] for o in json.loads(MANIFEST.read_text())["operations"]
}

AIR_STATION = "KK-TTH01"
KIM_LONG = "TV-KIM-LONG"
# Demo datastream ids (backend/seed/environment_data.py).
PM25, PM10, O3, CO, SO2, NO2 = 1, 2, 3, 4, 5, 6
KIM_LONG_LEVEL = 7
DA_NANG = {"latitude": 16.0544, "longitude": 108.2022}
HUE_CENTRE = {"latitude": 16.4637, "longitude": 107.5909}


def station_gid(code: str) -> str:
    return str(relay.GlobalID("Station", str(stable_id("env-thing", code))))


async def issue_key(api: Any, code: str, overlap: timedelta = timedelta(0)) -> str:
    async with UnitOfWork(api.sessions) as uow:
        issued = await keys.issue(
            uow.session,
            pepper=api.app.state.services.settings.station_key_pepper,
            station_code=code,
            now=utcnow(),
            overlap=overlap,
        )
    return issued.key


async def post(
    api: Any, key: str | None, body: Any, *, language: str | None = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if language:
        headers["Accept-Language"] = language
    response: httpx.Response = await api.client.post(
        "/sta/v1.1/ingest", content=json.dumps(body), headers=headers
    )
    return response


async def ok(api: Any, name: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    return data(await api(OPERATIONS[name], variables or {}))
