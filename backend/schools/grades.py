"""Teachers record grades for the students of their classes in the subjects they teach them,
and correct one with a reason.

A grade is a score out of 10 with at most two decimals (what the record holds: 8.75 on a
quarter-point test), a short text assessment ("Đạt" where a subject is assessed by comment
only), or both (a primary school's periodic test: 9 and "Hoàn thành tốt"). A mid-term or
semester grade is given once per subject and term: a second one is a correction. Every grade
recorded or corrected is in the grade log; linked parents read it in their child's record."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, NotFound
from backend.schools import access
from backend.schools.models import (
    Assessment,
    AssessmentEvent,
    AssessmentType,
    GradeAction,
    SchoolClass,
)
from backend.schools.records import local_day
from backend.schools.repository import grades as rows
from backend.schools.repository import links as link_rows
from backend.schools.repository import staff as staff_rows

MAX_ENTRIES = 60
MAX_TEXT = 60
MAX_COMMENT = 500
MAX_REASON = 300
ONCE_PER_TERM = frozenset({AssessmentType.MIDTERM, AssessmentType.SEMESTER})


@dataclass(frozen=True, slots=True)
class Grade:
    """A score or a text assessment, with the teacher's comment."""

    score: float | None
    text_score: str | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class StudentGrade:
    student_id: uuid.UUID
    grade: Grade


def checked(grade: Grade, *, field: str) -> Grade:
    """The grade as stored: a score, a text or both, the score on the 10-point scale with two
    decimals at most, texts trimmed and within their lengths."""
    text = " ".join((grade.text_score or "").split()) or None
    comment = (grade.comment or "").strip() or None
    if grade.score is None and text is None:
        raise BadUserInput("school.grade_score_or_text", field=f"{field}.score")
    if grade.score is not None and not on_scale(grade.score):
        raise BadUserInput("school.grade_score_invalid", field=f"{field}.score")
    if text is not None and len(text) > MAX_TEXT:
        raise BadUserInput("input.too_long", field=f"{field}.textScore", max=MAX_TEXT)
    if comment is not None and len(comment) > MAX_COMMENT:
        raise BadUserInput("input.too_long", field=f"{field}.comment", max=MAX_COMMENT)
    score = None if grade.score is None else round(grade.score, 2)
    return Grade(score=score, text_score=text, comment=comment)


def on_scale(score: float) -> bool:
    """0 to 10, with two decimals at most."""
    return (
        math.isfinite(score) and 0 <= score <= 10 and abs(score * 100 - round(score * 100)) < 1e-6
    )


async def record(
    uow: UnitOfWork,
    *,
    teacher_id: uuid.UUID,
    class_id: uuid.UUID,
    term_id: uuid.UUID,
    subject_code: str,
    kind: AssessmentType,
    assessed_on: date,
    grades: Sequence[StudentGrade],
    now: datetime,
) -> list[Assessment]:
    """Record one assessment (a test, an oral check) for students of the class."""
    session = uow.session
    if not grades or len(grades) > MAX_ENTRIES:
        raise BadUserInput("input.too_long", field="input.entries", max=MAX_ENTRIES)
    if len({entry.student_id for entry in grades}) != len(grades):
        raise BadUserInput("school.student_twice", field="input.entries")
    given = [
        StudentGrade(entry.student_id, checked(entry.grade, field="input.entries"))
        for entry in grades
    ]
    school_class = await access.require_class(session, teacher_id, class_id, field="input.classId")
    await _check_term(session, school_class, term_id, assessed_on, now)
    if len(subject_code) > 32 or not await rows.subject_exists(session, subject_code):
        raise BadUserInput("school.subject_unknown", field="input.subject")
    await access.require_subject(
        session, teacher_id, school_class, subject_code, field="input.subject"
    )
    members = await staff_rows.class_students(session, class_id)
    if any(entry.student_id not in members for entry in given):
        raise BadUserInput("school.not_in_class", field="input.entries")
    if kind in ONCE_PER_TERM and await rows.already_graded(
        session,
        [entry.student_id for entry in given],
        term_id=term_id,
        subject_code=subject_code,
        kind=kind,
    ):
        raise Conflict("school.grade_exists", field="input.entries")
    recorded = [
        Assessment(
            id=uuid.uuid4(),
            student_id=entry.student_id,
            term_id=term_id,
            subject_code=subject_code,
            kind=kind,
            score=entry.grade.score,
            text_score=entry.grade.text_score,
            comment=entry.grade.comment,
            assessed_on=assessed_on,
            recorded_by=teacher_id,
            created_at=now,
        )
        for entry in given
    ]
    try:
        async with session.begin_nested():
            link_rows.add(session, *recorded)
    except IntegrityError as exc:
        # Another teacher gave one of these grades at the same moment.
        raise Conflict("school.grade_exists", field="input.entries") from exc
    link_rows.add(
        session,
        *(
            _event(row, teacher_id, GradeAction.RECORDED, previous=None, reason=None, now=now)
            for row in recorded
        ),
    )
    await session.flush()
    return recorded


