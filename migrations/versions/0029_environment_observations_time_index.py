"""SensorThings `/Observations` of every datastream, ordered or filtered by time, read an index
on (phenomenon_time, datastream_id) instead of sorting every partition (bench/README.md:
≈ 210 ms → 1 ms for the newest 100 of 830,000 readings).

On PostgreSQL the index is created on the partitioned parent, which creates it on each monthly
partition and on those made later. This locks `env_observations` against writes while it builds.

Revision ID: 0029
Revises: 0027
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0029"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_env_observations_time", "env_observations", ["phenomenon_time", "datastream_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_env_observations_time", table_name="env_observations")
