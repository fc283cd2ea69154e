"""Tables of the environment domain, after OGC SensorThings 1.1: Things (stations) with their
location, Sensors, ObservedProperties, Datastreams (a thing's series of one property, in one
unit), Observations, the latest value of each datastream, the stations' ingest keys, and
threshold rules with their state.

On PostgreSQL `env_observations` is partitioned by month (migration 0012 and
`backend.environment.partitions`); the model below is what both dialects share."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from shapely.geometry import Point
from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAtMixin
from backend.db.types import Geography, TranslatedText, UTCDateTime, string_enum
from backend.i18n import Translated


class ThingKind(StrEnum):
    AIR_STATION = "air_station"
    RIVER_GAUGE = "river_gauge"
    RESERVOIR = "reservoir"
    FLOOD_POINT = "flood_point"


class Quality(StrEnum):
    OK = "ok"
    # Outside the datastream's plausible range: kept, never used for indices or rules.
    OUT_OF_RANGE = "out_of_range"


class RuleState(StrEnum):
    CLEAR = "clear"
    PENDING = "pending"  # above the threshold, for less than the hold time
    FIRING = "firing"


class Thing(CreatedAtMixin, Base):
    """A station: an air-quality station, a river gauge, a reservoir or a flood point."""

    __tablename__ = "env_things"
    __table_args__ = (Index(None, "location", postgresql_using="gist"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # The operator's code (KK-TTH01 for Huế's national air station).
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[ThingKind] = mapped_column(string_enum(ThingKind, "env_thing_kind"), index=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())
    # The river or the street, as shown beside the name.
    description: Mapped[Translated] = mapped_column(TranslatedText())
    # SensorThings' Location: a public place when the station stands at one, else a point.
    place_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("places.id", ondelete="SET NULL"))
    location: Mapped[Point] = mapped_column(Geography("POINT"))
    # River gauges: the levels of báo động I, II and III (m); reservoirs: the normal level (m).
    alarm_1: Mapped[float | None] = mapped_column(Float())
    alarm_2: Mapped[float | None] = mapped_column(Float())
    alarm_3: Mapped[float | None] = mapped_column(Float())
    normal_level: Mapped[float | None] = mapped_column(Float())
    # Where a figure comes from or whether it is unconfirmed, per SensorThings' `properties`.
    properties: Mapped[dict[str, str]] = mapped_column(JSON())


class Sensor(CreatedAtMixin, Base):
    __tablename__ = "env_sensors"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500))
    encoding_type: Mapped[str] = mapped_column(String(80))
    # A datasheet's address or a model name.
    sensor_metadata: Mapped[str] = mapped_column("metadata", String(500))


class ObservedProperty(CreatedAtMixin, Base):
    __tablename__ = "env_observed_properties"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # pm25, pm10, o3, co, so2, no2, water_level, rainfall, reservoir_level, inflow, outflow
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())
    definition: Mapped[str] = mapped_column(String(300))


class Datastream(CreatedAtMixin, Base):
    """One property measured at one station, in one unit. Integer ids: they are in MQTT topics
    (`v1.1/Datastreams(12)/Observations`) and in every observation row."""

    __tablename__ = "env_datastreams"
    __table_args__ = (UniqueConstraint("thing_id", "observed_property_id"),)

    id: Mapped[int] = mapped_column(Integer(), primary_key=True)
    thing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("env_things.id", ondelete="CASCADE"))
    sensor_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("env_sensors.id", ondelete="SET NULL")
    )
    observed_property_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("env_observed_properties.id", ondelete="RESTRICT"), index=True
    )
    unit_name: Mapped[str] = mapped_column(String(60))
    unit_symbol: Mapped[str] = mapped_column(String(20))
    # Values outside [valid_min, valid_max] are stored flagged `out_of_range`.
    valid_min: Mapped[float | None] = mapped_column(Float())
    valid_max: Mapped[float | None] = mapped_column(Float())


class Observation(Base):
    """One reading. The primary key serves one datastream's reads, newest first by a backward
    scan, and makes a repeated reading a no-op (`ON CONFLICT DO NOTHING`); the time index serves
    SensorThings' `/Observations` of every datastream ordered or filtered by time."""

    __tablename__ = "env_observations"
    __table_args__ = (Index("ix_env_observations_time", "phenomenon_time", "datastream_id"),)

    datastream_id: Mapped[int] = mapped_column(Integer(), primary_key=True)
    phenomenon_time: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    result: Mapped[float] = mapped_column(Float())
    quality: Mapped[Quality] = mapped_column(string_enum(Quality, "env_quality"))
    # When it reached us (SensorThings' resultTime is the sensor's; we keep the arrival).
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LatestObservation(Base):
    """The newest reading of each datastream, kept on ingest so maps never scan history."""

    __tablename__ = "env_latest_observations"

    datastream_id: Mapped[int] = mapped_column(
        ForeignKey("env_datastreams.id", ondelete="CASCADE"), primary_key=True
    )
    phenomenon_time: Mapped[datetime] = mapped_column(UTCDateTime())
    result: Mapped[float] = mapped_column(Float())
    quality: Mapped[Quality] = mapped_column(string_enum(Quality, "env_latest_quality"))


