"""A rush on the last seats: 200 people book one slot of capacity 3 at the same moment, against
one API process on PostgreSQL. Exactly three must win; the others must hear "full" quickly. In
the same run, one uncontended booking's latency is the yardstick: the burst's p99 is reported
as a multiple of it.

    python -m bench.booking_burst [--people 200] [--rounds 3] [--baseline CHECKOUT] [--floor]

With `--baseline`, a checkout of an earlier release (`git worktree add --detach DIR REV`) serves
the same database on a second port, and each round runs a burst on both, in turn. With
`--floor`, each round also sends the 200 requests to a bare endpoint that runs a refusal's own
SQL through asyncpg (bench/reference.py): what the burst would take without our layers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import pickle
import statistics
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from strawberry.relay import from_base64, to_base64

from backend.app import create_app
from backend.db import migrate
from backend.db.engine import create_engine, create_session_factory
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.health.models import Slot
from backend.identity.models import User
from backend.seed.demo import seed_demo
from backend.settings import Settings
from bench import raw_http
from bench.dataset import OPERATIONS, capture_statements, serve
from bench.proc import cpu_seconds
from tests.support.databases import create_postgres_database, drop_postgres_database
from tests.support.sessions import mint_tokens

BOOK = OPERATIONS["BookAppointment"]["body"]
# Long enough for the tokens minted before the servers start.
TOKENS_LAST_AN_HOUR = {"ACCESS_TOKEN_TTL_SECONDS": "3600"}


@dataclass
class Local:
    """What mint_tokens needs of an app: its services and a session factory."""

    app: Any

    @property
    def sessions(self) -> Any:
        return self.app.state.services.sessions


async def prepare(settings: Settings, people: int, slots: int) -> tuple[list[str], list[str]]:
    """`people` residents with tokens, and `slots` future slots of capacity 3, none booked."""
    app = create_app(settings)
    await seed_demo(app.state.services.sessions)
    ids = [uuid.uuid4() for _ in range(people)]
    async with UnitOfWork(app.state.services.sessions) as uow:
        template = await uow.session.scalar(select(User).limit(1))
        assert template is not None
        uow.session.add_all(
            User(
                id=user_id,
                phone=f"+8490{8000000 + number}",
                password_hash=template.password_hash,
                display_name=f"Công dân {number}",
                is_active=True,
                phone_verified_at=utcnow(),  # only a verified account may book
            )
            for number, user_id in enumerate(ids)
        )
        chosen = (
            await uow.session.scalars(
                select(Slot.id)
                .where(Slot.start_at > utcnow() + timedelta(days=2))
                .order_by(Slot.start_at)
                .limit(slots)
            )
        ).all()
        await uow.session.execute(
            update(Slot).where(Slot.id.in_(chosen)).values(capacity=3, booked=0, blocked=False)
        )
    tokens = await mint_tokens(Local(app), ids)
    await app.state.services.close_database()
    return tokens, [to_base64("AppointmentSlot", str(slot)) for slot in chosen]


async def refusal_statements(settings: Settings, token: str, slot: str) -> list[Any]:
    """The SQL one refusal runs, as asyncpg receives it: `slot` is made full, then booked."""
    engine = create_engine(settings)
    async with UnitOfWork(create_session_factory(engine)) as uow:
        slot_id = uuid.UUID(from_base64(slot)[1])
        await uow.session.execute(update(Slot).where(Slot.id == slot_id).values(booked=3))
    await engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    captured, _ = await capture_statements(
        settings, booking_body(slot), headers, refused="CONFLICT"
    )
    return captured


def booking_body(slot: str) -> dict[str, Any]:
    return {"query": BOOK, "variables": {"input": {"slotId": slot, "patient": {"self": True}}}}


def booking_request(token: str, slot: str) -> bytes:
    """One phone's whole HTTP request, written before the clock starts."""
    return raw_http.post("/graphql", json.dumps(booking_body(slot)).encode(), token, close=True)


async def exchange(port: int, request: bytes) -> tuple[float, int, bytes]:
    """Send one request on a new connection, as a phone would; its latency and answer."""
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    status, body = await raw_http.read_answer(reader)
    elapsed = time.perf_counter() - started
    writer.close()
    return elapsed, status, body


def p99(latencies: list[float]) -> float:
    return sorted(latencies)[int(0.99 * (len(latencies) - 1))]


async def book(port: int, request: bytes) -> tuple[float, str]:
    """Send one booking and read its outcome."""
    elapsed, status, body = await exchange(port, request)
    if status != 200:
        return elapsed, f"HTTP {status}"
    errors = json.loads(body).get("errors") or []
    return elapsed, "booked" if not errors else errors[0]["extensions"]["code"]


