"""Traffic: roads, incidents (GTFS-Realtime cause, effect and severity) with their audit trail,
citizens' vehicles (at most one verified owner per plate, enforced by a partial unique index),
camera-detected violations keyed by their natural key, the access log of staff plate lookups,
and the traffic roles.

Revision ID: 0016
Revises: 0014
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.migrate import sqlite_tables_rebuilt
from backend.db.types import Geography, TranslatedText, UTCDateTime

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES_BEFORE = (
    "resident",
    "parent",
    "civil_servant",
    "health_staff",
    "tourism_staff",
    "school_staff",
    "business_owner",
    "civil_defence_operator",  # 0011
    "admin",
)
ROLES_AFTER = (*ROLES_BEFORE[:-1], "traffic_operator", "traffic_police", "traffic_planner", "admin")

INCIDENT_TYPES = ("accident", "congestion", "roadworks", "closure", "flooded_road", "event")
CAUSES = (
    "unknown_cause",
    "other_cause",
    "technical_problem",
    "strike",
    "demonstration",
    "accident",
    "holiday",
    "weather",
    "maintenance",
    "construction",
    "police_activity",
    "medical_emergency",
)
EFFECTS = (
    "no_service",
    "reduced_service",
    "significant_delays",
    "detour",
    "additional_service",
    "modified_service",
    "other_effect",
    "unknown_effect",
    "stop_moved",
    "no_effect",
    "accessibility_issue",
)
SEVERITIES = ("unknown_severity", "info", "warning", "severe")
SOURCES = ("operations_centre", "police", "citizen_report")
PLATE_COLOURS = ("white", "yellow", "blue", "red")
VEHICLE_TYPES = ("car", "motorbike", "e_bike")
VEHICLE_STATUSES = ("pending", "verified", "rejected", "ended")
VIOLATION_STATUSES = ("unhandled", "handled")
VEHICLE_CLASSES = ("motorbike", "car", "bus", "truck", "bicycle")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _index(table: str, *columns: str, **kw: object) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns), **kw)


def _set_roles(values: Sequence[str]) -> None:
    allowed = ", ".join(f"'{value}'" for value in values)
    with sqlite_tables_rebuilt(), op.batch_alter_table("role_assignments") as batch:
        batch.drop_constraint(op.f("ck_role_assignments_role"), type_="check")
        batch.create_check_constraint(op.f("ck_role_assignments_role"), f"role IN ({allowed})")


def upgrade() -> None:
    _set_roles(ROLES_AFTER)
    op.create_table(
        "traffic_roads",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", TranslatedText(), nullable=False),
        sa.Column("path", Geography("LINESTRING"), nullable=False),
        sa.Column("length_m", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _pk("traffic_roads", "id"),
        _fk("traffic_roads", "ward_id", "wards", "SET NULL"),
        sa.UniqueConstraint("slug", name=op.f("uq_traffic_roads_slug")),
    )
    _index("traffic_roads", "path", postgresql_using="gist")
    _index("traffic_roads", "ward_id")
    op.create_table(
        "traffic_incidents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("type", _enum("traffic_incident_type", *INCIDENT_TYPES), nullable=False),
        sa.Column("cause", _enum("traffic_incident_cause", *CAUSES), nullable=False),
        sa.Column("effect", _enum("traffic_incident_effect", *EFFECTS), nullable=False),
        sa.Column("severity", _enum("traffic_incident_severity", *SEVERITIES), nullable=False),
        sa.Column("source", _enum("traffic_incident_source", *SOURCES), nullable=False),
        sa.Column("location", Geography("GEOMETRY"), nullable=False),
        sa.Column("road_id", sa.Uuid(), nullable=True),
        sa.Column("ward_id", sa.Uuid(), nullable=True),
        sa.Column("description", TranslatedText(), nullable=False),
        sa.Column("camera_urls", sa.JSON(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _pk("traffic_incidents", "id"),
        _fk("traffic_incidents", "road_id", "traffic_roads", "SET NULL"),
        _fk("traffic_incidents", "ward_id", "wards", "SET NULL"),
    )
    _index("traffic_incidents", "location", postgresql_using="gist")
    _index("traffic_incidents", "ends_at", "starts_at")
    _index("traffic_incidents", "road_id")
    _index("traffic_incidents", "ward_id")
    op.create_table(
        "traffic_audit_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        _pk("traffic_audit_events", "id"),
    )
    _index("traffic_audit_events", "subject_id", "at")
    op.create_table(
        "traffic_vehicles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("plate", sa.String(16), nullable=False),
        sa.Column("plate_colour", _enum("traffic_plate_colour", *PLATE_COLOURS), nullable=False),
        sa.Column("vehicle_type", _enum("traffic_vehicle_type", *VEHICLE_TYPES), nullable=False),
        sa.Column("certificate_number", sa.String(40), nullable=False),
        sa.Column("status", _enum("traffic_vehicle_status", *VEHICLE_STATUSES), nullable=False),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decision_note", sa.String(500), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _pk("traffic_vehicles", "id"),
        _fk("traffic_vehicles", "owner_id", "users", "CASCADE"),
    )
    _index("traffic_vehicles", "owner_id")
    _index("traffic_vehicles", "status", "created_at")
    op.create_index(
        "uq_traffic_vehicles_verified_plate",
        "traffic_vehicles",
        ["plate", "plate_colour"],
        unique=True,
        postgresql_where=sa.text("status = 'verified'"),
        sqlite_where=sa.text("status = 'verified'"),
    )
    op.create_table(
        "traffic_violations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plate", sa.String(16), nullable=False),
        sa.Column(
            "plate_colour",
            _enum("traffic_violation_plate_colour", *PLATE_COLOURS),
            nullable=False,
        ),
        sa.Column(
            "vehicle_type",
            _enum("traffic_violation_vehicle_type", *VEHICLE_TYPES),
            nullable=False,
        ),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("offence", sa.String(300), nullable=False),
        sa.Column("status", _enum("traffic_violation_status", *VIOLATION_STATUSES), nullable=False),
        sa.Column("detecting_unit", sa.String(200), nullable=False),
        sa.Column("resolution_place", sa.String(300), nullable=False),
        sa.Column("fine_min_vnd", sa.BigInteger(), nullable=False),
        sa.Column("fine_max_vnd", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _pk("traffic_violations", "id"),
        sa.UniqueConstraint(
            "plate",
            "plate_colour",
            "occurred_at",
            "offence",
            name=op.f("uq_traffic_violations_plate_plate_colour_occurred_at_offence"),
        ),
    )
    _index("traffic_violations", "occurred_at")
    op.create_table(
        "traffic_access_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("plate", sa.String(16), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        _pk("traffic_access_log", "id"),
    )
    _index("traffic_access_log", "actor_id", "at")
    _index("traffic_access_log", "plate")
    op.create_table(
        "traffic_feed_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _pk("traffic_feed_keys", "id"),
        sa.UniqueConstraint("name", name=op.f("uq_traffic_feed_keys_name")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_traffic_feed_keys_key_hash")),
    )
    op.create_table(
        "traffic_stations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", TranslatedText(), nullable=False),
        sa.Column("kind", _enum("traffic_station_kind", "camera", "loop"), nullable=False),
        sa.Column("road_id", sa.Uuid(), nullable=False),
        sa.Column("ward_id", sa.Uuid(), nullable=True),
        sa.Column("location", Geography("POINT"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _pk("traffic_stations", "id"),
        _fk("traffic_stations", "road_id", "traffic_roads", "CASCADE"),
        _fk("traffic_stations", "ward_id", "wards", "SET NULL"),
        sa.UniqueConstraint("slug", name=op.f("uq_traffic_stations_slug")),
    )
    _index("traffic_stations", "road_id")
    _index("traffic_stations", "ward_id")
    op.create_table(
        "traffic_counts",
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in VEHICLE_CLASSES),
        _pk("traffic_counts", "station_id", "starts_at"),
        _fk("traffic_counts", "station_id", "traffic_stations", "CASCADE"),
    )
    _index("traffic_counts", "starts_at")
    op.create_table(
        "traffic_counts_hourly",
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("hour", UTCDateTime(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in VEHICLE_CLASSES),
        _pk("traffic_counts_hourly", "station_id", "hour"),
        _fk("traffic_counts_hourly", "station_id", "traffic_stations", "CASCADE"),
    )
    op.create_table(
        "traffic_speeds",
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("measured_at", UTCDateTime(), nullable=False),
        sa.Column(
            "vehicle_class", _enum("traffic_vehicle_class", *VEHICLE_CLASSES), nullable=False
        ),
        sa.Column("speed_kmh", sa.Float(), nullable=False),
        _pk("traffic_speeds", "station_id", "measured_at", "vehicle_class"),
        _fk("traffic_speeds", "station_id", "traffic_stations", "CASCADE"),
    )
    _index("traffic_speeds", "measured_at")
    _index("traffic_speeds", "station_id", "measured_at", postgresql_include=["speed_kmh"])


def downgrade() -> None:
    for table in (
        "traffic_speeds",
        "traffic_counts_hourly",
        "traffic_counts",
        "traffic_stations",
        "traffic_feed_keys",
        "traffic_access_log",
        "traffic_violations",
        "traffic_vehicles",
        "traffic_audit_events",
        "traffic_incidents",
        "traffic_roads",
    ):
        op.drop_table(table)
    op.execute(
        "DELETE FROM role_assignments WHERE role IN "
        "('traffic_operator', 'traffic_police', 'traffic_planner')"
    )
    _set_roles(ROLES_BEFORE)
