"""The traffic domain's commands: `citizen import violations FILE`, `citizen traffic feed-key`."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from backend.db.engine import create_engine, create_session_factory
from backend.db.types import utcnow
from backend.settings import Settings


def import_violations(path: Path) -> int:
    """Check every row, report bad rows by line, then save all of them with a progress line."""
    from backend.traffic.importer import ImportFileError, import_file
    from backend.worker.celery_app import create_celery

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {path}: {exc}", file=sys.stderr)
        return 1

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} violations saved", end="" if done < total else "\n", flush=True)

    settings = Settings()

    async def run() -> int:
        engine = create_engine(settings)
        try:
            outcome = await import_file(
                create_session_factory(engine),
                text,
                tasks=create_celery(settings),
                now=utcnow(),
                progress=progress,
            )
        except ImportFileError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            return 1
        finally:
            await engine.dispose()
        for error in outcome.errors:
            print(error, file=sys.stderr)
        if outcome.report is None:
            print(
                f"{len(outcome.errors)} of {outcome.rows} rows refused: nothing imported",
                file=sys.stderr,
            )
            return 1
        report = outcome.report
        print(f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged")
        return 0

    return asyncio.run(run())


def create_feed_key(name: str) -> int:
    from backend.traffic.feed import create_key

    settings = Settings()

    async def run() -> str:
        engine = create_engine(settings)
        try:
            return await create_key(
                create_session_factory(engine), settings.feed_secret, name, utcnow()
            )
        finally:
            await engine.dispose()

    print(asyncio.run(run()))
    return 0
