"""Whole-word tourism search against the trigram ranking it replaced, on one database of
1,000,000 generated attractions (`bench.tourism_search`'s data, with their search words).

    python -m bench.tourism_words --load               # make and keep a loaded database
    python -m bench.tourism_words --keep URL [--rounds 7] [--queries 800]

Single client: each phrase, both rankings interleaved in rounds, median wall time of one call
on the app's engine (the previous ranking is `tourism_search.BEST_MATCHES`, the statement of
migrations 0017/0026, its GiST index still present; the new one is `words.best_matches`, all
its round trips), and PostgreSQL's own execution time of each statement the new ranking sends.
Then 16 concurrent clients: radius search, the new text search and the previous one, p50 / p95
/ p99 and the client process's CPU per request; the machine's load average is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import async_sessionmaker

from backend.db import migrate
from backend.db.engine import create_engine
from backend.settings import Settings
from backend.tourism.repository import words
from backend.tourism.repository.attractions import AttractionOrder, attractions_page
from bench.proc import cpu_seconds
from bench.tourism_search import (
    BEST_MATCHES,
    CLIENTS,
    PAGE,
    RADIUS_M,
    RARE,
    TYPED,
    _point,
    load,
    percentiles,
)
from tests.support.databases import create_postgres_database

PHRASES = TYPED + RARE
# Phrases whose statements' plans are printed: a common word with a rarer one, and typos.
SHOWN = ("chua thien", "thein mu pagoda")
PREVIOUS = text(BEST_MATCHES.replace("$1", ":q"))


def _settings(url: str) -> Settings:
    scratch = Path(tempfile.mkdtemp(prefix="citizen-tourism-words-"))
    return Settings(DATABASE_URL=url, CITIZEN_VAR_DIR=scratch, DATABASE_POOL_SIZE=CLIENTS)


async def single_client(url: str, rounds: int) -> dict[str, dict[str, Any]]:
    engine = create_engine(_settings(url))
    sessions = async_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"))
    samples: dict[str, dict[str, list[float]]] = {
        p: {"previous": [], "words": [], "statements": []} for p in PHRASES
    }
    tops: dict[str, list[str]] = {}
    try:
        async with sessions() as session:
            await session.execute(text("SET max_parallel_workers_per_gather = 0"))
        for _ in range(rounds):
            for phrase in PHRASES:
                async with sessions() as session:
                    started = time.perf_counter()
                    await session.execute(PREVIOUS, {"q": phrase})
                    samples[phrase]["previous"].append(1000 * (time.perf_counter() - started))
                async with sessions() as session:
                    started = time.perf_counter()
                    found = await words.best_matches(session, "attraction", phrase)
                    samples[phrase]["words"].append(1000 * (time.perf_counter() - started))
                tops[phrase] = [f"{d:.3f}" for _, d in found[:3]] + [f"n={len(found)}"]
        # PostgreSQL's own time of the statements the new ranking sends, one call per phrase.
        captured: list[tuple[str, Any]] = []

        def record(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
            captured.append((statement, parameters))

        for phrase in PHRASES:
            captured.clear()
            event.listen(engine.sync_engine, "before_cursor_execute", record)
            async with sessions() as session:
                await words.best_matches(session, "attraction", phrase)
            event.remove(engine.sync_engine, "before_cursor_execute", record)
            total = 0.0
            async with engine.connect() as connection:
                raw = await connection.get_raw_connection()
                driver = raw.driver_connection
                assert driver is not None
                for statement, parameters in captured:
                    rows = await driver.fetch(
                        "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, *tuple(parameters)
                    )
                    value = rows[0][0]  # the app's engine may decode JSON itself
                    plan = json.loads(value) if isinstance(value, str) else value
                    total += float(plan[0]["Execution Time"])
                    if phrase in SHOWN:
                        plan = await driver.fetch(
                            "EXPLAIN (ANALYZE, BUFFERS) " + statement, *tuple(parameters)
                        )
                        print(f"--- {phrase}: {statement}\n" + "\n".join(r[0] for r in plan))
            samples[phrase]["statements"] = [len(captured), round(total, 2)]
    finally:
        await engine.dispose()
    return {
        phrase: {
            "previous_ms": round(statistics.median(runs["previous"]), 2),
            "words_ms": round(statistics.median(runs["words"]), 2),
            "statements": runs["statements"],
            "top": tops[phrase],
        }
        for phrase, runs in samples.items()
    }


async def sixteen_clients(url: str, queries: int) -> dict[str, dict[str, float]]:
    engine = create_engine(_settings(url))
    sessions = async_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"))

    async def radius(rng: random.Random) -> None:
        async with sessions() as session:
            await attractions_page(
                session,
                order=AttractionOrder.DISTANCE,
                near=_point(rng),
                radius_m=RADIUS_M,
                category=None,
                search=None,
                after=None,
                limit=PAGE + 1,
            )

    async def text_words(rng: random.Random) -> None:
        async with sessions() as session:
            await attractions_page(
                session,
                order=AttractionOrder.RELEVANCE,
                near=None,
                radius_m=None,
                category=None,
                search=rng.choice(PHRASES),
                after=None,
                limit=PAGE + 1,
            )

    async def text_previous(rng: random.Random) -> None:
        async with sessions() as session:
            await session.execute(PREVIOUS, {"q": rng.choice(PHRASES)})

    results: dict[str, dict[str, float]] = {}
    try:
        for name, one, count in (
            ("radius", radius, queries),
            ("text (words)", text_words, queries),
            ("text (previous)", text_previous, max(CLIENTS * 4, queries // 8)),
        ):
            await concurrently(CLIENTS * 2, one)
            backends = await _backend_pids(sessions)
            server_before = cpu_seconds(*backends)
            cpu = os.times()
            load_before = os.getloadavg()[0]
            latencies = await concurrently(count, one)
            spent = os.times()
            server = cpu_seconds(*backends) - server_before
            results[name] = percentiles(latencies) | {
                "client_cpu_ms_per_request": round(
                    1000 * (spent.user + spent.system - cpu.user - cpu.system) / len(latencies), 2
                ),
                "postgres_cpu_ms_per_request": round(1000 * server / len(latencies), 2),
                "load_average": round((load_before + os.getloadavg()[0]) / 2, 1),
            }
            print(name, json.dumps(results[name]), flush=True)
    finally:
        await engine.dispose()
    return results


async def _backend_pids(sessions: Any) -> list[int]:
    """The PostgreSQL backends serving this database (the pool's connections, warmed)."""
    async with sessions() as session:
        found = await session.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        )
        return [pid for (pid,) in found]


