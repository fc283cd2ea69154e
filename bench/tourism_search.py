"""Tourism search over 1,000,000 points of interest on PostgreSQL: radius search (GiST on the
geography column) and text search (whole words, `backend/tourism/words.py`), p50/p95/p99 per
query at 16 concurrent clients, through the database layer (the repository's statements on the
app's async engine) and through GraphQL (a uvicorn process, anonymous POSTs, answer cache off),
with the EXPLAIN plans of both statements.

    python -m bench.tourism_search [--rows 1000000] [--queries 1600] [--keep URL]
    python -m bench.tourism_search --keep URL --signatures [--rounds 5]

`--signatures` compares, on one loaded database and in one run, the text statement with the GiST
trigram index of migration 0017 (64-byte signatures) and of 0026 (512 bytes): both indexes are
built, and each execution sees only one of them (the other is dropped in a transaction that is
rolled back); phrases and indexes alternate in rounds, and the median of PostgreSQL's own
execution times is reported, with the answers checked equal.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import async_sessionmaker

from backend.db import migrate
from backend.db.engine import create_engine, create_session_factory
from backend.settings import Settings
from backend.tourism.repository.attractions import AttractionOrder, attractions_page
from bench.dataset import OPERATIONS, serve
from tests.support.databases import asyncpg_dsn, create_postgres_database, drop_postgres_database

CLIENTS = 16
# A box around Huế of about 110 × 110 km: 1,000,000 points, about 80 per km².
LAT, LNG, SPAN = 16.46, 107.59, 1.0
RADIUS_M = 1_000
PAGE = 20
KINDS = ["Chùa", "Lăng", "Chợ", "Cầu", "Đình", "Làng", "Nhà vườn", "Bảo tàng", "Đền", "Quán"]
# Two syllables of 20 initials × 15 rhymes each: 90,000 word pairs, so that a phrase a visitor
# types matches hundreds of rows, not a tenth of the table.
INITIALS = [
    "Th", "M", "T", "Kh", "Đ", "H", "B", "Ph", "V", "L",
    "Ng", "Qu", "X", "K", "G", "N", "Tr", "S", "C", "D",
]  # fmt: skip
RHYMES = [
    "iên",
    "inh",
    "ự",
    "ải",
    "ông",
    "ương",
    "an",
    "ú",
    "ĩnh",
    "uận",
    "òa",
    "ong",
    "ình",
    "uân",
    "im",
]
TYPED = [
    "chua thien", "lang minh", "cho dong", "cau truong", "dinh phu",
    "den long", "lang khai", "bao tang vinh", "quan xuan", "chua kim",
    "lang tu", "nha vuon hoa", "thien minh", "lang gia", "cho dong ba",
]  # fmt: skip


# Phrases that match few of the generated names (none but typos or fuzzy neighbours): what a
# visitor types for a monument the table does not hold.
RARE = ["ho quyen", "van mieu", "tomb of gia long", "thein mu pagoda"]
# Signature lengths (bytes) of the GiST trigram index: migration 0017, then 0026.
SIGNATURES = {"0017 (siglen=64)": 64, "siglen=256": 256, "0026 (siglen=512)": 512}
SEARCH_INDEX = "ix_tourism_attractions_search_trgm"
# The statement `attractions_page` sends for a text search (text_search.best_matches).
BEST_MATCHES = """
SELECT a.id, best.distance FROM tourism_attractions AS a JOIN (
  SELECT id, citizen_fold($1) <<<-> citizen_fold(search_text) AS distance
  FROM tourism_attractions
  WHERE published AND citizen_fold($1) <<% citizen_fold(search_text)
  ORDER BY citizen_fold($1) <<<-> citizen_fold(search_text) LIMIT 60
) AS best ON best.id = a.id
ORDER BY best.distance, best.id
LIMIT 21"""


def _array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


# One INSERT … SELECT generate_series: a kind, two generated syllables and a number.
INSERT = f"""
INSERT INTO tourism_attractions (
  id, slug, category, name, alternate_names, description, address, location, opening_hours,
  is_accessible_for_free, available_languages, accessibility, photos, audio_guides,
  machine_translated, parent_id, place_id, search_text, published, created_at)
SELECT gen_random_uuid(), 'poi-' || i,
  (ARRAY['imperial_monument','royal_tomb','pagoda','museum','market','bridge','nature',
         'craft_village','food'])[1 + i % 9],
  json_build_object('vi', n, 'en', n), '[]', json_build_object('vi', 'Điểm ' || n, 'en', n),
  'Huế', ST_SetSRID(ST_MakePoint({LNG - SPAN / 2} + random() * {SPAN},
                                  {LAT - SPAN / 2} + random() * {SPAN}), 4326)::geography,
  NULL, i % 3 = 0, '["vi"]', NULL, '[]', '{{}}', '[]', NULL, NULL, n || ' | Huế', true, now()
