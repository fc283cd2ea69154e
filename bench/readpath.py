"""The read path against its floors, in interleaved rounds, on the dataset of
bench/dataset.py (2,000 facilities, 200,000 slots, PostgreSQL+PostGIS).

For each operation, each round runs wrk against citizen-hub and then against its reference, and
reads each server's own CPU time (utime + stime in /proc/PID/stat) before and after: CPU per
request is steadier than requests per second on a shared machine. Medians over the rounds.

    python -m bench.readpath [--rounds 5] [--seconds 6] [--baseline CHECKOUT]

With `--baseline`, a checkout of an earlier release (`git worktree add --detach DIR REV`) serves
the same database too, and each round measures it between citizen-hub and the reference: the
before/after comparison of a change, interleaved in one run. The database is migrated by this
checkout; the bench only reads, so an older release's code runs on it unchanged.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import pickle
import re
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from backend.db import migrate
from backend.settings import Settings
from bench.dataset import (
    NEAR,
    OPERATIONS,
    capture_statements,
    load,
    serve,
    signed_in_with_appointments,
)
from bench.proc import cpu_seconds
from tests.support.databases import create_postgres_database, drop_postgres_database

PLACES = "query Places { places(first: 20) { edges { node { id name kind address } } } }"


def run_wrk(url: str, body: str, seconds: int, headers: dict[str, str], scratch: Path) -> int:
    """Requests answered with 2xx in `seconds` (wrk, 2 threads, 16 connections)."""
    script = scratch / "request.lua"
    extra = "".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in headers.items())
    script.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f"{extra}wrk.body = {json.dumps(body)}\n"
    )
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", "16", "-d", f"{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return total - (int(errors.group(1)) if errors else 0)


def measure(
    pid: int, url: str, body: str, seconds: int, headers: dict[str, str], scratch: Path
) -> dict[str, float]:
    before = cpu_seconds(pid)
    answered = run_wrk(url, body, seconds, headers, scratch)
    spent = cpu_seconds(pid) - before
    return {
        "requests_per_s": answered / seconds,
        "cpu_ms_per_request": 1000 * spent / max(answered, 1),
    }


def persisted(name: str, variables: dict[str, Any]) -> dict[str, Any]:
    operation = OPERATIONS[name]
    return {
        "operationName": name,
        "variables": variables,
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": operation["id"]}},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--baseline", type=Path, help="a checkout of an earlier release")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="citizen-readpath-"))
    url = create_postgres_database()
    base = {"DATABASE_URL": url, "CITIZEN_VAR_DIR": str(scratch)}
    # Uncached: the statements captured for the floors are those a request really runs.
    settings = Settings(
        DATABASE_URL=url,
        CITIZEN_VAR_DIR=scratch,
        ACCESS_TOKEN_TTL_SECONDS=3600,
        PUBLIC_ANSWER_TTL_SECONDS=0,
    )
    servers: list[subprocess.Popen[bytes]] = []
    try:
        migrate.upgrade(settings)
        asyncio.run(load(url, 2000, 100))
        token = asyncio.run(signed_in_with_appointments(settings))
        signed_in = {"Authorization": f"Bearer {token}"}
        facilities = {"query": OPERATIONS["HealthFacilities"]["body"], "variables": {"near": NEAR}}
        home = {"query": OPERATIONS["Home"]["body"], "variables": {"near": NEAR}}
        places = {"query": PLACES}
        for name, payload, headers in (
            ("facilities", facilities, {}),
            ("home", home, signed_in),
            ("places", places, {}),
        ):
            captured, _ = asyncio.run(capture_statements(settings, payload, headers))
            assert captured, f"{name}: no SQL captured"
            (scratch / f"{name}.pickle").write_bytes(pickle.dumps(captured))
        env = {**base, "ACCESS_TOKEN_TTL_SECONDS": "3600"}
        uncached = serve("backend.app:create_app", {**env, "PUBLIC_ANSWER_TTL_SECONDS": "0"}, 8101)
        cached = serve("backend.app:create_app", {**env, "PUBLIC_ANSWER_TTL_SECONDS": "30"}, 8102)
        reference = serve(
            "bench.reference:create_reference", {**env, "BENCH_STATEMENTS_DIR": str(scratch)}, 8103
        )
        servers = [uncached, cached, reference]
        baseline = None
        if args.baseline is not None:
            baseline = serve(
                "backend.app:create_app",
                {**env, "PUBLIC_ANSWER_TTL_SECONDS": "0"},
                8104,
                cwd=args.baseline.resolve(),
            )
            servers.append(baseline)
        api, api_cached, ref = (
            "http://127.0.0.1:8101/graphql",
            "http://127.0.0.1:8102/graphql",
            "http://127.0.0.1:8103",
        )
        pairs = {
            "typename": (
                (uncached.pid, api, json.dumps({"query": "{ __typename }"}), {}),
                (reference.pid, f"{ref}/plain", "{}", {}),
            ),
            "facility_search": (
                (uncached.pid, api, json.dumps(facilities), {}),
                (reference.pid, f"{ref}/floor/facilities", "{}", {}),
            ),
            "home": (
                (uncached.pid, api, json.dumps(home), signed_in),
                (reference.pid, f"{ref}/floor/home", "{}", {}),
            ),
            "places_20": (
                (uncached.pid, api, json.dumps(places), {}),
                (reference.pid, f"{ref}/floor/places", "{}", {}),
            ),
            "cached_public_answer": (
                (
                    cached.pid,
                    api_cached,
                    json.dumps(persisted("HealthFacilities", {"near": NEAR})),
                    {},
                ),
                (uncached.pid, api, json.dumps(persisted("HealthFacilities", {"near": NEAR})), {}),
            ),
        }
        earlier = {
            name: (baseline.pid, "http://127.0.0.1:8104/graphql", ours[2], ours[3])
            for name, (ours, _) in pairs.items()
            if baseline is not None and name != "cached_public_answer"
        }
        sides = [side for pair in pairs.values() for side in pair] + list(earlier.values())
        for _, target, body, headers in sides:
            run_wrk(target, body, 2, headers, scratch)  # warm-up (and APQ registration)
        rounds: dict[str, list[tuple[dict[str, float], dict[str, float]]]] = {n: [] for n in pairs}
        before: dict[str, list[tuple[dict[str, float], dict[str, float]]]] = {
            n: [] for n in earlier
        }

        def run(side: tuple[int, str, str, dict[str, str]]) -> dict[str, float]:
            pid, target, body, headers = side
            return measure(pid, target, body, args.seconds, headers, scratch)

        for _ in range(args.rounds):
            for name, (ours, theirs) in pairs.items():
                a = run(ours)
                o = run(earlier[name]) if name in earlier else None
                b = run(theirs)
                rounds[name].append((a, b))
                if o is not None:
                    before[name].append((o, b))
        report: dict[str, Any] = {"citizen_hub_vs_reference": summary(rounds)}
        if before:
            report["baseline_vs_reference"] = summary(before)
        print(json.dumps(report, indent=2))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        drop_postgres_database(url)


def summary(
    rounds: dict[str, list[tuple[dict[str, float], dict[str, float]]]],
) -> dict[str, dict[str, float]]:
    """Medians per side, and the ratio of citizen-hub's throughput to its reference's (for the
    cached answer: cached over uncached)."""
    report = {}
    for name, measured in rounds.items():
        ours = {k: statistics.median(a[k] for a, _ in measured) for k in measured[0][0]}
        theirs = {k: statistics.median(b[k] for _, b in measured) for k in measured[0][1]}
        report[name] = {
            "citizen_hub_rps": round(ours["requests_per_s"], 1),
            "reference_rps": round(theirs["requests_per_s"], 1),
            "ratio_rps": round(
                statistics.median(a["requests_per_s"] / b["requests_per_s"] for a, b in measured),
                3,
            ),
            "citizen_hub_cpu_ms": round(ours["cpu_ms_per_request"], 2),
            "reference_cpu_ms": round(theirs["cpu_ms_per_request"], 2),
            "ratio_cpu": round(
                statistics.median(
                    a["cpu_ms_per_request"] / b["cpu_ms_per_request"] for a, b in measured
                ),
                2,
            ),
        }
    return report


if __name__ == "__main__":
    main()
