"""Importing a school's roster from OneRoster 1.2 CSV files, on both databases: the good
bundle creates its classes and students (and updates the demo's terms where they differ) with
the guardians' phones, so a parent can then be linked; a second import changes nothing; any
bad row (an unknown reference, a duplicate sourcedId, a malformed identifier) is reported by
file and line and nothing at all is written."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from backend.db.types import utcnow
from backend.schools.models import Guardian, SchoolClass, Student
from backend.schools.oneroster.importing import Outcome, import_folder
from backend.seed.demo import stable_id

GOOD = Path(__file__).parent / "oneroster" / "good"
SCHOOL = stable_id("place", "thcs-nguyen-tri-phuong")
TABLES = (
    "school_terms",
    "school_classes",
    "school_students",
    "school_guardians",
    "school_oneroster_ids",
)


async def _import(api: Any, folder: Path) -> Outcome:
    return await import_folder(api.sessions, folder, school_id=SCHOOL, now=utcnow())


def _counts(outcome: Outcome) -> dict[str, tuple[int, int, int]]:
    return {k: (c.created, c.updated, c.unchanged) for k, c in outcome.counts.items()}


async def _snapshot(api: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    async with api.sessions() as session:
        for table in TABLES:
            rows = await session.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
            found[table] = sorted(repr(tuple(row)) for row in rows.all())
    return found


def _bad(tmp_path: Path, file: str, old: str, new: str) -> Path:
    folder = tmp_path / "bundle"
    shutil.copytree(GOOD, folder)
    path = folder / file
    content = path.read_text(encoding="utf-8")
    assert old in content
    path.write_text(content.replace(old, new, 1), encoding="utf-8")
    return folder


async def test_a_good_bundle_is_imported_once(seeded: Any) -> None:
    first = await _import(seeded, GOOD)
    assert first.errors == []
    assert first.written
    # The demo had both terms: the second one ends later in the files.
    assert _counts(first) == {"terms": (0, 1, 1), "classes": (2, 0, 0), "students": (2, 0, 0)}
    assert first.skipped == 3  # a scheduled class, its enrolment, a teacher's enrolment
    async with seeded.sessions() as session:
        students = (
            await session.execute(
                select(Student.identifier, Student.full_name, Student.grade, SchoolClass.name)
                .join(SchoolClass, SchoolClass.id == Student.class_id)
                .where(Student.school_id == SCHOOL)
                .order_by(Student.identifier)
            )
        ).all()
        guardians = (
            await session.execute(
                select(Student.identifier, Guardian.phone)
                .join(Guardian, Guardian.student_id == Student.id)
                .where(Student.school_id == SCHOOL)
                .order_by(Student.identifier, Guardian.phone)
            )
        ).all()
    assert [tuple(s) for s in students] == [
        ("046214001111", "Phạm Văn An", 6, "6/1"),
        ("046313002222", "Lê Thị Bình", 7, "7/1"),
    ]
    assert [tuple(g) for g in guardians] == [
        ("046214001111", "+84905000002"),
        ("046313002222", "+84905000002"),
        ("046313002222", "+84914123456"),
    ]
    before = await _snapshot(seeded)
    again = await _import(seeded, GOOD)
    assert _counts(again) == {"terms": (0, 0, 2), "classes": (0, 0, 2), "students": (0, 0, 2)}
    assert await _snapshot(seeded) == before


async def test_a_changed_row_updates_only_its_record(seeded: Any, tmp_path: Path) -> None:
    await _import(seeded, GOOD)
    renamed = _bad(tmp_path, "users.csv", "An,Phạm Văn", "Anh,Phạm Văn")
    outcome = await _import(seeded, renamed)
    assert _counts(outcome) == {"terms": (0, 0, 2), "classes": (0, 0, 2), "students": (0, 1, 1)}
    async with seeded.sessions() as session:
        name = await session.scalar(
            select(Student.full_name).where(Student.identifier == "046214001111")
        )
    assert name == "Phạm Văn Anh"


BAD_CASES = {
    "unknown class": (
        "enrollments.csv",
        "e-2,active,2026-08-01T00:00:00Z,c-7-1",
        "e-2,active,2026-08-01T00:00:00Z,c-9-9",
        "enrollments.csv, line 3: unknown class 'c-9-9'",
    ),
    "duplicate sourcedId": (
        "users.csv",
        "u-s2,active",
        "u-s1,active",
        "users.csv, line 3: duplicate sourcedId 'u-s1'\n"
        "enrollments.csv, line 3: unknown user 'u-s2'",
    ),
    "malformed identifier": (
        "users.csv",
        "046214001111",
        "04621400111X",
        "users.csv, line 2: identifier '04621400111X': 12 digits",
    ),
    "unknown term": (
        "classes.csv",
        '"hk1-2027,hk2-2027",,,\nc-7-1',
        '"hk1-2027,hk3-2027",,,\nc-7-1',
        "classes.csv, line 2: unknown term 'hk3-2027' in termSourcedIds",
    ),
    "unknown agent": (
        "users.csv",
        '"u-g1,u-g2"',
        '"u-g1,u-g9"',
        "users.csv, line 3: unknown agent 'u-g9'",
    ),
}


async def test_every_bad_row_is_reported_and_nothing_is_written(
    seeded: Any, tmp_path: Path
) -> None:
    before = await _snapshot(seeded)
    for case, (file, old, new, message) in BAD_CASES.items():
        folder = _bad(tmp_path / case.replace(" ", "-"), file, old, new)
        outcome = await _import(seeded, folder)
        assert [str(e) for e in outcome.errors] == message.split("\n"), case
        assert not outcome.written
        assert await _snapshot(seeded) == before, case


async def test_the_command_reports_progress_and_counts(
    seeded: Any, settings: Any, dialect: str
) -> None:
    """The command itself, once (the import is the same on both databases, tested above)."""
    if dialect != "sqlite":
        pytest.skip("the importer is tested on PostgreSQL above; one run of the command suffices")
    citizen = Path(sys.executable).parent / "citizen"
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    process = await asyncio.create_subprocess_exec(
        str(citizen),
        "import",
        "oneroster",
        str(GOOD),
        "--school",
        str(SCHOOL),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    lines = out.decode().replace("\r", "\n").splitlines()
    assert "students: 2/2" in lines
    assert "students: 2 created, 0 updated, 0 unchanged" in lines
    assert "terms: 0 created, 1 updated, 1 unchanged" in lines