async def correct(
    uow: UnitOfWork,
    *,
    teacher_id: uuid.UUID,
    assessment_id: uuid.UUID,
    grade: Grade,
    reason: str,
    now: datetime,
) -> Assessment:
    """Correct a grade of a student of the teacher's class; the reason and the grade it
    replaces go to the log."""
    session = uow.session
    wanted = checked(grade, field="input")
    why = " ".join(reason.split())
    if not why:
        raise BadUserInput("school.reason_required", field="input.reason")
    if len(why) > MAX_REASON:
        raise BadUserInput("input.too_long", field="input.reason", max=MAX_REASON)
    found = await rows.assessment_for_update(session, assessment_id)
    student = None if found is None else await link_rows.student_by_id(session, found.student_id)
    if found is None or student is None:
        raise NotFound("school.grade_not_found", field="input.assessmentId")
    # Staff of another school learn nothing of the grade, not even that it exists.
    if student.school_id not in await access.staff_schools(session, teacher_id):
        raise NotFound("school.grade_not_found", field="input.assessmentId")
    if student.class_id is None:
        await access.require_administrator(session, teacher_id, student.school_id)
    else:
        school_class = await access.require_class(
            session, teacher_id, student.class_id, field="input.assessmentId"
        )
        await access.require_subject(
            session, teacher_id, school_class, found.subject_code, field="input.assessmentId"
        )
    previous = Grade(score=found.score, text_score=found.text_score, comment=found.comment)
    found.score, found.text_score = wanted.score, wanted.text_score
    found.comment, found.recorded_by = wanted.comment, teacher_id
    link_rows.add(
        session,
        _event(found, teacher_id, GradeAction.CORRECTED, previous=previous, reason=why, now=now),
    )
    await session.flush()
    return found


async def _check_term(
    session: AsyncSession,
    school_class: SchoolClass,
    term_id: uuid.UUID,
    assessed_on: date,
    now: datetime,
) -> None:
    term = await rows.term_by_id(session, term_id)
    if term is None or term.school_id != school_class.school_id:
        raise NotFound("school.term_not_found", field="input.termId")
    if term.school_year != school_class.school_year:
        raise BadUserInput("school.term_other_year", field="input.termId")
    if not term.starts_on <= assessed_on <= term.ends_on:
        raise BadUserInput("school.grade_outside_term", field="input.assessedOn")
    if assessed_on > local_day(now):
        raise BadUserInput("school.grade_in_future", field="input.assessedOn")


def _event(
    row: Assessment,
    actor: uuid.UUID,
    action: GradeAction,
    *,
    previous: Grade | None,
    reason: str | None,
    now: datetime,
) -> AssessmentEvent:
    return AssessmentEvent(
        id=uuid.uuid4(),
        assessment_id=row.id,
        actor_id=actor,
        action=action,
        score=row.score,
        text_score=row.text_score,
        previous_score=None if previous is None else previous.score,
        previous_text_score=None if previous is None else previous.text_score,
        reason=reason,
        at=now,
    )