async def burst_round(
    port: int, server_pid: int, tokens: list[str], slots: list[str]
) -> dict[str, Any]:
    """A warm-up booking, five uncontended ones (the yardstick), then everyone but those six on
    the last slot at once; `slots` holds seven free slots. Each booking on a new connection, as
    200 phones would open."""
    await book(port, booking_request(tokens[0], slots[0]))  # warm-up: caches
    alone = [(await book(port, booking_request(tokens[1 + i], slots[1 + i])))[0] for i in range(5)]
    requests = [booking_request(token, slots[6]) for token in tokens[6:]]
    server_cpu, client_cpu = cpu_seconds(server_pid), time.process_time()
    burst = await asyncio.gather(*(book(port, request) for request in requests))
    server_cpu = cpu_seconds(server_pid) - server_cpu
    client_cpu = time.process_time() - client_cpu
    latencies = [elapsed for elapsed, _ in burst]
    slowest = p99(latencies)
    uncontended = statistics.median(alone)
    return {
        "uncontended_ms": round(uncontended * 1000, 1),
        "burst_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "burst_p99_ms": round(slowest * 1000, 1),
        "burst_max_ms": round(max(latencies) * 1000, 1),
        "p99_over_uncontended": round(slowest / uncontended, 1),
        "outcomes": dict(Counter(outcome for _, outcome in burst)),
        "server_cpu_ms_per_booking": round(server_cpu * 1000 / len(burst), 2),
        "client_cpu_ms_per_booking": round(client_cpu * 1000 / len(burst), 2),
    }


async def floor_round(port: int, pid: int, tokens: list[str], uncontended: float) -> dict[str, Any]:
    """The burst against its floor: each of the same requests answered by a bare endpoint that
    runs a refusal's statements through asyncpg, on a new connection each."""
    requests = [raw_http.post("/floor/refusal", b"{}", token, close=True) for token in tokens[6:]]
    server_cpu = cpu_seconds(pid)
    burst = await asyncio.gather(*(exchange(port, request) for request in requests))
    server_cpu = cpu_seconds(pid) - server_cpu
    assert all(status == 200 for _, status, _ in burst)
    slowest = p99([elapsed for elapsed, _, _ in burst])
    return {
        "burst_p99_ms": round(slowest * 1000, 1),
        "p99_over_uncontended": round(slowest * 1000 / uncontended, 1),
        "server_cpu_ms_per_request": round(server_cpu * 1000 / len(burst), 2),
    }


async def run(
    servers: dict[str, tuple[int, int]],
    tokens: list[str],
    slots: list[str],
    rounds: int,
    floor: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """`rounds` rounds, each server in turn within a round (interleaved); medians at the end.
    With `floor`, each round also sends the burst to the floor, measured against that round's
    uncontended booking of citizen-hub."""
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in servers}
    if floor is not None:
        results["floor"] = []
    fresh = iter(range(0, len(slots), 7))
    for _ in range(rounds):
        for name, (port, pid) in servers.items():
            start = next(fresh)
            results[name].append(await burst_round(port, pid, tokens, slots[start : start + 7]))
        if floor is not None:
            uncontended = results["citizen-hub"][-1]["uncontended_ms"]
            results["floor"].append(await floor_round(*floor, tokens, uncontended))
    medians = {
        name: {
            key: statistics.median(r[key] for r in found)
            for key in found[0]
            if isinstance(found[0][key], float | int)
        }
        for name, found in results.items()
    }
    return {"rounds": results, "medians": medians}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="a checkout of an earlier release")
    parser.add_argument(
        "--floor", action="store_true", help="also burst a bare endpoint running a refusal's SQL"
    )
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="citizen-burst-"))
    url = create_postgres_database()
    settings = Settings(DATABASE_URL=url, CITIZEN_VAR_DIR=scratch, ACCESS_TOKEN_TTL_SECONDS=3600)
    sides = {"citizen-hub": None} | ({"baseline": args.baseline} if args.baseline else {})
    processes = []
    try:
        migrate.upgrade(settings)
        tokens, slots = asyncio.run(
            prepare(settings, args.people + 6, 7 * args.rounds * len(sides) + 1)
        )
        env = {"DATABASE_URL": url, "CITIZEN_VAR_DIR": str(scratch), **TOKENS_LAST_AN_HOUR}
        floor = None
        if args.floor:
            captured = asyncio.run(refusal_statements(settings, tokens[0], slots.pop()))
            (scratch / "refusal.pickle").write_bytes(pickle.dumps(captured))
            statements = {"BENCH_STATEMENTS_DIR": str(scratch)}
            processes.append(serve("bench.reference:create_reference", env | statements, 8103))
            floor = (8103, processes[-1].pid)
        servers = {}
        for port, (name, checkout) in enumerate(sides.items(), start=8104):
            cwd = {"cwd": checkout.resolve()} if checkout else {}
            processes.append(serve("backend.app:create_app", env, port, **cwd))
            servers[name] = (port, processes[-1].pid)
        print(json.dumps(asyncio.run(run(servers, tokens, slots, args.rounds, floor)), indent=2))
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        drop_postgres_database(url)


if __name__ == "__main__":
    main()
