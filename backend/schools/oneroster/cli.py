"""`citizen import oneroster DIR --school ID`: check a OneRoster 1.2 CSV bundle, write it in
one transaction or not at all, and report what was created, updated and left unchanged."""

from __future__ import annotations

import asyncio
import importlib
import sys
import uuid
from pathlib import Path

from backend.db.engine import create_engine, create_session_factory
from backend.db.types import utcnow
from backend.domains import model_modules
from backend.schools.oneroster.importing import import_folder
from backend.schools.oneroster.reading import BundleError
from backend.settings import Settings


def import_oneroster(folder: Path, school: str) -> int:
    try:
        school_id = uuid.UUID(school)
    except ValueError:
        print(f"--school {school!r} is not a school id (a UUID)", file=sys.stderr)
        return 1

    def progress(kind: str, done: int, total: int) -> None:
        print(f"\r{kind}: {done}/{total}", end="\n" if done == total else "", flush=True)

    for module in model_modules():  # every table, so foreign keys resolve their types
        importlib.import_module(module)

    async def run() -> int:
        engine = create_engine(Settings())
        try:
            outcome = await import_folder(
                create_session_factory(engine),
                folder,
                school_id=school_id,
                now=utcnow(),
                progress=progress,
            )
        except BundleError as exc:
            print(f"{folder}: {exc}", file=sys.stderr)
            return 1
        finally:
            await engine.dispose()
        for error in outcome.errors:
            print(error, file=sys.stderr)
        if not outcome.written:
            print(f"{len(outcome.errors)} rows refused: nothing imported", file=sys.stderr)
            return 1
        for kind, counts in outcome.counts.items():
            print(
                f"{kind}: {counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged"
            )
        print(f"{outcome.skipped} rows not used (teachers, scheduled classes, deletions)")
        return 0

    return asyncio.run(run())
