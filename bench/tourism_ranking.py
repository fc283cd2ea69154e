"""Ranking a text search over a large table, statement against statement, on one loaded database
(made by `bench.tourism_search --keep`): the earlier statement (every match scored, then the
best 21 — `gin_trgm_ops` index) against the current one (the best matches read nearest first
from the GiST trigram index, `text_search.best_matches`), each typed phrase in interleaved
rounds, median execution time of each as PostgreSQL reports it (EXPLAIN ANALYZE).

    python -m bench.tourism_ranking --keep URL [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics

import asyncpg

from backend.db.text_search import RELEVANCE_WINDOW
from bench.tourism_search import TYPED
from tests.support.databases import asyncpg_dsn

GIN = "ix_bench_search_gin"
SCORED = """
SELECT id FROM tourism_attractions
WHERE published AND citizen_fold($1) <<% citizen_fold(search_text)
ORDER BY CAST(strict_word_similarity(citizen_fold($1), citizen_fold(search_text)) AS float8) DESC,
         id DESC
LIMIT 21"""
NEAREST = f"""
SELECT a.id FROM tourism_attractions AS a JOIN (
  SELECT id, citizen_fold($1) <<<-> citizen_fold(search_text) AS distance
  FROM tourism_attractions
  WHERE published AND citizen_fold($1) <<% citizen_fold(search_text)
  ORDER BY citizen_fold($1) <<<-> citizen_fold(search_text) LIMIT {RELEVANCE_WINDOW}
) AS best ON best.id = a.id
ORDER BY best.distance, best.id
LIMIT 21"""  # noqa: S608 - constants only


async def execution_ms(connection: asyncpg.Connection, statement: str, phrase: str) -> float:
    rows = await connection.fetch(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", phrase)
    return float(json.loads(rows[0][0])[0]["Execution Time"])


async def compare(url: str, rounds: int) -> dict[str, dict[str, float]]:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await connection.execute("SET max_parallel_workers_per_gather = 0")
        await connection.execute(
            f"CREATE INDEX IF NOT EXISTS {GIN} ON tourism_attractions "
            "USING gin (citizen_fold(search_text) gin_trgm_ops)"
        )
        samples: dict[str, dict[str, list[float]]] = {
            phrase: {"scored": [], "nearest": []} for phrase in TYPED
        }
        for _ in range(rounds):
            for phrase in TYPED:
                samples[phrase]["scored"].append(await execution_ms(connection, SCORED, phrase))
                samples[phrase]["nearest"].append(await execution_ms(connection, NEAREST, phrase))
        return {
            phrase: {name: round(statistics.median(values), 1) for name, values in runs.items()}
            for phrase, runs in samples.items()
        }
    finally:
        await connection.execute(f"DROP INDEX IF EXISTS {GIN}")
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", required=True, help="a database loaded by bench.tourism_search")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    results = asyncio.run(compare(args.keep, args.rounds))
    print("| phrase | every match scored (GIN), ms | nearest first (GiST), ms | ratio |")
    print("| --- | --- | --- | --- |")
    for phrase, times in results.items():
        ratio = times["scored"] / max(times["nearest"], 0.01)
        print(f'| "{phrase}" | {times["scored"]} | {times["nearest"]} | {ratio:.0f}× |')


if __name__ == "__main__":
    main()
