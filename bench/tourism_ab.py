"""Tourism radius and text search at 16 concurrent clients, this checkout against a baseline
checkout, interleaved in rounds on one database loaded by `bench.tourism_words --load`:

    python -m bench.tourism_ab --keep URL [--baseline CHECKOUT] [--rounds 3] [--queries 800]
        [--layers database,graphql,sql-floor,http-floor]

Each stage is one process (run with the checkout's code on `PYTHONPATH`) sending `--queries`
searches from 16 clients, each waiting for its answer: through the database layer (the
repository's `attractions_page` on the app's async engine, autocommit sessions, the client in
that process) or through GraphQL (the app's `Attractions` operation, anonymous POSTs over 16
kept-alive connections to one uvicorn process per checkout, answer cache off; the client is a
few lines of asyncio, so that it costs the cores little). With `--layers` naming them, two
floors of this checkout join the rounds: `sql-floor` (the statements the repository sent for 400
searches of each kind, captured first, replayed through asyncpg from the bench's process) and
`http-floor` (the same, one search per request, from `bench/reference.py`'s plain FastAPI
endpoint, rows → JSON). Every stage reports p50 / p95 / p99,
the CPU per request of the client process, of the API process and of the PostgreSQL backends
(user + system from `/proc`), and the load average. Checkouts alternate in order each round.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 16
LAT, LNG, SPAN = 16.46, 107.59, 1.0  # bench.tourism_search's box of 1,000,000 points
RADIUS_M = 1_000
PAGE = 20
TYPED = [
    "chua thien", "lang minh", "cho dong", "cau truong", "dinh phu",
    "den long", "lang khai", "bao tang vinh", "quan xuan", "chua kim",
    "lang tu", "nha vuon hoa", "thien minh", "lang gia", "cho dong ba",
]  # fmt: skip
TICKS = os.sysconf("SC_CLK_TCK")
REDIS_DB = "redis://127.0.0.1:6379/6"


def cpu_seconds(*pids: int) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def _point(rng: random.Random) -> tuple[float, float]:
    return LAT + rng.uniform(-SPAN / 3, SPAN / 3), LNG + rng.uniform(-SPAN / 3, SPAN / 3)


async def concurrently(
    queries: int, one: Callable[[random.Random], Awaitable[None]]
) -> list[float]:
    latencies: list[float] = []

    async def client(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(queries // CLIENTS):
            started = time.perf_counter()
            await one(rng)
            latencies.append(1000 * (time.perf_counter() - started))

    await asyncio.gather(*(client(seed) for seed in range(CLIENTS)))
    return latencies


async def _backends(dsn: str) -> list[int]:
    import asyncpg

    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row["pid"] for row in rows]
    finally:
        await connection.close()


async def measured(
    dsn: str, queries: int, one: Callable[[random.Random], Awaitable[None]], server: int | None
) -> dict[str, float]:
    await concurrently(CLIENTS * 4, one)  # warm the pool, the caches and the prepared plans
    backends = await _backends(dsn)
    load = os.getloadavg()[0]
    before = (os.times(), cpu_seconds(*backends), cpu_seconds(server) if server else 0.0)
    latencies = sorted(await concurrently(queries, one))
    after = (os.times(), cpu_seconds(*backends), cpu_seconds(server) if server else 0.0)
    n = len(latencies)

    def at(share: float) -> float:
        return round(latencies[min(n - 1, int(share * n))], 2)

    client = after[0].user + after[0].system - before[0].user - before[0].system
    return {
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "client_cpu_ms": round(1000 * client / n, 3),
        "api_cpu_ms": round(1000 * (after[2] - before[2]) / n, 3),
        "postgres_cpu_ms": round(1000 * (after[1] - before[1]) / n, 3),
        "load": round((load + os.getloadavg()[0]) / 2, 2),
    }


def _engine(url: str, scratch: Path) -> Any:
    """The app's engine, its sessions in autocommit (a read alone, as the API's reads are)."""
    from backend.db.engine import create_engine
    from backend.settings import Settings

    settings = Settings(DATABASE_URL=url, CITIZEN_VAR_DIR=scratch, DATABASE_POOL_SIZE=CLIENTS)
    return create_engine(settings).execution_options(isolation_level="AUTOCOMMIT")


async def _search(engine: Any, kind: str, rng: random.Random) -> None:
    """One search through the repository, on a session of `engine`."""
    from sqlalchemy.ext.asyncio import AsyncSession

    from backend.db.spatial import point
    from backend.tourism.repository.attractions import AttractionOrder, attractions_page

    async with AsyncSession(engine) as session:
        if kind == "radius":
            found = await attractions_page(
                session,
                order=AttractionOrder.DISTANCE,
                near=point(*_point(rng)),
                radius_m=RADIUS_M,
                category=None,
                search=None,
                after=None,
                limit=PAGE + 1,
            )
        else:
            found = await attractions_page(
                session,
                order=AttractionOrder.RELEVANCE,
                near=None,
                radius_m=None,
                category=None,
                search=rng.choice(TYPED),
                after=None,
                limit=PAGE + 1,
            )
        assert found


async def database_stage(url: str, kind: str, queries: int) -> dict[str, float]:
    """The repository on the app's engine: the code on PYTHONPATH (this or the baseline)."""
    engine = _engine(url, Path(tempfile.mkdtemp(prefix="citizen-tourism-ab-")))
    try:
        return await measured(_dsn(url), queries, lambda rng: _search(engine, kind, rng), None)
    finally:
        await engine.dispose()


