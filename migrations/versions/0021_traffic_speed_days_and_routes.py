"""Traffic: per station and local day, the speed samples by whole km/h (count, sum, lowest,
highest), kept at ingestion so the planners' mean and 85th-percentile speed read a histogram
instead of sorting every sample. Filled from the samples already stored. The hourly counts get
an index covering their classes, so a road's month reads from the index alone. Citizens' saved
routes (a line, or chosen roads) and the incidents already pushed for each.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.types import Geography, UTCDateTime

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VEHICLE_CLASSES = ("motorbike", "car", "bus", "truck", "bicycle")
# The local day (UTC+7) of a sample, as its start in UTC, and its whole km/h.
FILL_POSTGRESQL = """
INSERT INTO traffic_speed_days (station_id, day, bin_kmh, samples, total_kmh, min_kmh, max_kmh)
SELECT station_id,
  (date_trunc('day', measured_at AT TIME ZONE 'UTC' + interval '7 hours') - interval '7 hours')
    AT TIME ZONE 'UTC',
  floor(speed_kmh)::int, count(*), sum(speed_kmh), min(speed_kmh), max(speed_kmh)
FROM traffic_speeds GROUP BY 1, 2, 3
"""
FILL_SQLITE = """
INSERT INTO traffic_speed_days (station_id, day, bin_kmh, samples, total_kmh, min_kmh, max_kmh)
SELECT station_id,
  strftime('%Y-%m-%d %H:%M:%S.000000', measured_at, '+7 hours', 'start of day', '-7 hours'),
  CAST(speed_kmh AS INTEGER), count(*), sum(speed_kmh), min(speed_kmh), max(speed_kmh)
FROM traffic_speeds GROUP BY 1, 2, 3
"""


def upgrade() -> None:
    op.create_table(
        "traffic_speed_days",
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("day", UTCDateTime(), nullable=False),
        sa.Column("bin_kmh", sa.Integer(), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("total_kmh", sa.Float(), nullable=False),
        sa.Column("min_kmh", sa.Float(), nullable=False),
        sa.Column("max_kmh", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("station_id", "day", "bin_kmh", name=op.f("pk_traffic_speed_days")),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["traffic_stations.id"],
            name=op.f("fk_traffic_speed_days_station_id_traffic_stations"),
            ondelete="CASCADE",
        ),
    )
    dialect = op.get_bind().dialect.name
    op.execute(FILL_POSTGRESQL if dialect == "postgresql" else FILL_SQLITE)
    op.create_index(
        op.f("ix_traffic_counts_hourly_station_id_hour"),
        "traffic_counts_hourly",
        ["station_id", "hour"],
        postgresql_include=list(VEHICLE_CLASSES),
    )

    op.create_table(
        "traffic_saved_routes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("path", Geography("GEOMETRY"), nullable=False),
        sa.Column("road_ids", sa.JSON(), nullable=False),
        sa.Column("active_start", sa.Time(), nullable=True),
        sa.Column("active_end", sa.Time(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_traffic_saved_routes")),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_traffic_saved_routes_owner_id_users"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        op.f("ix_traffic_saved_routes_owner_id_created_at"),
        "traffic_saved_routes",
        ["owner_id", "created_at"],
    )
    op.create_index(
        op.f("ix_traffic_saved_routes_path"),
        "traffic_saved_routes",
        ["path"],
        postgresql_using="gist",
    )
    op.create_table(
        "traffic_route_alerts",
        sa.Column("route_id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("alerted_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("route_id", "incident_id", name=op.f("pk_traffic_route_alerts")),
        sa.ForeignKeyConstraint(
            ["route_id"],
            ["traffic_saved_routes.id"],
            name=op.f("fk_traffic_route_alerts_route_id_traffic_saved_routes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["traffic_incidents.id"],
            name=op.f("fk_traffic_route_alerts_incident_id_traffic_incidents"),
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("traffic_route_alerts")
    op.drop_table("traffic_saved_routes")
    op.drop_index(op.f("ix_traffic_counts_hourly_station_id_hour"), "traffic_counts_hourly")
    op.drop_table("traffic_speed_days")
