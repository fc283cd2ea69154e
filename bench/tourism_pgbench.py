"""The floor of the tourism radius search: its SQL statement alone, from pgbench (C, prepared),
at 1 to 16 concurrent clients, on a database loaded by `bench.tourism_words --load`:

    python -m bench.tourism_pgbench --keep URL [--seconds 5] [--rounds 3]

No Python, no pool, no HTTP: what PostgreSQL and the two cores give the statement the
repository sends for `attractions(near:, radiusMeters: 1000, first: 20)` (the GiST index read
nearest first, 22 rows), with its full columns and with the id alone. p50 / p95 / p99 from
pgbench's per-transaction log, and transactions per second; medians of the rounds, the client
counts interleaved within each round.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

# The repository's statement (bench.tourism_ab captures it), the point drawn in pgbench over
# bench.tourism_search's box of 1,000,000 points.
POINT = "ST_GeogFromText('SRID=4326;POINT(' || :lng || ' ' || :lat || ')')"
DRAW = (
    "\\set lat 16.46 + (random(0, 666666) - 333333) / 1000000.0\n"
    "\\set lng 107.59 + (random(0, 666666) - 333333) / 1000000.0\n"
)
COLUMNS = {
    "full row": (
        "id, slug, category, name, alternate_names, description, address, "
        "ST_Y(location::geometry), ST_X(location::geometry), opening_hours, "
        "is_accessible_for_free, available_languages, accessibility, photos, audio_guides, "
        "machine_translated, parent_id, place_id"
    ),
    "id alone": "id",
}


STATEMENT = (
    "SELECT <columns>, location <-> <point> AS sort_key FROM tourism_attractions "
    "WHERE published IS true AND ST_DWithin(location, <point>, 1000, false) "
    "ORDER BY location <-> <point> LIMIT 22;\n"
)


def script(columns: str) -> str:
    return DRAW + STATEMENT.replace("<columns>", columns).replace("<point>", POINT)


def run(dsn: str, path: Path, clients: int, seconds: int) -> dict[str, float]:
    logs = Path(tempfile.mkdtemp(prefix="citizen-pgbench-"))
    command = ["pgbench", "-n", "-M", "prepared", "-c", str(clients), "-j", str(min(clients, 2))]
    command += ["-T", str(seconds), "-f", str(path), "-l", f"--log-prefix={logs}/log", dsn]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    tps = next(float(line.split()[2]) for line in lines if line.startswith("tps"))
    latencies = sorted(
        int(line.split()[2]) / 1000
        for log in logs.iterdir()
        for line in log.read_text().splitlines()
    )

    def at(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))]

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "tps": tps}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", required=True, help="a database loaded by tourism_words")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    dsn = make_url(args.keep).set(drivername="postgresql").render_as_string(hide_password=False)
    folder = Path(tempfile.mkdtemp(prefix="citizen-pgbench-"))
    scripts = {}
    for name, columns in COLUMNS.items():
        scripts[name] = folder / f"{name.replace(' ', '-')}.sql"
        scripts[name].write_text(script(columns))
    results: dict[tuple[str, int], list[dict[str, float]]] = {}
    for round_ in range(args.rounds):
        for name, path in scripts.items():
            for clients in (1, 2, 4, 8, 16):
                found = run(dsn, path, clients, args.seconds)
                results.setdefault((name, clients), []).append(found)
                print(round_, name, clients, found, flush=True)
    print("\n| columns | clients | p50 / p95 / p99 ms | transactions/s |")
    print("| --- | --- | --- | --- |")
    for (name, clients), runs in results.items():

        def median(field: str, runs: list[dict[str, float]] = runs) -> float:
            return round(statistics.median(run[field] for run in runs), 2)

        print(
            f"| {name} | {clients} | {median('p50')} / {median('p95')} / {median('p99')} "
            f"| {median('tps'):,.0f} |"
        )


if __name__ == "__main__":
    main()