FROM (
  SELECT i, ({_array(KINDS)})[1 + i % 10] || ' '
         || ({_array(INITIALS)})[1 + (i / 10) % 20] || ({_array(RHYMES)})[1 + (i / 200) % 15]
         || ' '
         || ({_array(INITIALS)})[1 + (i / 3000) % 20] || ({_array(RHYMES)})[1 + (i / 60000) % 15]
         || ' ' || (i % 997) AS n
  FROM generate_series(1, $1) AS i
) AS generated
"""  # noqa: S608 - constants only; the row count is a parameter


async def load(url: str, rows: int) -> dict[str, str]:
    """Insert `rows` points without indexes, then build the indexes and analyse; returns the
    index definitions."""
    connection = await asyncpg.connect(asyncpg_dsn(url), timeout=10)
    try:
        indexes = {
            name: definition
            for name, definition in await connection.fetch(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tourism_attractions'"
                " AND indexname NOT LIKE 'pk_%' AND indexname NOT LIKE 'uq_%'"
            )
        }
        for name in indexes:
            await connection.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        await connection.execute("SET maintenance_work_mem = '512MB'")
        await connection.execute(INSERT, rows)
        inserted = time.perf_counter()
        for definition in indexes.values():
            await connection.execute(definition)
        await connection.execute("ANALYZE tourism_attractions")
        indexed = time.perf_counter()
        await index_words(connection)
        print(
            f"loaded {rows:,} rows: insert {inserted - started:.0f} s, "
            f"indexes {indexed - inserted:.0f} s, words {time.perf_counter() - indexed:.0f} s"
        )
        return dict(indexes)
    finally:
        await connection.close()


# The words of every generated name (`backend.tourism.words.words_of` in SQL: the generated
# names fold to ASCII letters and digits, where the two agree), as the flush hook would keep them.
WORDS = """
INSERT INTO tourism_search_words (word)
SELECT DISTINCT w FROM tourism_attractions,
  regexp_split_to_table(citizen_fold(search_text), '[^[:alnum:]]+') AS w
WHERE w <> '' AND published
ON CONFLICT DO NOTHING"""
POSTINGS = """
INSERT INTO tourism_attraction_words (attraction_id, word_id, words)
SELECT held.id, word_id, held.ids FROM (
  SELECT a.id, array_agg(DISTINCT v.id ORDER BY v.id) AS ids
  FROM tourism_attractions AS a,
    regexp_split_to_table(citizen_fold(a.search_text), '[^[:alnum:]]+') AS w
    JOIN tourism_search_words AS v ON v.word = w
  WHERE a.published GROUP BY a.id
) AS held, unnest(held.ids) AS word_id"""


# What `reindex` keeps: the rows holding each word (migration 0032).
COUNTS = """
UPDATE tourism_search_words AS v SET attraction_rows = held.n FROM (
  SELECT word_id, count(*) AS n FROM tourism_attraction_words GROUP BY word_id
) AS held WHERE held.word_id = v.id"""


async def index_words(connection: asyncpg.Connection) -> None:
    """The search words of every row, their indexes dropped while inserting and rebuilt."""
    indexes = await connection.fetch(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tourism_attraction_words'"
        " AND indexname NOT LIKE 'pk_%'"
    )
    await connection.execute(
        "ALTER TABLE tourism_attraction_words DROP CONSTRAINT pk_tourism_attraction_words"
    )
    for name, _ in indexes:
        await connection.execute(f'DROP INDEX IF EXISTS "{name}"')
    await connection.execute("SET work_mem = '256MB'")
    await connection.execute(WORDS)
    await connection.execute(POSTINGS)
    await connection.execute(COUNTS)
    await connection.execute(
        "ALTER TABLE tourism_attraction_words ADD CONSTRAINT pk_tourism_attraction_words "
        "PRIMARY KEY (attraction_id, word_id)"
    )
    for _, definition in indexes:
        await connection.execute(definition)
    await connection.execute("VACUUM ANALYZE tourism_attraction_words")
    await connection.execute("VACUUM ANALYZE tourism_search_words")


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return {
        "n": len(ordered),
        "p50_ms": round(at(0.50), 2),
        "p95_ms": round(at(0.95), 2),
        "p99_ms": round(at(0.99), 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


async def concurrently(
    queries: int, one: Callable[[random.Random], Awaitable[None]]
) -> list[float]:
    """`queries` calls of `one` from CLIENTS clients, each waiting for its answer."""
    latencies: list[float] = []
    per_client = queries // CLIENTS

    async def client(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(per_client):
            started = time.perf_counter()
            await one(rng)
            latencies.append(1000 * (time.perf_counter() - started))

    await asyncio.gather(*(client(seed) for seed in range(CLIENTS)))
    return latencies


def _point(rng: random.Random) -> Any:
    from backend.db.spatial import point

    return point(LAT + rng.uniform(-SPAN / 3, SPAN / 3), LNG + rng.uniform(-SPAN / 3, SPAN / 3))


async def database_layer(settings: Settings, queries: int) -> dict[str, dict[str, float]]:
    """The repository's statements on the app's engine, a session per query, in autocommit as
    the request's read path does (no BEGIN/ROLLBACK round trips)."""
    engine = create_engine(settings)
    sessions = async_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"))
    results: dict[str, dict[str, float]] = {}

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

    async def text(rng: random.Random) -> None:
        async with sessions() as session:
            await attractions_page(
                session,
                order=AttractionOrder.RELEVANCE,
                near=None,
                radius_m=None,
                category=None,
                search=rng.choice(TYPED),
                after=None,
                limit=PAGE + 1,
            )

    try:
        for name, one in (("radius", radius), ("text", text)):
            await concurrently(CLIENTS * 4, one)  # warm the pool and the caches
            results[name] = percentiles(await concurrently(queries, one))
    finally:
        await engine.dispose()
    return results


