"""Grade writes: the terms and subjects they refer to, the scores already given, the log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.schools.models import (
    Assessment,
    AssessmentType,
    Subject,
    Term,
)


async def term_by_id(session: AsyncSession, term_id: uuid.UUID) -> Term | None:
    return await session.get(Term, term_id)


async def subject_exists(session: AsyncSession, code: str) -> bool:
    return await session.scalar(select(Subject.code).where(Subject.code == code)) is not None


async def already_graded(
    session: AsyncSession,
    student_ids: Sequence[uuid.UUID],
    *,
    term_id: uuid.UUID,
    subject_code: str,
    kind: AssessmentType,
) -> set[uuid.UUID]:
    """Students who already have a score of this kind in the subject and term."""
    statement = select(Assessment.student_id).where(
        Assessment.student_id.in_(student_ids),
        Assessment.term_id == term_id,
        Assessment.subject_code == subject_code,
        Assessment.kind == kind,
    )
    return set(await session.scalars(statement))


async def assessment_for_update(
    session: AsyncSession, assessment_id: uuid.UUID
) -> Assessment | None:
    statement = select(Assessment).where(Assessment.id == assessment_id).with_for_update()
    found: Assessment | None = await session.scalar(statement)
    return found
