"""Citizens' reports of problems with businesses on the public map.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.types import UTCDateTime

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CATEGORIES = ("food_safety", "prices", "hygiene", "other")


def upgrade() -> None:
    op.create_table(
        "business_reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("business_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("reporter_id", sa.Uuid(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                *CATEGORIES,
                name="business_report_category",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.String(1000), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["businesses.id"],
            name=op.f("fk_business_reports_business_id_businesses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["business_agencies.id"],
            name=op.f("fk_business_reports_agency_id_business_agencies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name=op.f("fk_business_reports_reporter_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_reports")),
    )
    op.create_index(op.f("ix_business_reports_business_id"), "business_reports", ["business_id"])
    op.create_index(
        op.f("ix_business_reports_agency_id_created_at"),
        "business_reports",
        ["agency_id", "created_at"],
    )
    op.create_index(
        op.f("ix_business_reports_reporter_id_created_at"),
        "business_reports",
        ["reporter_id", "created_at"],
    )


def downgrade() -> None:
    op.drop_table("business_reports")
