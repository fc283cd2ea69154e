"""What the public API reads of the environment: stations, their latest readings and series,
the VN_AQI near a place, and the flood situation. Everything here is public data."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from shapely.geometry import Point
from sqlalchemy.ext.asyncio import AsyncSession

from backend.environment import aqi
from backend.environment.models import Quality, ThingKind
from backend.environment.repository import reads as rows
from backend.environment.repository.reads import Interval, ReleaseOrderRow
from backend.environment.repository.rows import BucketRow, LatestRow, ThingRow
from backend.errors import BadUserInput

AIR_PROPERTIES = ("pm25", "pm10", "o3", "co", "so2", "no2")
# A station whose newest PM hour is older than this has no current index.
AQI_STALE_AFTER = timedelta(hours=3)
# A flood point counts as reported while its newest reading is this recent.
FLOOD_POINT_FRESH = timedelta(hours=6)
TREND_WINDOW = timedelta(hours=3)
TREND_STEP_M = 0.05
MAX_SERIES_POINTS = {Interval.HOUR: 24 * 31, Interval.DAY: 366}


class Trend(StrEnum):
    RISING = "rising"
    FALLING = "falling"
    STEADY = "steady"


async def stations_page(
    session: AsyncSession,
    *,
    near: Point | None,
    kind: ThingKind | None,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[tuple[ThingRow, Any]]:
    return await rows.things_page(session, near=near, kind=kind, after=after, limit=limit)


async def stations_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[ThingRow]:
    return await rows.things_by_ids(session, ids)


async def latest_by_station(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> Mapping[uuid.UUID, list[LatestRow]]:
    found: dict[uuid.UUID, list[LatestRow]] = defaultdict(list)
    for row in await rows.latest_of_things(session, ids):
        found[row.thing_id].append(row)
    return found


async def series(
    session: AsyncSession,
    station_id: uuid.UUID,
    *,
    property_code: str,
    start: datetime,
    end: datetime,
    interval: Interval,
) -> list[BucketRow]:
    """A station's readings of one property, aggregated per hour or local day."""
    if start.tzinfo is None or end.tzinfo is None:
        raise BadUserInput(
            "environment.series_range_invalid", field="from", max=MAX_SERIES_POINTS[interval]
        )
    step = timedelta(hours=1) if interval is Interval.HOUR else timedelta(days=1)
    if not start < end or (end - start) / step > MAX_SERIES_POINTS[interval]:
        raise BadUserInput(
            "environment.series_range_invalid", field="to", max=MAX_SERIES_POINTS[interval]
        )
    streams = await rows.streams_of(session, [station_id], [property_code])
    if not streams:
        return []
    return await rows.buckets(session, [streams[0].id], start=start, end=end, interval=interval)


@dataclass(frozen=True, slots=True)
class AirQuality:
    station: ThingRow
    hour: datetime
    index: aqi.Index
    # Concentrations the sub-indices were computed from (PM: the NowCast).
    concentrations: Mapping[aqi.Pollutant, float]


async def air_quality(session: AsyncSession, near: Point, now: datetime) -> AirQuality | None:
    """The hourly VN_AQI at the air station nearest `near`, for its newest hour of PM."""
    nearest = await rows.things_page(
        session, near=near, kind=ThingKind.AIR_STATION, after=None, limit=1
    )
    if not nearest:
        return None
    station = nearest[0][0]
    latest = [
        row
        for row in await rows.latest_of_things(session, [station.id])
        if row.property_code in ("pm25", "pm10") and row.quality is Quality.OK
    ]
    if not latest:
        return None
    hour = max(row.phenomenon_time for row in latest).replace(minute=0, second=0, microsecond=0)
    if now - hour > AQI_STALE_AFTER:
        return None
    found = await hourly_index_at(session, station.id, hour)
    if found is None:
        return None
    return AirQuality(station, hour, *found)


