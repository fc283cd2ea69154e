"""Write a checked OneRoster bundle into a school's records in one transaction: terms, homeroom
classes, students with their guardians' phones, and their grades when the bundle has results.
A record met before (by its sourcedId, or a student by identifier) is updated only where it
differs, so a second import changes nothing; a grade recorded or changed is in the grade log."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.unit_of_work import UnitOfWork
from backend.i18n import Translated
from backend.schools.grades import ONCE_PER_TERM
from backend.schools.models import (
    Assessment,
    AssessmentEvent,
    GradeAction,
    Guardian,
    School,
    SchoolClass,
    Student,
    Subject,
    Term,
)
from backend.schools.oneroster.models import OneRosterId
from backend.schools.oneroster.reading import Bundle, RowError, read_bundle
from backend.schools.oneroster.results import ResultRecord, has_results, read_results

KINDS = ("terms", "classes", "students")
IMPORTED = "OneRoster import"  # the grade log's reason for grades this import writes


@dataclass(slots=True)
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(slots=True)
class Outcome:
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    skipped: int = 0
    written: bool = False


Progress = Callable[[str, int, int], None]


async def import_folder(
    sessions: async_sessionmaker[AsyncSession],
    folder: Path,
    *,
    school_id: uuid.UUID,
    now: datetime,
    progress: Progress | None = None,
) -> Outcome:
    """Check every row; write all of them, or nothing if any is refused."""
    bundle = read_bundle(folder)
    results = read_results(folder, bundle) if has_results(folder) else None
    outcome = Outcome(errors=list(bundle.errors), skipped=bundle.skipped)
    if results is not None:
        outcome.counts["results"] = Counts()
    if outcome.errors:
        return outcome
    async with UnitOfWork(sessions) as uow:
        if await uow.session.get(School, school_id) is None:
            outcome.errors.append(RowError("orgs.csv", 1, f"no school {school_id} is recorded"))
            return outcome
        if results:
            outcome.errors.extend(await _unknown_subjects(uow.session, results))
            if outcome.errors:
                return outcome
        writer = _Writer(uow.session, school_id, now, outcome, progress)
        await writer.load()
        await writer.terms(bundle)
        classes = await writer.classes(bundle)
        await writer.students(bundle, classes)
        if results:
            await writer.results(results)
        outcome.written = True
    return outcome


async def _unknown_subjects(session: AsyncSession, results: list[ResultRecord]) -> list[RowError]:
    known = set((await session.scalars(select(Subject.code))).all())
    wanted = {(r.subject_line, r.subject_code) for r in results if r.subject_code not in known}
    return [
        RowError("classes.csv", line, f"unknown subjectCode {code!r}")
        for line, code in sorted(wanted)
    ]


class _Writer:
    def __init__(
        self,
        session: AsyncSession,
        school_id: uuid.UUID,
        now: datetime,
        outcome: Outcome,
        progress: Progress | None,
    ) -> None:
        self.session, self.school_id, self.now = session, school_id, now
        self.outcome, self.progress = outcome, progress
        self.known: dict[tuple[str, str], uuid.UUID] = {}

    async def load(self) -> None:
        rows = await self.session.execute(
            select(OneRosterId.kind, OneRosterId.sourced_id, OneRosterId.target_id).where(
                OneRosterId.school_id == self.school_id
            )
        )
        self.known = {(kind, sourced): target for kind, sourced, target in rows}

    def _remember(self, kind: str, sourced_id: str, target: uuid.UUID) -> None:
        if self.known.get((kind, sourced_id)) != target:
            if (kind, sourced_id) in self.known:
                raise AssertionError("a sourcedId mapped to two records")
            self.session.add(
                OneRosterId(
                    school_id=self.school_id, kind=kind, sourced_id=sourced_id, target_id=target
                )
            )
            self.known[(kind, sourced_id)] = target

    def _tick(self, kind: str, done: int, total: int) -> None:
        if self.progress is not None and (done == total or done % 200 == 0):
            self.progress(kind, done, total)

    def _count(self, kind: str, created: bool, changed: bool) -> None:
        counts = self.outcome.counts[kind]
        if created:
            counts.created += 1
        elif changed:
            counts.updated += 1
        else:
            counts.unchanged += 1

    async def terms(self, bundle: Bundle) -> None:
        for done, record in enumerate(bundle.sessions, start=1):
            target = self.known.get(("term", record.sourced_id))
            term = None if target is None else await self.session.get(Term, target)
            if term is None:  # a term the school already had, starting the same day
                term = await self.session.scalar(
                    select(Term).where(
                        Term.school_id == self.school_id,
                        Term.school_year == record.school_year,
                        Term.starts_on == record.starts_on,
                    )
                )
            values: dict[str, object] = {
                "school_year": record.school_year,
                "starts_on": record.starts_on,
                "ends_on": record.ends_on,
            }
            if term is None or term.name.texts["vi"] != record.title:
                values["name"] = Translated.of(record.title)  # other languages were for the old
            if term is None:
                term = Term(
                    id=uuid.uuid4(), school_id=self.school_id, created_at=self.now, **values
                )
                self.session.add(term)
                self._count("terms", True, False)
            else:
                self._count("terms", False, _apply(term, values))
            await self.session.flush()
            self._remember("term", record.sourced_id, term.id)
            self._tick("terms", done, len(bundle.sessions))

    async def classes(self, bundle: Bundle) -> dict[str, uuid.UUID]:
        found: dict[str, uuid.UUID] = {}
        for done, record in enumerate(bundle.classes, start=1):
            target = self.known.get(("class", record.sourced_id))
            klass = None if target is None else await self.session.get(SchoolClass, target)
            if klass is None:  # a class the school already had under the same name and year
                klass = await self.session.scalar(
                    select(SchoolClass).where(
                        SchoolClass.school_id == self.school_id,
                        SchoolClass.school_year == record.school_year,
                        SchoolClass.name == record.title,
                    )
                )
            values = {
                "school_year": record.school_year,
                "name": record.title,
                "grade": record.grade,
            }
            if klass is None:
                klass = SchoolClass(
                    id=uuid.uuid4(),
                    school_id=self.school_id,
                    room=None,
                    homeroom_teacher=None,
                    created_at=self.now,
                    **values,
                )
                self.session.add(klass)
                self._count("classes", True, False)
            else:
                self._count("classes", False, _apply(klass, values))
            await self.session.flush()
            self._remember("class", record.sourced_id, klass.id)
            found[record.sourced_id] = klass.id
            self._tick("classes", done, len(bundle.classes))
        return found

    async def students(self, bundle: Bundle, classes: dict[str, uuid.UUID]) -> None:
        for done, record in enumerate(bundle.students, start=1):
            target = self.known.get(("student", record.sourced_id))
            student = None if target is None else await self.session.get(Student, target)
            if student is None:
                student = await self.session.scalar(
                    select(Student).where(Student.identifier == record.identifier)
                )
            values = {
                "school_id": self.school_id,
                "identifier": record.identifier,
                "full_name": record.full_name,
                "date_of_birth": record.born,
                "grade": record.grade,
                "class_id": None
                if record.class_sourced_id is None
                else classes[record.class_sourced_id],
            }
            created = student is None
            if student is None:
                student = Student(id=uuid.uuid4(), created_at=self.now, **values)
                self.session.add(student)
                changed = False
            else:
                changed = _apply(student, values)
            await self.session.flush()
            changed = await self._guardians(student.id, record.guardians) or changed
            self._count("students", created, changed)
            self._remember("student", record.sourced_id, student.id)
            self._tick("students", done, len(bundle.students))
        await self.session.flush()

    async def results(self, records: list[ResultRecord]) -> None:
        for done, record in enumerate(records, start=1):
            target = self.known.get(("result", record.sourced_id))
            found = None if target is None else await self.session.get(Assessment, target)
            values: dict[str, object] = {
                "student_id": self.known[("student", record.student_sourced_id)],
                "term_id": self.known[("term", record.term_sourced_id)],
                "subject_code": record.subject_code,
                "kind": record.kind,
                "score": record.score,
                "text_score": record.text_score,
                "comment": record.comment,
                "assessed_on": record.assessed_on,
            }
            if found is None and record.kind in ONCE_PER_TERM:
                # The term's one grade of this kind, recorded in the app or under another
                # sourcedId: this result corrects it.
                found = await self.session.scalar(
                    select(Assessment).where(
                        Assessment.student_id == values["student_id"],
                        Assessment.term_id == values["term_id"],
                        Assessment.subject_code == record.subject_code,
                        Assessment.kind == record.kind,
                    )
                )
            if found is None:
                found = Assessment(id=uuid.uuid4(), recorded_by=None, created_at=self.now, **values)
                self.session.add(found)
                await self.session.flush()
                self._log(found, GradeAction.RECORDED, None, None)
                self._count("results", True, False)
            else:
                previous = (found.score, found.text_score)
                changed = _apply(found, values)
                if previous != (found.score, found.text_score):
                    self._log(found, GradeAction.CORRECTED, *previous)
                self._count("results", False, changed)
            await self.session.flush()
            self._remember("result", record.sourced_id, found.id)
            self._tick("results", done, len(records))

    def _log(
        self,
        row: Assessment,
        action: GradeAction,
        previous_score: float | None,
        previous_text: str | None,
    ) -> None:
        self.session.add(
            AssessmentEvent(
                id=uuid.uuid4(),
                assessment_id=row.id,
                actor_id=None,
                action=action,
                score=row.score,
                text_score=row.text_score,
                previous_score=previous_score,
                previous_text_score=previous_text,
                reason=IMPORTED,
                at=self.now,
            )
        )

    async def _guardians(self, student_id: uuid.UUID, wanted: tuple[tuple[str, str], ...]) -> bool:
        """Add the guardians' phones the school did not have (none is removed)."""
        have = set(
            (
                await self.session.scalars(
                    select(Guardian.phone).where(Guardian.student_id == student_id)
                )
            ).all()
        )
        added = False
        for phone, name in wanted:
            if phone not in have:
                self.session.add(
                    Guardian(
                        id=uuid.uuid4(),
                        student_id=student_id,
                        phone=phone,
                        name=name,
                        created_at=self.now,
                    )
                )
                have.add(phone)
                added = True
        return added


def _apply(entity: object, values: dict[str, object]) -> bool:
    """Set the values that differ; whether any did."""
    changed = False
    for key, value in values.items():
        if getattr(entity, key) != value:
            setattr(entity, key, value)
            changed = True
    return changed
