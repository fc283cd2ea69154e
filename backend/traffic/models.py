"""Tables of the traffic domain: roads, incidents with their audit trail, citizens' vehicles and
their verification, camera-detected violations from the police system, and the access log of
every staff lookup by plate.

These entities serve writes; reads go through typed rows (`backend.traffic.repository.rows`)."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAtMixin
from backend.db.types import Geography, TranslatedText, UTCDateTime, string_enum
from backend.i18n import Translated


class IncidentType(StrEnum):
    ACCIDENT = "accident"
    CONGESTION = "congestion"
    ROADWORKS = "roadworks"
    CLOSURE = "closure"
    FLOODED_ROAD = "flooded_road"
    EVENT = "event"


class IncidentCause(StrEnum):
    """GTFS-Realtime `Alert.Cause`."""

    UNKNOWN_CAUSE = "unknown_cause"
    OTHER_CAUSE = "other_cause"
    TECHNICAL_PROBLEM = "technical_problem"
    STRIKE = "strike"
    DEMONSTRATION = "demonstration"
    ACCIDENT = "accident"
    HOLIDAY = "holiday"
    WEATHER = "weather"
    MAINTENANCE = "maintenance"
    CONSTRUCTION = "construction"
    POLICE_ACTIVITY = "police_activity"
    MEDICAL_EMERGENCY = "medical_emergency"


class IncidentEffect(StrEnum):
    """GTFS-Realtime `Alert.Effect`."""

    NO_SERVICE = "no_service"
    REDUCED_SERVICE = "reduced_service"
    SIGNIFICANT_DELAYS = "significant_delays"
    DETOUR = "detour"
    ADDITIONAL_SERVICE = "additional_service"
    MODIFIED_SERVICE = "modified_service"
    OTHER_EFFECT = "other_effect"
    UNKNOWN_EFFECT = "unknown_effect"
    STOP_MOVED = "stop_moved"
    NO_EFFECT = "no_effect"
    ACCESSIBILITY_ISSUE = "accessibility_issue"


class IncidentSeverity(StrEnum):
    """GTFS-Realtime `Alert.SeverityLevel`."""

    UNKNOWN_SEVERITY = "unknown_severity"
    INFO = "info"
    WARNING = "warning"
    SEVERE = "severe"


class IncidentSource(StrEnum):
    OPERATIONS_CENTRE = "operations_centre"
    POLICE = "police"
    # A citizen's report an operator confirmed before publishing it.
    CITIZEN_REPORT = "citizen_report"


class PlateColour(StrEnum):
    WHITE = "white"  # private
    YELLOW = "yellow"  # commercial transport
    BLUE = "blue"  # state agencies
    RED = "red"  # military


class VehicleType(StrEnum):
    CAR = "car"
    MOTORBIKE = "motorbike"
    E_BIKE = "e_bike"


class VehicleStatus(StrEnum):
    PENDING = "pending"  # waiting for a traffic-police operator
    VERIFIED = "verified"
    REJECTED = "rejected"
    # Ownership passed to someone else (a newer verified link), or the owner removed it.
    ENDED = "ended"


class ViolationStatus(StrEnum):
    UNHANDLED = "unhandled"  # chưa xử phạt
    HANDLED = "handled"  # đã xử phạt


class StationKind(StrEnum):
    CAMERA = "camera"
    LOOP = "loop"  # an inductive loop in the road


class VehicleClass(StrEnum):
    """The classes counting stations report."""

    MOTORBIKE = "motorbike"
    CAR = "car"
    BUS = "bus"
    TRUCK = "truck"
    BICYCLE = "bicycle"


class Road(CreatedAtMixin, Base):
    """A road as a line, for incidents along it and the planners' statistics."""

    __tablename__ = "traffic_roads"
    __table_args__ = (Index(None, "path", postgresql_using="gist"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())
    path: Mapped[LineString] = mapped_column(Geography("LINESTRING"))
    # Computed on the sphere when the road is saved: incidents per km divide by it.
    length_m: Mapped[int] = mapped_column(Integer())
    ward_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("wards.id", ondelete="SET NULL"), index=True
    )


