"""Schools: profiles on top of places (level, ownership, grades, programmes), fees per school
year, admission zones (wards) and intake places; students with their guardians' phones, one-time
link codes (hashed), parents' links and the link log.

Revision ID: 0014
Revises: 0010
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.types import TranslatedText, UTCDateTime

revision: str = "0014"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "schools",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "nursery",
                "kindergarten",
                "primary",
                "lower_secondary",
                "upper_secondary",
                name="school_level",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "ownership",
            sa.Enum(
                "public",
                "private",
                name="school_ownership",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("website", sa.String(length=200), nullable=True),
        sa.Column("grades", sa.JSON(), nullable=False),
        sa.Column("programmes", sa.JSON(), nullable=False),
        sa.Column("current_year", sa.String(length=9), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["places.id"], name=op.f("fk_schools_id_places"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schools")),
    )
    op.create_index(op.f("ix_schools_level"), "schools", ["level"], unique=False)
    op.create_table(
        "school_fees",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("name", TranslatedText(), nullable=False),
        sa.Column("amount_vnd", sa.Integer(), nullable=False),
        sa.Column(
            "period",
            sa.Enum(
                "month",
                "term",
                "year",
                "once",
                name="school_fee_period",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_fees_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_fees")),
    )
    op.create_index(
        op.f("ix_school_fees_school_id_school_year"),
        "school_fees",
        ["school_id", "school_year"],
        unique=False,
    )
    op.create_table(
        "school_intakes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("places >= 0", name=op.f("ck_school_intakes_places_not_negative")),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_intakes_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_intakes")),
        sa.UniqueConstraint(
            "school_id",
            "school_year",
            "grade",
            name=op.f("uq_school_intakes_school_id_school_year_grade"),
        ),
    )
    op.create_table(
        "school_students",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("identifier", sa.String(length=12), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("class_name", sa.String(length=40), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_students_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_students")),
        sa.UniqueConstraint("identifier", name=op.f("uq_school_students_identifier")),
    )
    op.create_index(
        op.f("ix_school_students_school_id"), "school_students", ["school_id"], unique=False
    )
    op.create_table(
        "school_zone_wards",
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("ward_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_zone_wards_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"],
            ["wards.id"],
            name=op.f("fk_school_zone_wards_ward_id_wards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("school_id", "ward_id", name=op.f("pk_school_zone_wards")),
    )
    op.create_index(
        op.f("ix_school_zone_wards_ward_id"), "school_zone_wards", ["ward_id"], unique=False
    )
    op.create_table(
        "school_guardians",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_guardians_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_guardians")),
        sa.UniqueConstraint(
            "student_id", "phone", name=op.f("uq_school_guardians_student_id_phone")
        ),
    )
    op.create_index(op.f("ix_school_guardians_phone"), "school_guardians", ["phone"], unique=False)
    op.create_table(
        "school_link_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("issued_by", sa.Uuid(), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issued_by"],
            ["users.id"],
            name=op.f("fk_school_link_codes_issued_by_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_link_codes_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_link_codes")),
    )
    op.create_index(
        op.f("ix_school_link_codes_student_id"), "school_link_codes", ["student_id"], unique=False
    )
    op.create_table(
        "school_link_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "code_issued",
                "linked",
                "failed",
                "revoked",
                name="school_link_action",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_link_events_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_school_link_events_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_link_events")),
    )
    op.create_index(
        op.f("ix_school_link_events_student_id"), "school_link_events", ["student_id"], unique=False
    )
    op.create_index(
        op.f("ix_school_link_events_user_id_action_at"),
        "school_link_events",
        ["user_id", "action", "at"],
        unique=False,
    )
    op.create_table(
        "school_parent_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_parent_links_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_school_parent_links_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_parent_links")),
        sa.UniqueConstraint(
            "student_id", "user_id", name=op.f("uq_school_parent_links_student_id_user_id")
        ),
    )
    op.create_index(
        op.f("ix_school_parent_links_user_id"), "school_parent_links", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_school_parent_links_user_id"), table_name="school_parent_links")
    op.drop_table("school_parent_links")
    op.drop_index(op.f("ix_school_link_events_user_id_action_at"), table_name="school_link_events")
    op.drop_index(op.f("ix_school_link_events_student_id"), table_name="school_link_events")
    op.drop_table("school_link_events")
    op.drop_index(op.f("ix_school_link_codes_student_id"), table_name="school_link_codes")
    op.drop_table("school_link_codes")
    op.drop_index(op.f("ix_school_guardians_phone"), table_name="school_guardians")
    op.drop_table("school_guardians")
    op.drop_index(op.f("ix_school_zone_wards_ward_id"), table_name="school_zone_wards")
    op.drop_table("school_zone_wards")
    op.drop_index(op.f("ix_school_students_school_id"), table_name="school_students")
    op.drop_table("school_students")
    op.drop_table("school_intakes")
    op.drop_index(op.f("ix_school_fees_school_id_school_year"), table_name="school_fees")
    op.drop_table("school_fees")
    op.drop_index(op.f("ix_schools_level"), table_name="schools")
    op.drop_table("schools")
