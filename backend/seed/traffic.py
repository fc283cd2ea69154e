"""The traffic demo: four Huế roads as lines (approximate, good for demo maps), an incident of each
type, the civil-servant demo account as traffic operator, traffic police and planner, and the
resident demo account's verified motorbike with two camera-detected violations (one handled).
Idempotent: rows are keyed by stable ids and added only when missing. Kept small: it runs once
per test worker; the benchmark generates the month of counts instead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.types import utcnow
from backend.i18n import Translated
from backend.identity.models import Role, RoleAssignment
from backend.places import service as places
from backend.seed.demo import stable_id
from backend.traffic.incidents import anchor
from backend.traffic.models import (
    Count,
    Incident,
    IncidentCause,
    IncidentEffect,
    IncidentSeverity,
    IncidentSource,
    IncidentType,
    PlateColour,
    Road,
    SpeedSample,
    Station,
    StationKind,
    Vehicle,
    VehicleClass,
    VehicleStatus,
    VehicleType,
    Violation,
    ViolationStatus,
)
from backend.traffic.network import length_m
from backend.traffic.repository import statistics
from backend.traffic.statistics import local_day_start

STAFF_PHONE = "+84905000003"
RESIDENT_PHONE = "+84905000001"
STAFF_ROLES = (Role.TRAFFIC_OPERATOR, Role.TRAFFIC_POLICE, Role.TRAFFIC_PLANNER)
MOTORBIKE_PLATE = "75-B1 234.56"

# (slug, vi, en, [(lat, lon), ...])
ROADS = (
    (
        "le-loi",
        "Lê Lợi",
        "Le Loi Street",
        ((16.4566, 107.5787), (16.4610, 107.5830), (16.4640, 107.5865), (16.4680, 107.5915)),
    ),
    (
        "hung-vuong",
        "Hùng Vương",
        "Hung Vuong Street",
        ((16.4678, 107.5925), (16.4630, 107.5975), (16.4590, 107.6020)),
    ),
    (
        "tran-hung-dao",
        "Trần Hưng Đạo",
        "Tran Hung Dao Street",
        ((16.4700, 107.5840), (16.4725, 107.5880), (16.4750, 107.5915)),
    ),
    (
        "dien-bien-phu",
        "Điện Biên Phủ",
        "Dien Bien Phu Street",
        ((16.4565, 107.5800), (16.4500, 107.5830), (16.4440, 107.5860)),
    ),
)


@dataclass(frozen=True, slots=True)
class IncidentSeed:
    slug: str
    type: IncidentType
    cause: IncidentCause
    effect: IncidentEffect
    severity: IncidentSeverity
    source: IncidentSource
    road: str
    # One point, or a stretch of the road.
    spots: tuple[tuple[float, float], ...]
    vi: str
    en: str
    # Hours from now: start, expected end (None: open-ended); closed ones ended already.
    start_h: float
    end_h: float | None
    closed: bool = False


INCIDENTS = (
    IncidentSeed(
        "accident-le-loi",
        IncidentType.ACCIDENT,
        IncidentCause.ACCIDENT,
        IncidentEffect.SIGNIFICANT_DELAYS,
        IncidentSeverity.SEVERE,
        IncidentSource.POLICE,
        "le-loi",
        ((16.4640, 107.5865),),
        "Va chạm giữa ô tô và xe máy trước trường Quốc Học, một làn bị chặn.",
        "Car and motorbike collision outside Quốc Học school; one lane blocked.",
        -1,
        2,
    ),
    IncidentSeed(
        "congestion-hung-vuong",
        IncidentType.CONGESTION,
        IncidentCause.HOLIDAY,
        IncidentEffect.SIGNIFICANT_DELAYS,
        IncidentSeverity.WARNING,
        IncidentSource.OPERATIONS_CENTRE,
        "hung-vuong",
        ((16.4678, 107.5925), (16.4630, 107.5975)),
        "Ùn tắc từ cầu Trường Tiền đến ngã sáu Hùng Vương.",
        "Slow traffic from Trường Tiền bridge to the Hùng Vương six-way junction.",
        -0.5,
        1.5,
    ),
    IncidentSeed(
        "roadworks-dien-bien-phu",
        IncidentType.ROADWORKS,
        IncidentCause.CONSTRUCTION,
        IncidentEffect.REDUCED_SERVICE,
        IncidentSeverity.INFO,
        IncidentSource.OPERATIONS_CENTRE,
        "dien-bien-phu",
        ((16.4500, 107.5830), (16.4440, 107.5860)),
        "Thi công hệ thống thoát nước, thu hẹp một làn xe.",
        "Drainage works; one lane closed.",
        -72,
        24 * 14,
    ),
    IncidentSeed(
        "closure-tran-hung-dao",
        IncidentType.CLOSURE,
        IncidentCause.OTHER_CAUSE,
        IncidentEffect.DETOUR,
        IncidentSeverity.WARNING,
        IncidentSource.OPERATIONS_CENTRE,
        "tran-hung-dao",
        ((16.4725, 107.5880), (16.4750, 107.5915)),
        "Cấm xe đoạn trước chợ Đông Ba phục vụ phố đi bộ, đi đường Huỳnh Thúc Kháng.",
        "Closed outside Đông Ba market for the walking street; detour via Huỳnh Thúc Kháng.",
        2,
        6,
    ),
    IncidentSeed(
        "flooded-le-loi",
        IncidentType.FLOODED_ROAD,
        IncidentCause.WEATHER,
        IncidentEffect.DETOUR,
        IncidentSeverity.WARNING,
        IncidentSource.CITIZEN_REPORT,
        "le-loi",
        ((16.4580, 107.5800),),
        "Ngập khoảng 30 cm gần ga Huế, xe máy nên tránh.",
        "About 30 cm of water near Huế station; motorbikes should avoid it.",
        -3,
        None,
    ),
    IncidentSeed(
        "event-le-loi",
        IncidentType.EVENT,
        IncidentCause.HOLIDAY,
        IncidentEffect.MODIFIED_SERVICE,
        IncidentSeverity.INFO,
        IncidentSource.OPERATIONS_CENTRE,
        "le-loi",
        ((16.4680, 107.5915),),
        "Lễ hội đường phố Festival Huế đã kết thúc.",
        "The Huế Festival street parade has ended.",
        -30,
        -26,
        closed=True,
    ),
)

# (slug, road, kind, lat, lon, busyness): a day and a half of 15-minute counts each.
STATIONS = (
    ("le-loi-quoc-hoc", "le-loi", StationKind.CAMERA, 16.4638, 107.5862, 1.0),
    ("le-loi-ga-hue", "le-loi", StationKind.LOOP, 16.4590, 107.5808, 0.7),
    ("hung-vuong-nga-sau", "hung-vuong", StationKind.CAMERA, 16.4630, 107.5975, 1.3),
    ("tran-hung-dao-dong-ba", "tran-hung-dao", StationKind.CAMERA, 16.4740, 107.5902, 0.9),
)
COUNT_HOURS = 36
INTERVAL = timedelta(minutes=15)
# Vehicles per 15 minutes at the busiest hour, by class (Huế traffic is mostly motorbikes).
PEAK = {"motorbike": 240, "car": 40, "bus": 4, "truck": 6, "bicycle": 12}
FREE_FLOW_KMH = {VehicleClass.MOTORBIKE: 38.0, VehicleClass.CAR: 42.0}

# (slug, minutes ago, place, offence, status, fine range)
VIOLATIONS = (
    (
        "red-light",
        60 * 24 * 3,
        "Ngã tư Lê Lợi – Hùng Vương, Huế",
        "Không chấp hành hiệu lệnh của đèn tín hiệu giao thông",
        ViolationStatus.UNHANDLED,
        (4_000_000, 6_000_000),
    ),
    (
        "no-helmet",
        60 * 24 * 40,
        "Đường Trần Hưng Đạo, trước chợ Đông Ba, Huế",
        "Không đội mũ bảo hiểm khi điều khiển xe mô tô",
        ViolationStatus.HANDLED,
        (400_000, 600_000),
    ),
)


def path_of(spots: tuple[tuple[float, float], ...]) -> BaseGeometry:
    points = [Point(lon, lat) for lat, lon in spots]
    return points[0] if len(points) == 1 else LineString(points)


async def seed_traffic(session: AsyncSession) -> dict[str, int]:
    now = utcnow()
    added = {"roads": 0, "traffic incidents": 0, "vehicles": 0, "violations": 0}
    staff = stable_id("user", STAFF_PHONE)
    for role in STAFF_ROLES:
        if await session.get(RoleAssignment, stable_id("role", f"{STAFF_PHONE}:{role}")) is None:
            session.add(
                RoleAssignment(
                    id=stable_id("role", f"{STAFF_PHONE}:{role}"),
                    user_id=staff,
                    role=role,
                    scope_id=None,
                    created_at=now,
                )
            )
    for slug, vi, en, spots in ROADS:
        if await session.get(Road, stable_id("road", slug)) is None:
            line = path_of(spots)
            assert isinstance(line, LineString)
            ward = await places.ward_at(session, anchor(line))
            session.add(
                Road(
                    id=stable_id("road", slug),
                    slug=slug,
                    name=Translated.of(vi, en),
                    path=line,
                    length_m=length_m(line),
                    ward_id=None if ward is None else ward.id,
                    created_at=now,
                )
            )
            added["roads"] += 1
    await session.flush()
    for seed in INCIDENTS:
        if await session.get(Incident, stable_id("traffic-incident", seed.slug)) is None:
            session.add(await _incident(session, seed, staff, now))
            added["traffic incidents"] += 1
    vehicle_id = stable_id("vehicle", MOTORBIKE_PLATE)
    if await session.get(Vehicle, vehicle_id) is None:
        session.add(
            Vehicle(
                id=vehicle_id,
                owner_id=stable_id("user", RESIDENT_PHONE),
                plate=MOTORBIKE_PLATE,
                plate_colour=PlateColour.WHITE,
                vehicle_type=VehicleType.MOTORBIKE,
                certificate_number="075123456 (demo)",
                status=VehicleStatus.VERIFIED,
                decided_by=staff,
                decided_at=now - timedelta(days=60),
                created_at=now - timedelta(days=61),
            )
        )
        added["vehicles"] += 1
    for slug, minutes_ago, place, offence, status, (low, high) in VIOLATIONS:
        if await session.get(Violation, stable_id("violation", slug)) is None:
            session.add(
                Violation(
                    id=stable_id("violation", slug),
                    plate=MOTORBIKE_PLATE,
                    plate_colour=PlateColour.WHITE,
                    vehicle_type=VehicleType.MOTORBIKE,
                    occurred_at=(now - timedelta(minutes=minutes_ago)).replace(microsecond=0),
                    place=place,
                    offence=offence,
                    status=status,
                    detecting_unit="Phòng Cảnh sát giao thông Công an TP Huế",
                    resolution_place="Đội CSGT số 1, 30 Trần Cao Vân, Huế",
                    fine_min_vnd=low,
                    fine_max_vnd=high,
                    created_at=now,
                    updated_at=now,
                )
            )
            added["violations"] += 1
    await session.flush()
    added["counting stations"] = 0
    for station in STATIONS:
        if await session.get(Station, stable_id("station", station[0])) is None:
            await _station(session, station, now)
            added["counting stations"] += 1
    return added


def _daily_shape(hour: int) -> float:
    """Share of the peak in a local hour: morning and evening peaks, quiet nights."""
    profile = (0.05, 0.03, 0.03, 0.04, 0.1, 0.35, 0.8, 1.0, 0.85, 0.6, 0.55, 0.65,
               0.7, 0.6, 0.55, 0.6, 0.8, 1.0, 0.9, 0.7, 0.5, 0.35, 0.2, 0.1)  # fmt: skip
    return profile[hour % 24]


async def _station(
    session: AsyncSession, seed: tuple[str, str, StationKind, float, float, float], now: datetime
) -> None:
    slug, road, kind, lat, lon, busyness = seed
    station_id = stable_id("station", slug)
    location = Point(lon, lat)
    ward = await places.ward_at(session, location)
    session.add(
        Station(
            id=station_id,
            slug=slug,
            name=Translated.of(f"Trạm đếm {slug}", f"Counting station {slug}"),
            kind=kind,
            road_id=stable_id("road", road),
            ward_id=None if ward is None else ward.id,
            location=location,
            created_at=now,
        )
    )
    await session.flush()
    end = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    counts: list[dict[str, Any]] = []
    speeds: list[dict[str, Any]] = []
    for step in range(COUNT_HOURS * 4):
        starts_at = end - (step + 1) * INTERVAL
        share = _daily_shape((starts_at + timedelta(hours=7)).hour) * busyness
        wobble = 0.9 + 0.2 * ((step * 7919 + len(slug)) % 11) / 10
        counts.append(
            {
                "station_id": station_id,
                "starts_at": starts_at,
                "seconds": 900,
                **{name: round(peak * share * wobble) for name, peak in PEAK.items()},
            }
        )
        for vehicle_class, free_flow in FREE_FLOW_KMH.items():
            speeds.append(
                {
                    "station_id": station_id,
                    "measured_at": starts_at,
                    "vehicle_class": vehicle_class,
                    "speed_kmh": round(free_flow * (1.1 - 0.5 * share) * wobble, 1),
                }
            )
    await session.execute(insert(Count), counts)
    await session.execute(insert(SpeedSample), speeds)
    hours = {(station_id, row["starts_at"].replace(minute=0)) for row in counts}
    await statistics.rebuild_hours(session, hours)
    days = {(station_id, local_day_start(row["measured_at"])) for row in speeds}
    await statistics.rebuild_speed_days(session, days)


async def _incident(
    session: AsyncSession, seed: IncidentSeed, staff: object, now: datetime
) -> Incident:
    location = path_of(seed.spots)
    ward = await places.ward_at(session, anchor(location))
    starts_at = now + timedelta(hours=seed.start_h)
    ends_at = None if seed.end_h is None else now + timedelta(hours=seed.end_h)
    return Incident(
        id=stable_id("traffic-incident", seed.slug),
        type=seed.type,
        cause=seed.cause,
        effect=seed.effect,
        severity=seed.severity,
        source=seed.source,
        location=location,
        road_id=stable_id("road", seed.road),
        ward_id=None if ward is None else ward.id,
        description=Translated.of(seed.vi, seed.en),
        camera_urls=["https://camera.hue.gov.vn/demo/le-loi-1.jpg"]
        if seed.road == "le-loi"
        else [],
        starts_at=starts_at,
        ends_at=ends_at,
        closed_at=ends_at if seed.closed else None,
        created_by=staff,
        created_at=now,
        updated_at=now,
    )
