"""Worker CPU per message of the whole dispatch pipeline, phase by phase, in one process.

    python -m bench.pipeline --people 5000 --rounds 3

Each round notifies N people (one device each) and dispatches them in tasks of 500, once with the
lean sender (`PUSH_GATEWAY=http`) and once with firebase-admin's `send_each`, in alternating
order, against the fast FCM fake in its own process (bench/fast_fcm.py), on PostgreSQL. CPU is
`time.process_time()` of this process (threads included); phases: claim + plan, send, record,
finish (the rest). Medians over the rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvloop
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db import migrate
from backend.db.engine import create_engine, create_session_factory
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.settings import Settings
from bench import fast_fcm
from bench.fanout import ALERT, load_people
from notifications.dispatch import Dispatcher, DispatchReport
from notifications.fcm_body import OutgoingPush
from notifications.gateways import GatewayKind, PushGateway, gateway_for
from notifications.outcomes import PushResult
from notifications.service import DISPATCH_BATCH, notify
from tests.support.databases import create_postgres_database, drop_postgres_database

ROOT = Path(__file__).resolve().parents[1]


class _Discard:
    def send_task(self, name: str, args: Sequence[Any] | None = None) -> object:
        return None  # the benchmark dispatches by itself


class _Timed:
    """Adds each phase's process CPU to a tally (gateway calls and the dispatcher's steps)."""

    def __init__(self, gateway: PushGateway, tally: dict[str, float]) -> None:
        self.gateway, self.tally = gateway, tally

    async def close(self) -> None:
        await self.gateway.close()

    async def send(self, pushes: Sequence[OutgoingPush]) -> list[PushResult]:
        started = time.process_time()
        try:
            return await self.gateway.send(pushes)
        finally:
            self.tally["send"] += time.process_time() - started


class TimedDispatcher(Dispatcher):
    tally: dict[str, float]

    async def _plan(self, session: AsyncSession, claimed: Any, now: Any, report: Any) -> Any:
        started = time.process_time()
        try:
            return await super()._plan(session, claimed, now, report)
        finally:
            self.tally["plan"] += time.process_time() - started

    async def _record(self, chunk: Any, results: Any, earlier: Any, report: Any) -> Any:
        started = time.process_time()
        try:
            return await super()._record(chunk, results, earlier, report)
        finally:
            self.tally["record"] += time.process_time() - started


async def one_round(
    sessions: async_sessionmaker[AsyncSession],
    gateway: PushGateway,
    people: list[uuid.UUID],
) -> dict[str, float]:
    async with UnitOfWork(sessions, _Discard()) as uow:
        ids = await notify(uow, user_ids=people, message=ALERT, now=utcnow())
    tally: dict[str, float] = defaultdict(float)
    dispatcher = TimedDispatcher(sessions, _Timed(gateway, tally))
    object.__setattr__(dispatcher, "tally", tally)
    sent = 0
    started = time.process_time()
    for start in range(0, len(ids), DISPATCH_BATCH):
        report: DispatchReport = await dispatcher.dispatch(
            ids[start : start + DISPATCH_BATCH], owner=f"bench-{start}"
        )
        sent += report.sent
    total = time.process_time() - started
    assert sent == len(people), f"{sent} of {len(people)} sent"
    per_message = {phase: 1000 * cpu / len(people) for phase, cpu in tally.items()}
    per_message["claim+finish+other"] = (
        1000 * total / len(people)
        - per_message["send"]
        - per_message["plan"]
        - per_message["record"]
    )
    per_message["total"] = 1000 * total / len(people)
    return per_message


async def run(url: str, fcm: dict[str, str], people_count: int, rounds: int) -> dict[str, Any]:
    settings = Settings(DATABASE_URL=url, CITIZEN_VAR_DIR=Path(tempfile.mkdtemp()))
    people = await load_people(url, people_count)
    engine = create_engine(settings)
    sessions = create_session_factory(engine)
    kinds: tuple[GatewayKind, GatewayKind] = ("http", "send_each")
    gateways = {k: gateway_for(Path(fcm["credentials"]), fcm["fcm_url"], k) for k in kinds}
    await one_round(sessions, gateways["http"], people[:500])  # warm up: connections, token
    await one_round(sessions, gateways["send_each"], people[:500])
    results: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    for number in range(rounds):
        for kind in kinds if number % 2 == 0 else kinds[::-1]:
            results[kind].append(await one_round(sessions, gateways[kind], people))
    await engine.dispose()
    for gateway in gateways.values():
        await gateway.close()
    medians = {
        kind: {phase: round(statistics.median(r[phase] for r in rows), 3) for phase in rows[0]}
        for kind, rows in results.items()
    }
    ratios = [
        b["total"] / a["total"] for a, b in zip(results["http"], results["send_each"], strict=True)
    ]
    return {
        "people": people_count,
        "rounds": rounds,
        "cpu_ms_per_message": medians,
        "send_each_over_http_total": round(statistics.median(ratios), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="citizen-bench-"))
    url = create_postgres_database()
    fake, fcm = fast_fcm.start(scratch)
    try:
        migrate.upgrade(Settings(DATABASE_URL=url, CITIZEN_VAR_DIR=scratch))
        result = uvloop.run(run(url, fcm, args.people, args.rounds))
    finally:
        counted = fast_fcm.stop(fake)
        drop_postgres_database(url)
    result["fake_fcm"] = counted
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