class Incident(CreatedAtMixin, Base):
    __tablename__ = "traffic_incidents"
    __table_args__ = (
        Index(None, "location", postgresql_using="gist"),
        Index(None, "ends_at", "starts_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    type: Mapped[IncidentType] = mapped_column(string_enum(IncidentType, "traffic_incident_type"))
    cause: Mapped[IncidentCause] = mapped_column(
        string_enum(IncidentCause, "traffic_incident_cause")
    )
    effect: Mapped[IncidentEffect] = mapped_column(
        string_enum(IncidentEffect, "traffic_incident_effect")
    )
    severity: Mapped[IncidentSeverity] = mapped_column(
        string_enum(IncidentSeverity, "traffic_incident_severity")
    )
    source: Mapped[IncidentSource] = mapped_column(
        string_enum(IncidentSource, "traffic_incident_source")
    )
    # A point, or a line along a road.
    location: Mapped[BaseGeometry] = mapped_column(Geography("GEOMETRY"))
    road_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("traffic_roads.id", ondelete="SET NULL"), index=True
    )
    ward_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("wards.id", ondelete="SET NULL"), index=True
    )
    # A flooded road: the flood point (an environment station) that reports its depth.
    flood_point_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("env_things.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[Translated] = mapped_column(TranslatedText())
    # Links to public camera images or streams, http(s) only.
    camera_urls: Mapped[list[str]] = mapped_column(JSON())
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Expected end while open; the actual end once closed.
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[uuid.UUID] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """Append-only: who created, changed or closed an incident, verified a vehicle. No foreign
    keys: rows outlive what they describe."""

    __tablename__ = "traffic_audit_events"
    __table_args__ = (Index(None, "subject_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    subject_id: Mapped[uuid.UUID] = mapped_column()
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[dict[str, Any]] = mapped_column(JSON())


# At most one verified owner per plate: the database refuses a second one.
VERIFIED_PLATE_INDEX = "uq_traffic_vehicles_verified_plate"


class Vehicle(CreatedAtMixin, Base):
    """A citizen's claim to a vehicle; it shows nothing until a traffic-police operator verified
    the registration certificate."""

    __tablename__ = "traffic_vehicles"
    __table_args__ = (
        Index(
            VERIFIED_PLATE_INDEX,
            "plate",
            "plate_colour",
            unique=True,
            postgresql_where=text("status = 'verified'"),
            sqlite_where=text("status = 'verified'"),
        ),
        Index(None, "status", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Canonical form (backend.traffic.plates): "75A-123.45", "75-B1 234.56".
    plate: Mapped[str] = mapped_column(String(16))
    plate_colour: Mapped[PlateColour] = mapped_column(
        string_enum(PlateColour, "traffic_plate_colour")
    )
    vehicle_type: Mapped[VehicleType] = mapped_column(
        string_enum(VehicleType, "traffic_vehicle_type")
    )
    certificate_number: Mapped[str] = mapped_column(String(40))
    status: Mapped[VehicleStatus] = mapped_column(
        string_enum(VehicleStatus, "traffic_vehicle_status")
    )
    decided_by: Mapped[uuid.UUID | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(String(500))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Violation(CreatedAtMixin, Base):
    """A camera-detected violation as the police system reports it (phạt nguội)."""

    __tablename__ = "traffic_violations"
    __table_args__ = (
        # The natural key: the same record imported twice is the same row.
        UniqueConstraint("plate", "plate_colour", "occurred_at", "offence"),
        Index(None, "occurred_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    plate: Mapped[str] = mapped_column(String(16))
    plate_colour: Mapped[PlateColour] = mapped_column(
        string_enum(PlateColour, "traffic_violation_plate_colour")
    )
    vehicle_type: Mapped[VehicleType] = mapped_column(
        string_enum(VehicleType, "traffic_violation_vehicle_type")
    )
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(300))
    offence: Mapped[str] = mapped_column(String(300))
    status: Mapped[ViolationStatus] = mapped_column(
        string_enum(ViolationStatus, "traffic_violation_status")
    )
    detecting_unit: Mapped[str] = mapped_column(String(200))
    resolution_place: Mapped[str] = mapped_column(String(300))
    fine_min_vnd: Mapped[int] = mapped_column(BigInteger())
    fine_max_vnd: Mapped[int] = mapped_column(BigInteger())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AccessLog(Base):
    """Every staff lookup by plate: who, which plate, when."""

    __tablename__ = "traffic_access_log"
    __table_args__ = (Index(None, "actor_id", "at"), Index(None, "plate"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    actor_id: Mapped[uuid.UUID] = mapped_column()
    plate: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeedKey(CreatedAtMixin, Base):
    """An API key of a system that sends us data (the police violation feed). Only the HMAC of
    the key under the server's feed secret is kept: a high-entropy key needs no slow hash, and
    a stolen table without the secret gives nothing to try offline."""

    __tablename__ = "traffic_feed_keys"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Station(CreatedAtMixin, Base):
    """A counting station (a camera or a loop) on a road."""

    __tablename__ = "traffic_stations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())
    kind: Mapped[StationKind] = mapped_column(string_enum(StationKind, "traffic_station_kind"))
    road_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("traffic_roads.id", ondelete="CASCADE"), index=True
    )
    ward_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("wards.id", ondelete="SET NULL"), index=True
    )
    location: Mapped[Point] = mapped_column(Geography("POINT"))


class Count(Base):
    """Vehicles a station counted in one interval, by class: one row per station and interval
    (its natural key), so a re-sent reading replaces itself."""

    __tablename__ = "traffic_counts"
    __table_args__ = (PrimaryKeyConstraint("station_id", "starts_at"), Index(None, "starts_at"))

    station_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("traffic_stations.id", ondelete="CASCADE")
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seconds: Mapped[int] = mapped_column(Integer())
    motorbike: Mapped[int] = mapped_column(Integer())
    car: Mapped[int] = mapped_column(Integer())
    bus: Mapped[int] = mapped_column(Integer())
    truck: Mapped[int] = mapped_column(Integer())
    bicycle: Mapped[int] = mapped_column(Integer())


class HourlyCount(Base):
    """The counts of a station summed by hour (UTC), kept by the ingestion beside the raw rows:
    a month of minute readings of a road's stations is tens of thousands of these instead of
    millions of rows to sum per question."""

    __tablename__ = "traffic_counts_hourly"
    __table_args__ = (
        PrimaryKeyConstraint("station_id", "hour"),
        # A road's month of hours read from the index alone (PostgreSQL's INCLUDE).
        Index(
            None,
            "station_id",
            "hour",
            postgresql_include=["motorbike", "car", "bus", "truck", "bicycle"],
        ),
    )

    station_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("traffic_stations.id", ondelete="CASCADE")
    )
    hour: Mapped[datetime] = mapped_column(UTCDateTime())
    motorbike: Mapped[int] = mapped_column(BigInteger())
    car: Mapped[int] = mapped_column(BigInteger())
    bus: Mapped[int] = mapped_column(BigInteger())
    truck: Mapped[int] = mapped_column(BigInteger())
    bicycle: Mapped[int] = mapped_column(BigInteger())


class SpeedSample(Base):
    """One measured speed at a station (a vehicle's spot speed, or an interval's sample)."""

    __tablename__ = "traffic_speeds"
    __table_args__ = (
        PrimaryKeyConstraint("station_id", "measured_at", "vehicle_class"),
        Index(None, "measured_at"),
        # A station's samples of a period read from the index alone (PostgreSQL's INCLUDE).
        Index(None, "station_id", "measured_at", postgresql_include=["speed_kmh"]),
    )

    station_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("traffic_stations.id", ondelete="CASCADE")
    )
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    vehicle_class: Mapped[VehicleClass] = mapped_column(
        string_enum(VehicleClass, "traffic_vehicle_class")
    )
    speed_kmh: Mapped[float] = mapped_column(Float())


class SpeedDay(Base):
    """A station's speed samples of one local day (UTC+7) by whole km/h: how many, their sum,
    the lowest and the highest, kept by the ingestion beside the raw samples. A month of a road
    is tens of thousands of these instead of millions of samples to sort: the mean stays exact
    and the 85th percentile is read within its bin, between the bin's lowest and highest
    value, so it is off by less than the bin's spread (under 1 km/h) and exact where a bin
    holds one or two distinct values."""

    __tablename__ = "traffic_speed_days"
    __table_args__ = (
        # A road's month reads from the index alone (PostgreSQL's INCLUDE).
        PrimaryKeyConstraint(
            "station_id",
            "day",
            "bin_kmh",
            postgresql_include=["samples", "total_kmh", "min_kmh", "max_kmh"],
        ),
    )

    station_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("traffic_stations.id", ondelete="CASCADE")
    )
    # The local day's start, in UTC (17:00 the day before).
    day: Mapped[datetime] = mapped_column(UTCDateTime())
    # ⌊speed⌋: the samples in [bin_kmh, bin_kmh + 1).
    bin_kmh: Mapped[int] = mapped_column(Integer())
    samples: Mapped[int] = mapped_column(Integer())
    total_kmh: Mapped[float] = mapped_column(Float())
    min_kmh: Mapped[float] = mapped_column(Float())
    max_kmh: Mapped[float] = mapped_column(Float())


class SavedRoute(CreatedAtMixin, Base):
    """A citizen's route or commute: a drawn line, or the lines of chosen roads. A severe
    incident on or near it is pushed to its owner, once per incident."""

    __tablename__ = "traffic_saved_routes"
    __table_args__ = (
        Index(None, "owner_id", "created_at"),
        Index(None, "path", postgresql_using="gist"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    # A line, or the chosen roads' lines as one multi-line.
    path: Mapped[BaseGeometry] = mapped_column(Geography("GEOMETRY"))
    # The chosen roads, in the citizen's order; empty for a drawn line.
    road_ids: Mapped[list[str]] = mapped_column(JSON())
    # Local time (Asia/Ho_Chi_Minh) the route is travelled; both null: any time.
    active_start: Mapped[time | None] = mapped_column(Time())
    active_end: Mapped[time | None] = mapped_column(Time())


class RouteAlert(Base):
    """An incident already pushed for a route: the next change of it is not pushed again."""

    __tablename__ = "traffic_route_alerts"
    __table_args__ = (PrimaryKeyConstraint("route_id", "incident_id"),)

    route_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("traffic_saved_routes.id", ondelete="CASCADE")
    )
    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("traffic_incidents.id", ondelete="CASCADE")
    )
    alerted_at: Mapped[datetime] = mapped_column(UTCDateTime())
