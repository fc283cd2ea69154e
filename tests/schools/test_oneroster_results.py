"""Importing grades from OneRoster 1.2 CSV (categories, lineItems, results) beside the roster,
on both databases: fully graded results become the students' grades by subject, term and kind,
each in the grade log; a second import changes nothing, a changed score is a logged correction,
and any bad row is reported by file and line with nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from backend.db.types import utcnow
from backend.schools.models import Assessment, AssessmentEvent, Student
from backend.schools.oneroster.importing import Outcome, import_folder
from backend.schools.oneroster.reading import BundleError
from backend.seed.demo import stable_id

HERE = Path(__file__).parent / "oneroster"
SCHOOL = stable_id("place", "thcs-nguyen-tri-phuong")
AN = "046214001111"
TABLES = (
    "school_terms",
    "school_classes",
    "school_students",
    "school_guardians",
    "school_oneroster_ids",
    "school_assessments",
    "school_assessment_events",
)


def _bundle(tmp_path: Path, file: str | None = None, old: str = "", new: str = "") -> Path:
    """The good roster with the results files, one file changed if asked."""
    folder = tmp_path / "bundle"
    shutil.copytree(HERE / "good", folder)
    for path in (HERE / "results").iterdir():
        shutil.copy(path, folder / path.name)
    if file is not None:
        target = folder / file
        content = target.read_text(encoding="utf-8")
        assert old in content, (file, old)
        target.write_text(content.replace(old, new, 1), encoding="utf-8")
    return folder


async def _import(api: Any, folder: Path) -> Outcome:
    return await import_folder(api.sessions, folder, school_id=SCHOOL, now=utcnow())


async def _snapshot(api: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    async with api.sessions() as session:
        for table in TABLES:
            rows = await session.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
            found[table] = sorted(repr(tuple(row)) for row in rows.all())
    return found


async def _grades(api: Any) -> list[tuple[Any, ...]]:
    statement = (
        select(
            Assessment.subject_code,
            Assessment.kind,
            Assessment.score,
            Assessment.comment,
            Assessment.assessed_on,
        )
        .join(Student, Student.id == Assessment.student_id)
        .where(Student.identifier == AN)
        .order_by(Assessment.assessed_on)
    )
    async with api.sessions() as session:
        return [tuple(row) for row in await session.execute(statement)]


async def _log(api: Any) -> list[tuple[Any, ...]]:
    statement = select(
        AssessmentEvent.action,
        AssessmentEvent.actor_id,
        AssessmentEvent.previous_score,
        AssessmentEvent.score,
        AssessmentEvent.reason,
    ).order_by(AssessmentEvent.action.desc(), AssessmentEvent.score)
    async with api.sessions() as session:
        return [tuple(row) for row in await session.execute(statement)]


async def test_results_become_grades_once(seeded: Any, tmp_path: Path) -> None:
    folder = _bundle(tmp_path)
    first = await _import(seeded, folder)
    assert first.errors == []
    assert first.counts["results"].created == 2
    assert first.skipped == 4  # the roster's three, and a result not yet submitted
    grades = await _grades(seeded)
    assert [(g[0], g[1].value, g[2], g[3], g[4].isoformat()) for g in grades] == [
        ("math", "fifteen_minutes", 8.5, None, "2026-10-01"),
        ("math", "midterm", 7.75, "Cần luyện thêm hình học.", "2026-11-04"),
    ]
    assert await _log(seeded) == [
        ("recorded", None, None, 7.75, "OneRoster import"),
        ("recorded", None, None, 8.5, "OneRoster import"),
    ]
    before = await _snapshot(seeded)
    again = await _import(seeded, folder)
    counts = again.counts["results"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 2)
    assert await _snapshot(seeded) == before


async def test_a_changed_score_is_a_logged_correction(seeded: Any, tmp_path: Path) -> None:
    await _import(seeded, _bundle(tmp_path / "first"))
    changed = _bundle(tmp_path / "second", "results.csv", "fully graded,8.5,", "fully graded,9,")
    outcome = await _import(seeded, changed)
    counts = outcome.counts["results"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 1)
    assert [g[2] for g in await _grades(seeded)] == [9.0, 7.75]
    assert ("corrected", None, 8.5, 9.0, "OneRoster import") in await _log(seeded)


async def test_a_second_midterm_of_the_subject_is_refused(seeded: Any, tmp_path: Path) -> None:
    folder = _bundle(tmp_path)
    with (folder / "lineItems.csv").open("a", encoding="utf-8") as items:
        items.write(
            "li-3,active,2026-11-06T00:00:00Z,Kiểm tra giữa kỳ I (lần 2),,2026-11-06,2026-11-06,"
            "c-toan-6-1,cat-gk,hk1-2027,0,10\n"
        )
    with (folder / "results.csv").open("a", encoding="utf-8") as results:
        results.write("r-4,active,2026-11-07T00:00:00Z,li-3,u-s1,fully graded,9,,2026-11-06,\n")
    before = await _snapshot(seeded)
    outcome = await _import(seeded, folder)
    assert [str(e) for e in outcome.errors] == [
        "results.csv, line 5: a second midterm grade of the subject"
    ]
    assert not outcome.written
    assert await _snapshot(seeded) == before


async def test_a_midterm_under_a_new_source_id_corrects_the_one_given(
    seeded: Any, tmp_path: Path
) -> None:
    await _import(seeded, _bundle(tmp_path / "first"))
    renamed = _bundle(tmp_path / "second", "results.csv", "r-2,active", "r-9,active")
    renamed_score = renamed / "results.csv"
    content = renamed_score.read_text(encoding="utf-8")
    renamed_score.write_text(content.replace("fully graded,7.75,", "fully graded,8,"), "utf-8")
    outcome = await _import(seeded, renamed)
    assert outcome.errors == []
    counts = outcome.counts["results"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 1)
    midterms = [g for g in await _grades(seeded) if g[1].value == "midterm"]
    assert [g[2] for g in midterms] == [8.0]
    assert ("corrected", None, 7.75, 8.0, "OneRoster import") in await _log(seeded)


BAD_CASES = {
    "unknown category": (
        "categories.csv",
        "15 phút",
        "Bài tập về nhà",
        "categories.csv, line 2: title 'Bài tập về nhà': not a kind of assessment\n"
        "lineItems.csv, line 2: unknown category 'cat-15'\n"
        "results.csv, line 2: unknown lineItem 'li-1'\n"
        "results.csv, line 4: unknown lineItem 'li-1'",
    ),
    "unknown term": (
        "lineItems.csv",
        "cat-gk,hk1-2027",
        "cat-gk,hk9-2027",
        "lineItems.csv, line 3: unknown term 'hk9-2027'\n"
        "results.csv, line 3: unknown lineItem 'li-2'",
    ),
    "a class without a subject": (
        "lineItems.csv",
        "c-toan-6-1,cat-gk",
        "c-6-1,cat-gk",
        "lineItems.csv, line 3: class 'c-6-1' needs exactly one subjectCode\n"
        "results.csv, line 3: unknown lineItem 'li-2'",
    ),
    "another scale": (
        "lineItems.csv",
        "hk1-2027,0,10\nli-2",
        "hk1-2027,0,100\nli-2",
        "lineItems.csv, line 2: resultValueMax must be 10: scores are out of 10\n"
        "results.csv, line 2: unknown lineItem 'li-1'\n"
        "results.csv, line 4: unknown lineItem 'li-1'",
    ),
    "unknown student": (
        "results.csv",
        "li-2,u-s1",
        "li-2,u-s9",
        "results.csv, line 3: unknown student 'u-s9'",
    ),
    "score off the scale": (
        "results.csv",
        "fully graded,7.75,",
        "fully graded,77.5,",
        "results.csv, line 3: score '77.5': 0 to 10, two decimals at most",
    ),
    "no score": (
        "results.csv",
        "fully graded,7.75,",
        "fully graded,,",
        "results.csv, line 3: neither score nor textScore",
    ),
    "duplicate sourcedId": (
        "results.csv",
        "r-2,active",
        "r-1,active",
        "results.csv, line 3: duplicate sourcedId 'r-1'",
    ),
    "unknown subject": (
        "classes.csv",
        "hk1-2027,Toán,math",
        "hk1-2027,Toán,astrology",
        "classes.csv, line 4: unknown subjectCode 'astrology'",
    ),
}


async def test_every_bad_result_is_reported_and_nothing_is_written(
    seeded: Any, tmp_path: Path
) -> None:
    before = await _snapshot(seeded)
    for case, (file, old, new, message) in BAD_CASES.items():
        folder = _bundle(tmp_path / case.replace(" ", "-"), file, old, new)
        outcome = await _import(seeded, folder)
        assert [str(e) for e in outcome.errors] == message.split("\n"), case
        assert not outcome.written
        assert await _snapshot(seeded) == before, case
    missing = _bundle(tmp_path / "missing")
    (missing / "lineItems.csv").unlink()
    with pytest.raises(BundleError, match=r"lineItems\.csv"):
        await _import(seeded, missing)
    assert await _snapshot(seeded) == before