async def hourly_index_at(
    session: AsyncSession, station_id: uuid.UUID, hour: datetime
) -> tuple[aqi.Index, dict[aqi.Pollutant, float]] | None:
    """A station's hourly VN_AQI for the hour starting at `hour`, from the hourly means of the
    12 hours up to it (database aggregation), with the concentrations used."""
    streams = {s.id: s.property_code for s in await rows.streams_of(session, [station_id])}
    start = hour - timedelta(hours=aqi.NOWCAST_HOURS - 1)
    means: dict[str, dict[datetime, float]] = defaultdict(dict)
    for bucket in await rows.buckets(
        session,
        [i for i, code in streams.items() if code in AIR_PROPERTIES],
        start=start,
        end=hour + timedelta(hours=1),
        interval=Interval.HOUR,
    ):
        means[streams[bucket.datastream_id]][bucket.start] = bucket.mean

    def hours(code: str) -> list[float | None]:
        return [means[code].get(hour - timedelta(hours=i)) for i in range(aqi.NOWCAST_HOURS)]

    def now_value(code: str) -> float | None:
        return means[code].get(hour)

    index = aqi.hourly_index(
        pm25=hours("pm25"),
        pm10=hours("pm10"),
        o3=now_value("o3"),
        co=now_value("co"),
        so2=now_value("so2"),
        no2=now_value("no2"),
    )
    if index is None:
        return None
    concentrations = {
        aqi.Pollutant.PM25: aqi.nowcast(hours("pm25")),
        aqi.Pollutant.PM10: aqi.nowcast(hours("pm10")),
        aqi.Pollutant.O3_1H: now_value("o3"),
        aqi.Pollutant.CO: now_value("co"),
        aqi.Pollutant.SO2: now_value("so2"),
        aqi.Pollutant.NO2: now_value("no2"),
    }
    return index, {p: c for p, c in concentrations.items() if c is not None}


@dataclass(frozen=True, slots=True)
class GaugeStatus:
    station: ThingRow
    level: LatestRow | None
    trend: Trend | None
    # 0 below báo động I, else the highest alarm level reached (1, 2 or 3).
    alarm_level: int


@dataclass(frozen=True, slots=True)
class ReservoirStatus:
    station: ThingRow
    level: LatestRow | None
    inflow: LatestRow | None
    outflow: LatestRow | None
    release_order: ReleaseOrderRow | None = None


@dataclass(frozen=True, slots=True)
class FloodPointStatus:
    station: ThingRow
    depth: LatestRow


@dataclass(frozen=True, slots=True)
class FloodSituation:
    gauges: list[GaugeStatus]
    reservoirs: list[ReservoirStatus]
    flood_points: list[FloodPointStatus]


def alarm_reached(station: ThingRow, level: float) -> int:
    reached = 0
    for number, threshold in enumerate((station.alarm_1, station.alarm_2, station.alarm_3), 1):
        if threshold is not None and level >= threshold:
            reached = number
    return reached


def trend_of(readings: Sequence[tuple[datetime, float]], latest: LatestRow) -> Trend | None:
    """Rising or falling by more than 5 cm over the last three hours."""
    earlier = [v for t, v in readings if t >= latest.phenomenon_time - TREND_WINDOW]
    if not earlier:
        return None
    change = latest.result - earlier[0]
    if change > TREND_STEP_M:
        return Trend.RISING
    if change < -TREND_STEP_M:
        return Trend.FALLING
    return Trend.STEADY


async def flood_situation(session: AsyncSession, now: datetime) -> FloodSituation:
    stations = await rows.things_of_kinds(
        session, [ThingKind.RIVER_GAUGE, ThingKind.RESERVOIR, ThingKind.FLOOD_POINT]
    )
    latest = await latest_by_station(session, [s.id for s in stations])

    def value(station: ThingRow, code: str) -> LatestRow | None:
        found = [r for r in latest.get(station.id, []) if r.property_code == code]
        return found[0] if found else None

    gauges = [s for s in stations if s.kind is ThingKind.RIVER_GAUGE]
    levels = {s.id: value(s, "water_level") for s in gauges}
    recent: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    level_rows = [row for row in levels.values() if row is not None]
    if level_rows:
        since = min(row.phenomenon_time for row in level_rows) - TREND_WINDOW
        for stream, moment, result in await rows.readings_since(
            session, [row.datastream_id for row in level_rows], since
        ):
            recent[stream].append((moment, result))
    gauge_status = []
    for station in gauges:
        level = levels[station.id]
        gauge_status.append(
            GaugeStatus(
                station,
                level,
                None if level is None else trend_of(recent[level.datastream_id], level),
                0 if level is None else alarm_reached(station, level.result),
            )
        )
    reservoir_rows = [s for s in stations if s.kind is ThingKind.RESERVOIR]
    orders = await rows.newest_release_orders(session, [s.id for s in reservoir_rows])
    reservoirs = [
        ReservoirStatus(
            s,
            value(s, "reservoir_level"),
            value(s, "inflow"),
            value(s, "outflow"),
            orders.get(s.id),
        )
        for s in reservoir_rows
    ]
    points = []
    for station in stations:
        if station.kind is not ThingKind.FLOOD_POINT:
            continue
        depth = value(station, "water_level")
        if (
            depth is not None
            and depth.result > 0
            and now - depth.phenomenon_time <= FLOOD_POINT_FRESH
        ):
            points.append(FloodPointStatus(station, depth))
    return FloodSituation(gauge_status, reservoirs, points)
