"""GraphQL of grades: teachers record an assessment for students of their class and correct
a grade with a reason; linked parents read them in `SchoolStudent.assessments`."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from backend.errors import BadUserInput
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.schools.types import Assessment, assessment_from
from backend.schools import grades
from backend.schools.models import Assessment as AssessmentEntity
from backend.schools.models import AssessmentType
from backend.schools.repository.rows import AssessmentRow


@strawberry.input(description="One student's grade: a score or a text assessment.")
class SchoolGradeInput:
    student_id: relay.GlobalID
    score: float | None = strawberry.field(
        default=None, description="Out of 10, two decimals at most."
    )
    text_score: str | None = strawberry.field(
        default=None, description="For subjects assessed by comment only (e.g. Đạt)."
    )
    comment: str | None = None


@strawberry.input
class RecordSchoolGradesInput:
    class_id: relay.GlobalID
    term_id: relay.GlobalID
    subject: str = strawberry.field(description="A subject code, e.g. math.")
    kind: AssessmentType = strawberry.field(
        description="MIDTERM and SEMESTER once per student, subject and term."
    )
    assessed_on: date = strawberry.field(description="The local day; within the term.")
    entries: list[SchoolGradeInput] = strawberry.field(description="At most 60.")


@strawberry.input
class CorrectSchoolGradeInput:
    assessment_id: relay.GlobalID
    score: float | None = None
    text_score: str | None = None
    comment: str | None = None
    reason: str = strawberry.field(description="Why the grade changes; kept in the grade log.")


@strawberry.type
class RecordedSchoolGrades:
    recorded: int
    assessments: list[Assessment]


def _assessment(row: AssessmentEntity) -> Assessment:
    return assessment_from(
        AssessmentRow(
            id=row.id,
            student_id=row.student_id,
            term_id=row.term_id,
            subject_code=row.subject_code,
            kind=row.kind,
            score=row.score,
            text_score=row.text_score,
            comment=row.comment,
            assessed_on=row.assessed_on,
        )
    )


@strawberry.type
class GradesMutation:
    @strawberry.mutation(
        description="Teachers (their classes) and school administrators: record one "
        "assessment (a test, an oral check) for students of a class."
    )
    async def record_school_grades(
        self, info: Info, input: RecordSchoolGradesInput
    ) -> RecordedSchoolGrades | None:
        viewer = await info.context.require_viewer()
        if len(input.entries) > grades.MAX_ENTRIES:
            raise BadUserInput("input.too_long", field="input.entries", max=grades.MAX_ENTRIES)
        entries = [
            grades.StudentGrade(
                student_id=decode_id(entry.student_id, "SchoolStudent", field="input.entries"),
                grade=grades.Grade(
                    score=entry.score, text_score=entry.text_score, comment=entry.comment
                ),
            )
            for entry in input.entries
        ]
        async with info.context.unit_of_work() as uow:
            recorded = await grades.record(
                uow,
                teacher_id=viewer.id,
                class_id=decode_id(input.class_id, "SchoolClass", field="input.classId"),
                term_id=decode_id(input.term_id, "SchoolTerm", field="input.termId"),
                subject_code=input.subject,
                kind=input.kind,
                assessed_on=input.assessed_on,
                grades=entries,
                now=info.context.now(),
            )
        return RecordedSchoolGrades(
            recorded=len(recorded), assessments=[_assessment(row) for row in recorded]
        )

    @strawberry.mutation(
        description="Teachers (their classes) and school administrators: correct a grade, "
        "saying why; the grade it replaces stays in the log."
    )
    async def correct_school_grade(
        self, info: Info, input: CorrectSchoolGradeInput
    ) -> Assessment | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            corrected = await grades.correct(
                uow,
                teacher_id=viewer.id,
                assessment_id=decode_id(
                    input.assessment_id, "Assessment", field="input.assessmentId"
                ),
                grade=grades.Grade(
                    score=input.score, text_score=input.text_score, comment=input.comment
                ),
                reason=input.reason,
                now=info.context.now(),
            )
        return _assessment(corrected)