async def http_stage(
    url: str, queries: int, server: int, port: int, request: Callable[[random.Random], bytes]
) -> dict[str, float]:
    """`request(rng)`'s HTTP requests over 16 kept-alive connections: each answer must be a
    200 with edges (GraphQL) or rows (the floor). The client is this checkout's code whatever
    the server's (see `_stage`)."""
    from bench import raw_http

    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(CLIENTS):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))

    async def one(rng: random.Random) -> None:
        reader, writer = await pool.get()
        writer.write(request(rng))
        status, answer = await raw_http.read_answer(reader)
        pool.put_nowait((reader, writer))
        assert status == 200, answer[:300]
        assert b'"errors"' not in answer, answer[:300]
        assert b'"edges":[{' in answer or answer.startswith(b"[[{"), answer[:300]

    try:
        return await measured(_dsn(url), queries, one, server)
    finally:
        while not pool.empty():
            pool.get_nowait()[1].close()


async def graphql_stage(
    url: str, kind: str, queries: int, port: int, server: int, body: str
) -> dict[str, float]:
    """Anonymous `Attractions` POSTs."""
    from bench import raw_http

    def request(rng: random.Random) -> bytes:
        if kind == "radius":
            lat, lng = _point(rng)
            variables: dict[str, Any] = {
                "near": {"latitude": lat, "longitude": lng},
                "radiusMeters": RADIUS_M,
                "first": PAGE,
            }
        else:
            variables = {"search": rng.choice(TYPED), "first": PAGE}
        payload = json.dumps({"query": body, "variables": variables}).encode()
        return raw_http.post("/graphql", payload, language="en")

    return await http_stage(url, queries, server, port, request)


# The floors: the statements the repository sent for `CAPTURED` searches of each kind (captured
# on one connection), replayed with their parameters through asyncpg, from the bench's process
# ("sql") or from `bench/reference.py`'s plain FastAPI endpoint, rows → JSON ("http").
CAPTURED = 400


async def capture_stage(url: str, kind: str, folder: Path) -> None:
    import pickle

    from sqlalchemy import event

    statements: list[tuple[str, tuple[Any, ...]]] = []
    scratch = Path(tempfile.mkdtemp(prefix="citizen-tourism-ab-"))
    engine = _engine(url, scratch)
    event.listen(
        engine.sync_engine,
        "before_cursor_execute",
        lambda _c, _k, statement, parameters, *_: statements.append(
            (statement, tuple(parameters or ()))
        ),
    )
    rng = random.Random(7)
    try:
        for index in range(CAPTURED):
            statements.clear()
            await _search(engine, kind, rng)
            assert statements
            path = folder / f"{kind}-{index}.pickle"
            path.write_bytes(pickle.dumps(statements))
    finally:
        await engine.dispose()


def _captured(folder: Path, kind: str) -> list[list[tuple[str, tuple[Any, ...]]]]:
    import pickle

    return [
        pickle.loads((folder / f"{kind}-{index}.pickle").read_bytes())  # noqa: S301 - ours
        for index in range(CAPTURED)
    ]


async def sql_floor_stage(url: str, kind: str, queries: int, folder: Path) -> dict[str, float]:
    import asyncpg

    searches = _captured(folder, kind)
    pool = await asyncpg.create_pool(_dsn(url), min_size=CLIENTS, max_size=CLIENTS)

    async def one(rng: random.Random) -> None:
        async with pool.acquire() as connection:
            for statement, parameters in rng.choice(searches):
                await connection.fetch(statement, *parameters)

    try:
        return await measured(_dsn(url), queries, one, None)
    finally:
        await pool.close()