class StationKey(CreatedAtMixin, Base):
    """A station's ingest key: `<key_id>.<secret>`; only an HMAC-SHA256 of the secret is kept.
    A rotation gives the old keys an expiry, so both work during the overlap."""

    __tablename__ = "env_station_keys"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    thing_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("env_things.id", ondelete="CASCADE"), index=True
    )
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ThresholdRule(CreatedAtMixin, Base):
    """A rule on one datastream: fires once when the value reaches `threshold` (and stays there
    `hold_minutes`), clears when it falls below `threshold - hysteresis`."""

    __tablename__ = "env_threshold_rules"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    datastream_id: Mapped[int] = mapped_column(
        ForeignKey("env_datastreams.id", ondelete="CASCADE"), index=True
    )
    # "value": the reading itself; "vn_aqi_hourly": the station's hourly VN_AQI.
    metric: Mapped[str] = mapped_column(String(32))
    threshold: Mapped[float] = mapped_column(Float())
    hysteresis: Mapped[float] = mapped_column(Float())
    hold_minutes: Mapped[int] = mapped_column(Integer())
    title: Mapped[Translated] = mapped_column(TranslatedText())
    instruction: Mapped[Translated] = mapped_column(TranslatedText())
    # CAP severity of the alert it raises (Extreme, Severe, Moderate, Minor).
    severity: Mapped[str] = mapped_column(String(16))
    # Issue the alert at once; otherwise it waits as a draft for a civil-defence operator.
    auto_issue: Mapped[bool] = mapped_column(Boolean())
    # Ward slugs the automatic alert is raised for.
    ward_codes: Mapped[list[str]] = mapped_column(JSON())
    state: Mapped[RuleState] = mapped_column(string_enum(RuleState, "env_rule_state"))
    # When the value first reached the threshold in the current episode.
    since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_time: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RuleTransition(Base):
    """A rule fired or gave the all-clear: the record an alert is raised or cleared from."""

    __tablename__ = "env_rule_transitions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    rule_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("env_threshold_rules.id", ondelete="CASCADE"), index=True
    )
    to_state: Mapped[RuleState] = mapped_column(string_enum(RuleState, "env_transition_state"))
    value: Mapped[float] = mapped_column(Float())
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReleaseOrder(CreatedAtMixin, Base):
    """A release order a reservoir published: discharge between two flows from a start time
    (e.g. Bình Điền, 16 Oct 2025: 500–900 m³/s). The newest by `issued_at` is in force."""

    __tablename__ = "env_release_orders"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    thing_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("env_things.id", ondelete="CASCADE"), index=True
    )
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # m³/s
    flow_min: Mapped[float] = mapped_column(Float())
    flow_max: Mapped[float] = mapped_column(Float())
    # Who ordered it, or the document's number; shown as the source.
    source: Mapped[str] = mapped_column(String(300))
