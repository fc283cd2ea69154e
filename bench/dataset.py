"""The benchmark dataset and the helpers every benchmark shares: 2,000 facilities within 30 km of
Huế, each with one desk and 100 slots (the first two full, so "next available" has to skip), a
signed-in resident with three upcoming appointments, the SQL one request runs, and a server in a
process of its own."""

from __future__ import annotations

import json
import math
import os
import random
import re
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event

from backend.app import create_app
from backend.db.types import utcnow
from backend.graphql_api.persisted import MANIFEST
from backend.settings import Settings
from backend.sms import INBOX_FILE
from tests.support.databases import asyncpg_dsn

ROOT = Path(__file__).resolve().parents[1]
HUE = (16.4637, 107.5909)
NEAR = {"latitude": HUE[0], "longitude": HUE[1]}
OPERATIONS = {o["name"]: o for o in json.loads(MANIFEST.read_text(encoding="utf-8"))["operations"]}
PASSWORD = "benchmark password"  # noqa: S105 - a throw-away account in a throw-away database


def _offset(lat: float, lng: float, meters: float, bearing: float) -> tuple[float, float]:
    dlat = meters * math.cos(bearing) / 111_320
    dlng = meters * math.sin(bearing) / (111_320 * math.cos(math.radians(lat)))
    return lat + dlat, lng + dlng


async def load(url: str, facilities: int, slots_per_facility: int) -> None:
    """Facilities spread within 30 km of Huế, each with one desk and its slots."""
    random.seed(7)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    specialty = uuid.uuid4()
    places, rows, schedules, slots = [], [], [], []
    for number in range(facilities):
        place = uuid.uuid4()
        lat, lng = _offset(*HUE, random.uniform(0, 30_000), random.uniform(0, 2 * math.pi))
        places.append(
            (
                place,
                f"bench-{number}",
                "clinic",
                "Huế",
                f"SRID=4326;POINT({lng} {lat})",
                None,
                now,
                json.dumps({"vi": f"Phòng khám {number}", "en": f"Clinic {number}"}),
            )
        )
        rows.append((place, "private", "0234 3822 000", number % 2 == 0, now))
        schedule = uuid.uuid4()
        schedules.append((schedule, place, None, specialty, 0, 420, 1020, 30, 3, True, now))
        first = now + timedelta(hours=random.randint(1, 72))
        for index in range(slots_per_facility):
            start = first + timedelta(minutes=30 * index)
            booked = 3 if index < 2 else 0  # the first two are full: "next available" must skip
            slots.append(
                (
                    uuid.uuid4(),
                    place,
                    schedule,
                    None,
                    specialty,
                    start,
                    start + timedelta(minutes=30),
                    3,
                    booked,
                    False,
                )
            )
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await connection.execute(
            "INSERT INTO health_specialties (id, code, name) "
            """VALUES ($1, 'general', '{"vi": "Đa khoa", "en": "General medicine"}')""",
            specialty,
        )
        await connection.execute("CREATE TEMP TABLE staged_places (LIKE places INCLUDING DEFAULTS)")
        await connection.execute("ALTER TABLE staged_places ALTER location TYPE text")
        await connection.copy_records_to_table(
            "staged_places",
            records=places,
            columns=["id", "slug", "kind", "address", "location", "ward_id", "created_at", "name"],
        )
        await connection.execute(
            "INSERT INTO places (id, slug, kind, address, location, ward_id, created_at, name) "
            "SELECT id, slug, kind, address, ST_GeogFromText(location), ward_id, created_at, "
            "name FROM staged_places"
        )
        await connection.copy_records_to_table(
            "health_facilities",
            records=rows,
            columns=["id", "level", "phone", "accepts_insurance", "created_at"],
        )
        await connection.copy_records_to_table(
            "health_schedules",
            records=schedules,
            columns=[
                "id",
                "facility_id",
                "practitioner_id",
                "specialty_id",
                "weekday",
                "start_minute",
                "end_minute",
                "slot_minutes",
                "capacity",
                "active",
                "created_at",
            ],
        )
        await connection.copy_records_to_table(
            "health_slots",
            records=slots,
            columns=[
                "id",
                "facility_id",
                "schedule_id",
                "practitioner_id",
                "specialty_id",
                "start_at",
                "end_at",
                "capacity",
                "booked",
                "blocked",
            ],
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def capture_statements(
    settings: Settings,
    payload: dict[str, Any],
    headers: dict[str, str] | None = None,
    *,
    refused: str | None = None,
) -> tuple[list[tuple[str, tuple[Any, ...]]], Any]:
    """The SQL the API runs for one request, with its parameters, as asyncpg receives them:
    an answer without errors, or, with `refused`, one refused with that code."""
    app = create_app(settings)
    captured: list[tuple[str, tuple[Any, ...]]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, tuple(parameters or ())))

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        warm = await client.post("/graphql", json=payload, headers=headers)
        event.listen(app.state.engine.sync_engine, "before_cursor_execute", record)
        body = (await client.post("/graphql", json=payload, headers=headers)).json()
    await app.state.services.close_database()
    for answer in (warm.json(), body):
        codes = [error["extensions"]["code"] for error in answer.get("errors") or ()]
        assert codes == ([refused] if refused else []), answer
    return [(re.sub(r"\s+", " ", s), p) for s, p in captured], body


def serve(module: str, env: dict[str, str], port: int, cwd: Path = ROOT) -> subprocess.Popen[bytes]:
    """`module` under uvicorn, importing the code of the checkout at `cwd`."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            module,
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=cwd,
        env={**os.environ, **env},
    )
    for _ in range(100):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{module} did not start")


def _sent_code(settings: Settings) -> str:
    """The code of the last SMS, from the development inbox (no SMS gateway configured)."""
    last = (settings.var_dir / INBOX_FILE).read_text(encoding="utf-8").splitlines()[-1]
    found = re.search(r"(?<!\d)\d{6}(?!\d)", json.loads(last)["text"])
    assert found is not None, "no verification code in the SMS inbox"
    return found.group(0)


async def signed_in_with_appointments(settings: Settings) -> str:
    """A resident with three upcoming appointments, as the home screen expects; returns a token."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def send(name: str, variables: dict[str, Any], token: str | None = None) -> Any:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            body = {"query": OPERATIONS[name]["body"], "variables": variables}
            return (await client.post("/graphql", json=body, headers=headers)).json()

        account = {"phone": "0912345678", "password": PASSWORD, "displayName": "Lan"}
        started = (await send("Register", {"input": account}))["data"]["register"]
        proof = {"verificationId": started["verificationId"], "code": _sent_code(settings)}
        verified = (await send("VerifyPhone", proof))["data"]["verifyPhone"]
        token = verified["accessToken"]
        found = await send("HealthFacilities", {"near": NEAR}, token)
        now = utcnow()
        booked = 0
        for edge in found["data"]["healthFacilities"]["edges"]:
            window = {
                "facilityId": edge["node"]["id"],
                "from": now.isoformat(),
                "to": (now + timedelta(days=7)).isoformat(),
            }
            slots = (await send("AvailableSlots", window, token))["data"]["availableSlots"]
            for slot in slots["edges"][booked * 10 :]:
                choice = {"input": {"slotId": slot["node"]["id"], "patient": {"self": True}}}
                if not (await send("BookAppointment", choice, token)).get("errors"):
                    booked += 1
                    break
            if booked == 3:
                break
        assert booked == 3, "could not book three appointments"
    await app.state.services.close_database()
    return str(token)