async def http_floor_stage(
    url: str, kind: str, queries: int, port: int, server: int
) -> dict[str, float]:
    from bench import raw_http

    def request(rng: random.Random) -> bytes:
        return raw_http.post(f"/floor/{kind}-{rng.randrange(CAPTURED)}", b"", language="en")

    return await http_stage(url, queries, server, port, request)


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _stage(tree: Path, args: list[str], code: Path | None = None) -> dict[str, float]:
    """One stage in a fresh process in `tree`, importing the code of `code` (`tree`'s own but
    for HTTP stages, whose client is this checkout's)."""
    env = {**os.environ, "PYTHONPATH": str(code or tree)}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _serve(tree: Path, url: str, port: int) -> subprocess.Popen[bytes]:
    import httpx

    scratch = tempfile.mkdtemp(prefix="citizen-tourism-ab-api-")
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "DATABASE_URL": url,
        "CITIZEN_VAR_DIR": scratch,
        "PUBLIC_ANSWER_TTL_SECONDS": "0",
        "DATABASE_POOL_SIZE": str(CLIENTS),
        "CACHE_REDIS_URL": REDIS_DB,
    }
    command = [sys.executable, "-m", "uvicorn", "backend.app:create_app", "--factory"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    process = subprocess.Popen(command, cwd=tree, env=env)
    for _ in range(150):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the API of {tree} did not start")


def _operation(tree: Path) -> str:
    path = tree / "backend" / "graphql_api" / "contract" / "persisted-queries.json"
    manifest = json.loads(path.read_text("utf-8"))
    (found,) = [o["body"] for o in manifest["operations"] if o["name"] == "Attractions"]
    return str(found)


FLOORS = ("sql-floor", "http-floor")
HTTP_LAYERS = ("graphql", "http-floor")


def _worker(args: argparse.Namespace) -> dict[str, float] | None:
    if args.worker == "capture":
        asyncio.run(capture_stage(args.keep, args.kind, Path(args.folder)))
        return None
    if args.worker == "database":
        return asyncio.run(database_stage(args.keep, args.kind, args.queries))
    if args.worker == "sql-floor":
        return asyncio.run(sql_floor_stage(args.keep, args.kind, args.queries, Path(args.folder)))
    if args.worker == "http-floor":
        stage = http_floor_stage(args.keep, args.kind, args.queries, args.port, args.server)
        return asyncio.run(stage)
    body = _operation(Path.cwd())
    stage = graphql_stage(args.keep, args.kind, args.queries, args.port, args.server, body)
    return asyncio.run(stage)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", required=True, help="a database loaded by tourism_words")
    parser.add_argument("--baseline", help="a checkout of the release to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queries", type=int, default=800)
    parser.add_argument("--layers", default="database,graphql", help="and sql-floor,http-floor")
    workers = ["capture", "database", "graphql", *FLOORS]
    parser.add_argument("--worker", choices=workers, help=argparse.SUPPRESS)
    parser.add_argument("--kind", choices=["radius", "text"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--server", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        found = _worker(args)
        print(json.dumps(found))
        return
    trees = {"now": ROOT}
    if args.baseline:
        trees["baseline"] = Path(args.baseline).resolve()
    layers = args.layers.split(",")
    servers: dict[str, subprocess.Popen[bytes]] = {}
    ports = {name: 8121 + i for i, name in enumerate([*trees, "floor"])}
    results: dict[str, list[dict[str, float]]] = {}
    folder = tempfile.mkdtemp(prefix="citizen-tourism-floor-")
    print("load average:", os.getloadavg(), flush=True)
    try:
        if any(layer in FLOORS for layer in layers):
            for kind in ("radius", "text"):
                _stage(ROOT, ["--worker", "capture", "--kind", kind, "--keep", args.keep,
                              "--folder", folder])  # fmt: skip
            from bench.dataset import serve

            env = {"BENCH_STATEMENTS_DIR": folder, "DATABASE_URL": args.keep}
            servers["floor"] = serve("bench.reference:create_reference", env, ports["floor"])
        if "graphql" in layers:
            for name, tree in trees.items():
                servers[name] = _serve(tree, args.keep, ports[name])
        for round_ in range(args.rounds):
            names = list(trees) if round_ % 2 == 0 else list(reversed(trees))
            for layer in layers:
                for kind in ("radius", "text"):
                    for name in ["now"] if layer in FLOORS else names:
                        stage = ["--worker", layer, "--kind", kind, "--keep", args.keep]
                        stage += ["--queries", str(args.queries), "--folder", folder]
                        server = "floor" if layer == "http-floor" else name
                        if layer in HTTP_LAYERS:
                            stage += ["--port", str(ports[server])]
                            stage += ["--server", str(servers[server].pid)]
                        code = ROOT if layer in HTTP_LAYERS else None
                        found = _stage(trees[name], stage, code)
                        key = f"{layer} {kind} {name}"
                        results.setdefault(key, []).append(found)
                        print(round_, key, json.dumps(found), flush=True)
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=10)
    print("\nmedians of the rounds:")
    print("| stage | p50 / p95 / p99 ms | CPU ms per request: client, API, PostgreSQL | load |")
    print("| --- | --- | --- | --- |")
    for key, runs in results.items():

        def median(field: str, runs: list[dict[str, float]] = runs) -> float:
            return round(statistics.median(run[field] for run in runs), 2)

        print(
            f"| {key} | {median('p50')} / {median('p95')} / {median('p99')} | "
            f"{median('client_cpu_ms')}, {median('api_cpu_ms')}, {median('postgres_cpu_ms')} "
            f"| {median('load')} |"
        )


if __name__ == "__main__":
    main()