async def concurrently(queries: int, one: Any) -> list[float]:
    from bench.tourism_search import concurrently as run

    return await run(queries, one)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", action="store_true", help="make and keep a loaded database")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", help="a database loaded by --load")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--queries", type=int, default=800)
    parser.add_argument("--skip-concurrent", action="store_true")
    args = parser.parse_args()
    if args.load:
        url = create_postgres_database()
        migrate.upgrade(_settings(url))
        asyncio.run(load(url, args.rows))
        print("database:", url)
        return
    if not args.keep:
        parser.error("--keep URL (a database made by --load)")
    print("load average:", os.getloadavg())
    single = asyncio.run(single_client(args.keep, args.rounds))
    print("| phrase | previous (GiST trigram), ms | words, ms | ratio | words: statements, PG ms |")
    print("| --- | --- | --- | --- | --- |")
    for phrase, row in single.items():
        ratio = row["previous_ms"] / max(row["words_ms"], 0.01)
        count, own = row["statements"]
        print(
            f'| "{phrase}" | {row["previous_ms"]} | {row["words_ms"]} | {ratio:.0f}× '
            f"| {count}, {own} | {' '.join(row['top'])}"
        )
    if not args.skip_concurrent:
        print(json.dumps(asyncio.run(sixteen_clients(args.keep, args.queries)), indent=2))
    print("load average:", os.getloadavg())


if __name__ == "__main__":
    main()
