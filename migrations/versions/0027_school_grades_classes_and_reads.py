"""Schools: the log of grades recorded and corrected by staff, the log of staff reads of
enrolment applications, and the homeroom teacher's account on a class.

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.types import UTCDateTime

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


ONCE_PER_TERM = "kind IN ('midterm', 'semester')"


def upgrade() -> None:
    op.create_table(
        "school_assessment_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column(
            "action",
            sa.Enum(
                "recorded",
                "corrected",
                name="school_grade_action",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("score", sa.Numeric(precision=4, scale=2, asdecimal=False), nullable=True),
        sa.Column("text_score", sa.String(length=60), nullable=True),
        sa.Column(
            "previous_score", sa.Numeric(precision=4, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column("previous_text_score", sa.String(length=60), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        _fk("school_assessment_events", "assessment_id", "school_assessments"),
        _fk("school_assessment_events", "actor_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_assessment_events")),
    )
    op.create_index(
        op.f("ix_school_assessment_events_assessment_id_at"),
        "school_assessment_events",
        ["assessment_id", "at"],
        unique=False,
    )
    op.create_table(
        "school_enrolment_reads",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("staff_user_id", sa.Uuid(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        _fk("school_enrolment_reads", "application_id", "school_enrolment_applications"),
        _fk("school_enrolment_reads", "school_id", "schools"),
        _fk("school_enrolment_reads", "staff_user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_enrolment_reads")),
    )
    op.create_index(
        op.f("ix_school_enrolment_reads_application_id"),
        "school_enrolment_reads",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_school_enrolment_reads_school_id_at"),
        "school_enrolment_reads",
        ["school_id", "at"],
        unique=False,
    )
    # A plain column (no constraint) adds in place on SQLite, without copying the table.
    op.add_column("school_classes", sa.Column("homeroom_teacher_id", sa.Uuid(), nullable=True))
    # A mid-term or semester grade is given once per subject and term.
    op.create_index(
        "uq_school_assessments_once_per_term",
        "school_assessments",
        ["student_id", "term_id", "subject_code", "kind"],
        unique=True,
        postgresql_where=sa.text(ONCE_PER_TERM),
        sqlite_where=sa.text(ONCE_PER_TERM),
    )


def downgrade() -> None:
    op.drop_index("uq_school_assessments_once_per_term", table_name="school_assessments")
    with op.batch_alter_table("school_classes") as batch:
        batch.drop_column("homeroom_teacher_id")
    op.drop_index(
        op.f("ix_school_enrolment_reads_school_id_at"), table_name="school_enrolment_reads"
    )
    op.drop_index(
        op.f("ix_school_enrolment_reads_application_id"), table_name="school_enrolment_reads"
    )
    op.drop_table("school_enrolment_reads")
    op.drop_index(
        op.f("ix_school_assessment_events_assessment_id_at"), table_name="school_assessment_events"
    )
    op.drop_table("school_assessment_events")
