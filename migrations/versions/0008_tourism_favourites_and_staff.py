"""Tourism favourites with event reminders, the tourism staff role, and itineraries that can be
unpublished.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.migrate import sqlite_tables_rebuilt
from backend.db.types import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES_BEFORE = (
    "resident",
    "parent",
    "civil_servant",
    "health_staff",
    "school_staff",
    "business_owner",
    "admin",
)
ROLES_AFTER = (
    "resident",
    "parent",
    "civil_servant",
    "health_staff",
    "tourism_staff",
    "school_staff",
    "business_owner",
    "admin",
)


def _set_roles(values: Sequence[str]) -> None:
    allowed = ", ".join(f"'{value}'" for value in values)
    with sqlite_tables_rebuilt(), op.batch_alter_table("role_assignments") as batch:
        batch.drop_constraint(op.f("ck_role_assignments_role"), type_="check")
        batch.create_check_constraint(op.f("ck_role_assignments_role"), f"role IN ({allowed})")


def upgrade() -> None:
    _set_roles(ROLES_AFTER)
    with sqlite_tables_rebuilt(), op.batch_alter_table("tourism_itineraries") as batch:
        batch.add_column(
            sa.Column("published", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with sqlite_tables_rebuilt(), op.batch_alter_table("tourism_itineraries") as batch:
        batch.alter_column("published", server_default=None)
    op.create_table(
        "tourism_favourites",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("attraction_id", sa.Uuid(), nullable=True),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("reminded_for", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(attraction_id IS NULL) <> (event_id IS NULL)",
            name=op.f("ck_tourism_favourites_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_tourism_favourites_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["attraction_id"],
            ["tourism_attractions.id"],
            name=op.f("fk_tourism_favourites_attraction_id_tourism_attractions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["tourism_events.id"],
            name=op.f("fk_tourism_favourites_event_id_tourism_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tourism_favourites")),
        sa.UniqueConstraint(
            "user_id", "attraction_id", name=op.f("uq_tourism_favourites_user_id_attraction_id")
        ),
        sa.UniqueConstraint(
            "user_id", "event_id", name=op.f("uq_tourism_favourites_user_id_event_id")
        ),
    )
    op.create_index(
        op.f("ix_tourism_favourites_user_id_created_at_id"),
        "tourism_favourites",
        ["user_id", "created_at", "id"],
    )
    op.create_index(
        op.f("ix_tourism_favourites_attraction_id"), "tourism_favourites", ["attraction_id"]
    )
    op.create_index(op.f("ix_tourism_favourites_event_id"), "tourism_favourites", ["event_id"])


def downgrade() -> None:
    op.drop_table("tourism_favourites")
    with sqlite_tables_rebuilt(), op.batch_alter_table("tourism_itineraries") as batch:
        batch.drop_column("published")
    op.execute("DELETE FROM role_assignments WHERE role = 'tourism_staff'")
    _set_roles(ROLES_BEFORE)
