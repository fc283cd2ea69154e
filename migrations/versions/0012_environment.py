"""Environment sensors after OGC SensorThings 1.1: things (stations), sensors, observed
properties, datastreams, observations, the latest value per datastream, station ingest keys,
threshold rules and their transitions.

On PostgreSQL `env_observations` is range-partitioned by month of `phenomenon_time`; this
migration creates the partitions from two months back to three ahead, and the periodic task
`environment.create_partitions` (with ingest, for late data) adds the others.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from backend.db.types import Geography, TranslatedText, UTCDateTime
from backend.environment import partitions

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _created_at() -> sa.Column[object]:
    return sa.Column("created_at", UTCDateTime(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "env_things",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column(
            "kind",
            _enum("env_thing_kind", "air_station", "river_gauge", "reservoir", "flood_point"),
            nullable=False,
        ),
        sa.Column("name", TranslatedText(), nullable=False),
        sa.Column("description", TranslatedText(), nullable=False),
        sa.Column("place_id", sa.Uuid(), nullable=True),
        sa.Column("location", Geography("POINT"), nullable=False),
        sa.Column("alarm_1", sa.Float(), nullable=True),
        sa.Column("alarm_2", sa.Float(), nullable=True),
        sa.Column("alarm_3", sa.Float(), nullable=True),
        sa.Column("normal_level", sa.Float(), nullable=True),
        sa.Column("properties", sa.JSON(), nullable=False),
        _created_at(),
        _fk("env_things", "place_id", "places", "SET NULL"),
        _pk("env_things", "id"),
        sa.UniqueConstraint("code", name=op.f("uq_env_things_code")),
    )
    op.create_index(op.f("ix_env_things_kind"), "env_things", ["kind"])
    op.create_index("ix_env_things_location", "env_things", ["location"], postgresql_using="gist")

    op.create_table(
        "env_sensors",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("encoding_type", sa.String(80), nullable=False),
        sa.Column("metadata", sa.String(500), nullable=False),
        _created_at(),
        _pk("env_sensors", "id"),
    )
    op.create_table(
        "env_observed_properties",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", TranslatedText(), nullable=False),
        sa.Column("definition", sa.String(300), nullable=False),
        _created_at(),
        _pk("env_observed_properties", "id"),
        sa.UniqueConstraint("code", name=op.f("uq_env_observed_properties_code")),
    )
    op.create_table(
        "env_datastreams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thing_id", sa.Uuid(), nullable=False),
        sa.Column("sensor_id", sa.Uuid(), nullable=True),
        sa.Column("observed_property_id", sa.Uuid(), nullable=False),
        sa.Column("unit_name", sa.String(60), nullable=False),
        sa.Column("unit_symbol", sa.String(20), nullable=False),
        sa.Column("valid_min", sa.Float(), nullable=True),
        sa.Column("valid_max", sa.Float(), nullable=True),
        _created_at(),
        _fk("env_datastreams", "thing_id", "env_things", "CASCADE"),
        _fk("env_datastreams", "sensor_id", "env_sensors", "SET NULL"),
        _fk("env_datastreams", "observed_property_id", "env_observed_properties", "RESTRICT"),
        _pk("env_datastreams", "id"),
        sa.UniqueConstraint(
            "thing_id",
            "observed_property_id",
            name=op.f("uq_env_datastreams_thing_id_observed_property_id"),
        ),
    )
    op.create_index(
        op.f("ix_env_datastreams_observed_property_id"),
        "env_datastreams",
        ["observed_property_id"],
    )

    observations = (
        sa.Column("datastream_id", sa.Integer(), nullable=False),
        sa.Column("phenomenon_time", UTCDateTime(), nullable=False),
        sa.Column("result", sa.Float(), nullable=False),
        sa.Column("quality", _enum("env_quality", "ok", "out_of_range"), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        _pk("env_observations", "datastream_id", "phenomenon_time"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.create_table(
            "env_observations", *observations, postgresql_partition_by="RANGE (phenomenon_time)"
        )
        today = datetime.now(UTC).date()
        for month in partitions.months_around(today, before=2, ahead=partitions.AHEAD):
            op.execute(partitions.create_sql(month))
    else:
        op.create_table("env_observations", *observations)

    op.create_table(
        "env_latest_observations",
        sa.Column("datastream_id", sa.Integer(), nullable=False),
        sa.Column("phenomenon_time", UTCDateTime(), nullable=False),
        sa.Column("result", sa.Float(), nullable=False),
        sa.Column("quality", _enum("env_latest_quality", "ok", "out_of_range"), nullable=False),
        _fk("env_latest_observations", "datastream_id", "env_datastreams", "CASCADE"),
        _pk("env_latest_observations", "datastream_id"),
    )
    op.create_table(
        "env_station_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("thing_id", sa.Uuid(), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        _created_at(),
        _fk("env_station_keys", "thing_id", "env_things", "CASCADE"),
        _pk("env_station_keys", "id"),
        sa.UniqueConstraint("key_id", name=op.f("uq_env_station_keys_key_id")),
    )
    op.create_index(op.f("ix_env_station_keys_thing_id"), "env_station_keys", ["thing_id"])

    op.create_table(
        "env_threshold_rules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("datastream_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(32), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("hysteresis", sa.Float(), nullable=False),
        sa.Column("hold_minutes", sa.Integer(), nullable=False),
        sa.Column("title", TranslatedText(), nullable=False),
        sa.Column("instruction", TranslatedText(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("auto_issue", sa.Boolean(), nullable=False),
        sa.Column("ward_codes", sa.JSON(), nullable=False),
        sa.Column("state", _enum("env_rule_state", "clear", "pending", "firing"), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=True),
        sa.Column("last_time", UTCDateTime(), nullable=True),
        _created_at(),
        _fk("env_threshold_rules", "datastream_id", "env_datastreams", "CASCADE"),
        _pk("env_threshold_rules", "id"),
        sa.UniqueConstraint("slug", name=op.f("uq_env_threshold_rules_slug")),
    )
    op.create_index(
        op.f("ix_env_threshold_rules_datastream_id"), "env_threshold_rules", ["datastream_id"]
    )
    op.create_table(
        "env_rule_transitions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("rule_id", sa.Uuid(), nullable=False),
        sa.Column(
            "to_state",
            _enum("env_transition_state", "clear", "pending", "firing"),
            nullable=False,
        ),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        _fk("env_rule_transitions", "rule_id", "env_threshold_rules", "CASCADE"),
        _pk("env_rule_transitions", "id"),
    )
    op.create_index(op.f("ix_env_rule_transitions_rule_id"), "env_rule_transitions", ["rule_id"])


def downgrade() -> None:
    for table in (
        "env_rule_transitions",
        "env_threshold_rules",
        "env_station_keys",
        "env_latest_observations",
        "env_observations",  # drops its partitions with it
        "env_datastreams",
        "env_observed_properties",
        "env_sensors",
        "env_things",
    ):
        op.drop_table(table)
