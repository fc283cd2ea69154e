"""Online enrolment at entry grades: rounds, places offered (admissions kept within them by a
check constraint), parents' applications, their documents and history; the OneRoster
sourcedIds of imported school records.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.types import UTCDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "school_enrolment_rounds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("max_preferences", sa.Integer(), nullable=False),
        sa.Column("online_opens_at", UTCDateTime(), nullable=False),
        sa.Column("online_closes_at", UTCDateTime(), nullable=False),
        sa.Column("direct_opens_at", UTCDateTime(), nullable=False),
        sa.Column("direct_closes_at", UTCDateTime(), nullable=False),
        sa.Column("results_on", sa.Date(), nullable=False),
        sa.Column("confirm_by", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "grade IN (1, 6, 10)", name=op.f("ck_school_enrolment_rounds_entry_grade")
        ),
        sa.CheckConstraint(
            "max_preferences BETWEEN 1 AND 5",
            name=op.f("ck_school_enrolment_rounds_preferences_range"),
        ),
        sa.CheckConstraint(
            "online_opens_at < online_closes_at",
            name=op.f("ck_school_enrolment_rounds_online_window"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_enrolment_rounds")),
        sa.UniqueConstraint(
            "school_year", "grade", name=op.f("uq_school_enrolment_rounds_school_year_grade")
        ),
    )
    op.create_table(
        "school_enrolment_applications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=False),
        sa.Column("identifier", sa.String(length=12), nullable=False),
        sa.Column("child_name", sa.String(length=120), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("guardians", sa.JSON(), nullable=False),
        sa.Column("ward_id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("preferences", sa.JSON(), nullable=False),
        sa.Column("in_zone", sa.Boolean(), nullable=False),
        sa.Column(
            "priority",
            sa.Enum(
                "none",
                "policy_family",
                "ethnic_minority",
                "disadvantaged",
                "disability",
                name="school_enrolment_priority",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("programmes", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "correction_requested",
                "corrected",
                "verified",
                "admitted",
                "waitlisted",
                "rejected",
                "enrolment_confirmed",
                "expired",
                "withdrawn",
                name="school_enrolment_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["users.id"],
            name=op.f("fk_school_enrolment_applications_parent_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["school_enrolment_rounds.id"],
            name=op.f("fk_school_enrolment_applications_round_id_school_enrolment_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_enrolment_applications_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["wards.id"], name=op.f("fk_school_enrolment_applications_ward_id_wards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_enrolment_applications")),
    )
    with op.batch_alter_table("school_enrolment_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_enrolment_applications_parent_id_created_at"),
            ["parent_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_school_enrolment_applications_school_id_round_id_status"),
            ["school_id", "round_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            "uq_school_enrolment_applications_round_child",
            ["round_id", "identifier"],
            unique=True,
            postgresql_where=sa.text("status <> 'withdrawn'"),
            sqlite_where=sa.text("status <> 'withdrawn'"),
        )

    op.create_table(
        "school_enrolment_places",
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("admitted", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "admitted >= 0 AND admitted <= places",
            name=op.f("ck_school_enrolment_places_admitted_within_places"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["school_enrolment_rounds.id"],
            name=op.f("fk_school_enrolment_places_round_id_school_enrolment_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_enrolment_places_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "school_id", name=op.f("pk_school_enrolment_places")),
    )
    with op.batch_alter_table("school_enrolment_places", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_enrolment_places_school_id"), ["school_id"], unique=False
        )

    op.create_table(
        "school_enrolment_documents",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "birth_certificate",
                "residence",
                "priority",
                "other",
                name="school_enrolment_document_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("file_id", sa.Uuid(), nullable=False),
        sa.Column("attached_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["school_enrolment_applications.id"],
            name=op.f("fk_school_enrolment_documents_application_id_school_enrolment_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_files.id"],
            name=op.f("fk_school_enrolment_documents_file_id_stored_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "application_id", "kind", name=op.f("pk_school_enrolment_documents")
        ),
    )
    op.create_table(
        "school_enrolment_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "correction_requested",
                "corrected",
                "verified",
                "admitted",
                "waitlisted",
                "rejected",
                "enrolment_confirmed",
                "expired",
                "withdrawn",
                name="school_enrolment_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_school_enrolment_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["school_enrolment_applications.id"],
            name=op.f("fk_school_enrolment_events_application_id_school_enrolment_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_enrolment_events")),
    )
    with op.batch_alter_table("school_enrolment_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_enrolment_events_application_id_at"),
            ["application_id", "at"],
            unique=False,
        )

    op.create_table(
        "school_oneroster_ids",
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("sourced_id", sa.String(255), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_oneroster_ids_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "school_id", "kind", "sourced_id", name=op.f("pk_school_oneroster_ids")
        ),
    )


def downgrade() -> None:
    op.drop_table("school_oneroster_ids")
    with op.batch_alter_table("school_enrolment_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_enrolment_events_application_id_at"))

    op.drop_table("school_enrolment_events")
    op.drop_table("school_enrolment_documents")
    with op.batch_alter_table("school_enrolment_places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_enrolment_places_school_id"))

    op.drop_table("school_enrolment_places")
    with op.batch_alter_table("school_enrolment_applications", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_school_enrolment_applications_round_child",
            postgresql_where=sa.text("status <> 'withdrawn'"),
            sqlite_where=sa.text("status <> 'withdrawn'"),
        )
        batch_op.drop_index(
            batch_op.f("ix_school_enrolment_applications_school_id_round_id_status")
        )
        batch_op.drop_index(batch_op.f("ix_school_enrolment_applications_parent_id_created_at"))

    op.drop_table("school_enrolment_applications")
    op.drop_table("school_enrolment_rounds")