async def explain(settings: Settings) -> dict[str, str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements the repository sends, as it sends them."""
    engine = create_engine(settings)
    sessions = create_session_factory(engine)
    captured: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    plans: dict[str, str] = {}
    try:
        rng = random.Random(7)
        for name, order, search in (
            ("radius", AttractionOrder.DISTANCE, None),
            ("text", AttractionOrder.RELEVANCE, "chua thien"),
        ):
            captured.clear()
            event.listen(engine.sync_engine, "before_cursor_execute", record)
            async with sessions() as session:
                await attractions_page(
                    session,
                    order=order,
                    near=_point(rng) if search is None else None,
                    radius_m=RADIUS_M if search is None else None,
                    category=None,
                    search=search,
                    after=None,
                    limit=PAGE + 1,
                )
            event.remove(engine.sync_engine, "before_cursor_execute", record)
            # A text search sends several statements (backend/tourism/repository/words.py).
            shown = []
            async with engine.connect() as connection:
                raw = await connection.get_raw_connection()
                driver = raw.driver_connection
                assert driver is not None
                for statement, parameters in captured:
                    rows = await driver.fetch(
                        "EXPLAIN (ANALYZE, BUFFERS) " + statement, *tuple(parameters)
                    )
                    shown.append("\n".join(row[0] for row in rows))
            plans[name] = "\n---\n".join(shown)
    finally:
        await engine.dispose()
    return plans


async def through_graphql(port: int, queries: int) -> dict[str, dict[str, float]]:
    """Anonymous `Attractions` POSTs (the app's own operation) to a uvicorn process."""
    body = OPERATIONS["Attractions"]["body"]
    results: dict[str, dict[str, float]] = {}
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30
    ) as client:

        async def send(variables: dict[str, Any]) -> None:
            answer = await client.post(
                "/graphql",
                json={"query": body, "variables": variables},
                headers={"Accept-Language": "en"},
            )
            payload = answer.json()
            assert "errors" not in payload, payload

        async def radius(rng: random.Random) -> None:
            near = _point(rng)
            await send(
                {
                    "near": {"latitude": near.y, "longitude": near.x},
                    "radiusMeters": RADIUS_M,
                    "first": PAGE,
                }
            )

        async def text(rng: random.Random) -> None:
            await send({"search": rng.choice(TYPED), "first": PAGE})

        for name, one in (("radius", radius), ("text", text)):
            await concurrently(CLIENTS * 4, one)
            results[name] = percentiles(await concurrently(queries, one))
    return results


async def compare_signatures(url: str, rounds: int) -> dict[str, dict[str, float]]:
    """Median execution time (ms) of the text statement per phrase with each signature length;
    raises if the two indexes ever answer differently (distances compared, ties aside)."""
    connection = await asyncpg.connect(asyncpg_dsn(url), timeout=10)
    names = {label: f"ix_bench_search_siglen_{siglen}" for label, siglen in SIGNATURES.items()}
    try:
        await connection.execute("SET max_parallel_workers_per_gather = 0")
        await connection.execute("SET maintenance_work_mem = '512MB'")
        (present,) = await connection.fetchrow(
            "SELECT indexdef FROM pg_indexes WHERE indexname = $1", SEARCH_INDEX
        )
        for label, siglen in SIGNATURES.items():
            if f"siglen='{siglen}'" in present or f"siglen={siglen}" in present:
                names[label] = SEARCH_INDEX
                continue
            started = time.perf_counter()
            await connection.execute(
                f"CREATE INDEX IF NOT EXISTS {names[label]} ON tourism_attractions USING gist "
                f"(citizen_fold(search_text) gist_trgm_ops(siglen={siglen}))"
            )
            print(f"built {label}: {time.perf_counter() - started:.0f} s", flush=True)
        samples: dict[str, dict[str, list[float]]] = {
            phrase: {label: [] for label in SIGNATURES} for phrase in TYPED + RARE
        }
        for _ in range(rounds):
            for phrase in TYPED + RARE:
                answers = []
                for label in SIGNATURES:
                    hidden = [name for other, name in names.items() if other != label]
                    hiding = connection.transaction()
                    await hiding.start()
                    try:
                        for name in hidden:
                            await connection.execute(f'DROP INDEX "{name}"')
                        rows = await connection.fetch(
                            f"EXPLAIN (ANALYZE, FORMAT JSON) {BEST_MATCHES}", phrase
                        )
                        plan = json.loads(rows[0][0])[0]
                        assert names[label] in json.dumps(plan["Plan"]), (label, plan)
                        samples[phrase][label].append(float(plan["Execution Time"]))
                        found = await connection.fetch(BEST_MATCHES, phrase)
                        answers.append([round(row["distance"], 5) for row in found])
                    finally:
                        await hiding.rollback()
                assert all(answer == answers[0] for answer in answers), (phrase, answers)
    finally:
        for name in names.values():
            if name != SEARCH_INDEX:
                await connection.execute(f'DROP INDEX IF EXISTS "{name}"')
        await connection.close()
    return {
        phrase: {label: round(statistics.median(values), 1) for label, values in runs.items()}
        for phrase, runs in samples.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=800)
    parser.add_argument("--keep", help="reuse this loaded database (a URL) and keep it")
    parser.add_argument(
        "--signatures", action="store_true", help="compare the 0017 and 0026 search indexes"
    )
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.signatures:
        if not args.keep:
            parser.error("--signatures needs --keep URL (a loaded database)")
        compared = asyncio.run(compare_signatures(args.keep, args.rounds))
        print("| phrase | " + " | ".join(f"{label}, ms" for label in SIGNATURES) + " |")
        print("| --- " * (len(SIGNATURES) + 1) + "|")
        for phrase, times in compared.items():
            print(f'| "{phrase}" | ' + " | ".join(str(times[label]) for label in SIGNATURES) + " |")
        return
    scratch = Path(tempfile.mkdtemp(prefix="citizen-tourism-bench-"))
    url = args.keep or create_postgres_database()
    settings = Settings(
        DATABASE_URL=url,
        CITIZEN_VAR_DIR=scratch,
        PUBLIC_ANSWER_TTL_SECONDS=0,
        DATABASE_POOL_SIZE=CLIENTS,
    )
    server = None
    try:
        if not args.keep:
            migrate.upgrade(settings)
            asyncio.run(load(url, args.rows))
        print("database:", url)
        plans = asyncio.run(explain(settings))
        for name, plan in plans.items():
            print(f"--- EXPLAIN {name}\n{plan}")
        report: dict[str, Any] = {"rows": args.rows, "clients": CLIENTS}
        report["database_layer"] = asyncio.run(database_layer(settings, args.queries))
        print(json.dumps(report["database_layer"]))
        env = {
            "DATABASE_URL": url,
            "CITIZEN_VAR_DIR": str(scratch),
            "PUBLIC_ANSWER_TTL_SECONDS": "0",
            "DATABASE_POOL_SIZE": str(CLIENTS),
        }
        server = serve("backend.app:create_app", env, 8111)
        report["graphql"] = asyncio.run(through_graphql(8111, args.queries))
        report["uses_gist"] = bool(re.search(r"gist|location", plans["radius"], re.I))
        report["uses_word_index"] = "ix_tourism_attraction_words_word_id" in plans["text"]
        print(json.dumps(report, indent=2))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if not args.keep:
            drop_postgres_database(url)


if __name__ == "__main__":
    main()
