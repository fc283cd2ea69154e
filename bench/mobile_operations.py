"""The app's home screen and facility search (mobile_contract/operations) on the seeded-scale
PostgreSQL dataset of bench/facilities.py: full query text, persisted by hash, and the floor
(the same SQL through asyncpg behind a bare endpoint). One uvicorn process, wrk with 32
connections.

    python -m bench.mobile_operations [--seconds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import pickle
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from backend.app import create_app
from backend.db import migrate
from backend.db.types import utcnow
from backend.graphql_api.persisted import MANIFEST
from backend.settings import Settings
from bench.facilities import HUE, capture_statements, load, serve, wrk
from tests.support.databases import create_postgres_database, drop_postgres_database

OPERATIONS = {o["name"]: o for o in json.loads(MANIFEST.read_text(encoding="utf-8"))["operations"]}
NEAR = {"latitude": HUE[0], "longitude": HUE[1]}
PASSWORD = "benchmark password"  # noqa: S105 - a throw-away account in a throw-away database


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
        await send("Register", {"input": account})
        login = await send("Login", {"identifier": "0912345678", "password": PASSWORD})
        token = login["data"]["login"]["accessToken"]
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
    await app.state.engine.dispose()
    return str(token)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="citizen-bench-"))
    url = create_postgres_database()
    settings = Settings(DATABASE_URL=url, CITIZEN_VAR_DIR=scratch, ACCESS_TOKEN_TTL_SECONDS=3600)
    env = {"DATABASE_URL": url, "CITIZEN_VAR_DIR": str(scratch), "ACCESS_TOKEN_TTL_SECONDS": "3600"}
    results: dict[str, Any] = {}
    try:
        migrate.upgrade(settings)
        asyncio.run(load(url, 2000, 100))
        token = asyncio.run(signed_in_with_appointments(settings))
        for name, variables, headers in (
            ("Home", {"near": NEAR}, {"Authorization": f"Bearer {token}"}),
            ("HealthFacilities", {"near": NEAR}, {}),
        ):
            operation = OPERATIONS[name]
            full = {"query": operation["body"], "variables": variables, "operationName": name}
            by_hash = {
                "variables": variables,
                "operationName": name,
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": operation["id"]}},
            }
            statements, _ = asyncio.run(capture_statements(settings, full, headers))
            pickled = scratch / f"{name}.pickle"
            pickled.write_bytes(pickle.dumps(statements))
            figures: dict[str, Any] = {"statements": len(statements)}
            api = serve("backend.app:create_app", env, 8765)
            try:
                for label, payload in (("full_text", full), ("persisted", by_hash)):
                    body = json.dumps(payload)
                    wrk("http://127.0.0.1:8765/graphql", body, 3, scratch, headers)
                    figures[label] = wrk(
                        "http://127.0.0.1:8765/graphql", body, args.seconds, scratch, headers
                    )
            finally:
                api.terminate()
                api.wait(timeout=30)
            floor = serve(
                "bench.floor:create_floor", {**env, "BENCH_STATEMENTS": str(pickled)}, 8765
            )
            try:
                wrk("http://127.0.0.1:8765/floor", "{}", 3, scratch)
                figures["asyncpg_floor"] = wrk(
                    "http://127.0.0.1:8765/floor", "{}", args.seconds, scratch
                )
            finally:
                floor.terminate()
                floor.wait(timeout=30)
            floor_rps = figures["asyncpg_floor"]["requests_per_s"]
            figures["ratio_persisted_to_floor"] = round(
                figures["persisted"]["requests_per_s"] / floor_rps, 3
            )
            results[name] = figures
        print(json.dumps(results, indent=2))
    finally:
        drop_postgres_database(url)


if __name__ == "__main__":
    main()
