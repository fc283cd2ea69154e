"""Traffic: a flooded road names the flood point (an environment station) that reports it.

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.migrate import sqlite_tables_rebuilt

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with sqlite_tables_rebuilt(), op.batch_alter_table("traffic_incidents") as batch:
        batch.add_column(sa.Column("flood_point_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_traffic_incidents_flood_point_id_env_things"),
            "env_things",
            ["flood_point_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(batch.f("ix_traffic_incidents_flood_point_id"), ["flood_point_id"])


def downgrade() -> None:
    with sqlite_tables_rebuilt(), op.batch_alter_table("traffic_incidents") as batch:
        batch.drop_index(batch.f("ix_traffic_incidents_flood_point_id"))
        batch.drop_constraint(
            batch.f("fk_traffic_incidents_flood_point_id_env_things"), type_="foreignkey"
        )
        batch.drop_column("flood_point_id")
