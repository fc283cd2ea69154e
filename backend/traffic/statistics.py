"""Statistics for planners and the operations centre, for a road, a ward or the city over a
period; and the stations' readings (counts by class and interval, speed samples), saved by their
natural keys so a re-sent batch changes nothing."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Forbidden, NotFound
from backend.identity.models import Role
from backend.traffic import access
from backend.traffic.models import Count, IncidentType, SpeedSample, VehicleClass
from backend.traffic.repository import statistics as repository
from backend.traffic.repository.statistics import IncidentStats, Scope, SpeedRow

MAX_PERIOD = timedelta(days=92)
MAX_INTERVAL_SECONDS = 3600
MAX_COUNT = 100_000
MAX_SPEED_KMH = 300.0
TOP = 10
# The operations centre's "today" starts at local midnight (Asia/Ho_Chi_Minh, UTC+7 all year).
LOCAL_OFFSET = timedelta(hours=7)


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime


def checked_period(start: datetime, end: datetime) -> Period:
    if start.tzinfo is None or end.tzinfo is None:
        raise BadUserInput("traffic.period_invalid", field="from")
    if not start < end:
        raise BadUserInput("traffic.period_invalid", field="to")
    if end - start > MAX_PERIOD:
        raise BadUserInput("traffic.period_too_long", field="to", days=MAX_PERIOD.days)
    return Period(start.astimezone(UTC), end.astimezone(UTC))


async def require_planner(session: AsyncSession, user_id: uuid.UUID) -> None:
    if not (
        await access.has_role(session, user_id, Role.TRAFFIC_PLANNER)
        or await access.has_role(session, user_id, Role.TRAFFIC_OPERATOR)
    ):
        raise Forbidden("forbidden")


@dataclass(frozen=True, slots=True)
class Statistics:
    scope: Scope
    period: Period
    road_length_m: int


async def statistics(
    session: AsyncSession, user_id: uuid.UUID, scope: Scope, period: Period
) -> Statistics:
    """Check the planner and the scope; each table is computed when asked for."""
    await require_planner(session, user_id)
    length = await repository.road_length_m(session, scope)
    if scope.road_id is not None and length == 0:
        raise NotFound("traffic.road_not_found", field="roadId")
    return Statistics(scope=scope, period=period, road_length_m=length)


async def volume(
    session: AsyncSession, stats: Statistics
) -> list[tuple[datetime, VehicleClass, int]]:
    return await repository.volume_by_hour(
        session, stats.scope, stats.period.start, stats.period.end
    )


def whole_days(period: Period) -> tuple[datetime, datetime] | None:
    """The local days lying wholly in the period, as [first day's start, last day's end), or
    None: their speeds are read from the kept histograms, the rest from the raw samples."""
    first = local_day_start(period.start)
    if first < period.start:
        first += timedelta(days=1)
    last = local_day_start(period.end)
    return (first, last) if first < last else None


async def speed(session: AsyncSession, stats: Statistics) -> SpeedRow:
    period = stats.period
    return await repository.speed(
        session, stats.scope, period.start, period.end, whole_days(period)
    )


async def incidents(session: AsyncSession, stats: Statistics, now: datetime) -> IncidentStats:
    return await repository.incidents(
        session, stats.scope, stats.period.start, stats.period.end, now
    )


def per_km(count: int, length_m: int) -> float | None:
    return None if length_m == 0 else round(count / (length_m / 1000), 3)


@dataclass(frozen=True, slots=True)
class Summary:
    active: list[tuple[IncidentType, int]]
    violations_today: list[tuple[str, int]]
    busiest_roads: list[tuple[uuid.UUID, int]]


def local_day_start(now: datetime) -> datetime:
    local = now.astimezone(UTC) + LOCAL_OFFSET
    return local.replace(hour=0, minute=0, second=0, microsecond=0) - LOCAL_OFFSET


async def operations_summary(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> Summary:
    """Active incidents by type, today's violations by offence, the busiest roads today."""
    await require_planner(session, user_id)
    start = local_day_start(now)
    return Summary(
        active=await repository.active_by_type(session, now),
        violations_today=await repository.violations_by_offence(session, start, now, TOP),
        busiest_roads=await repository.busiest_roads(session, start, now, TOP),
    )


# --- readings --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SaveReport:
    added: int
    updated: int
    unchanged: int


def _time(value: Any, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise BadUserInput("traffic.import_value", field=field) from exc
    if moment.tzinfo is None:
        raise BadUserInput("traffic.import_value", field=field)
    return moment.astimezone(UTC).replace(microsecond=0)


def _whole(value: Any, field: str, top: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
        raise BadUserInput("traffic.import_value", field=field)
    return value


async def save_readings(
    uow: UnitOfWork,
    counts: Sequence[Mapping[str, Any]],
    speeds: Sequence[Mapping[str, Any]],
) -> tuple[SaveReport, SaveReport]:
    """Check every reading, then add or replace by natural key: (station, interval start) for
    counts, (station, time, class) for speeds. A refusal names `counts[i].field`."""
    session = uow.session
    slugs = {str(item.get("station")) for item in (*counts, *speeds)}
    stations = await repository.stations_by_slugs(session, sorted(slugs))
    checked_counts: dict[tuple[uuid.UUID, datetime], dict[str, Any]] = {}
    for index, item in enumerate(counts):
        where = f"counts[{index}]"
        station = stations.get(str(item.get("station")))
        if station is None:
            raise NotFound("traffic.station_not_found", field=f"{where}.station")
        values = {
            "seconds": _whole(item.get("seconds"), f"{where}.seconds", MAX_INTERVAL_SECONDS),
            **{
                kind.value: _whole(item.get(kind.value, 0), f"{where}.{kind.value}", MAX_COUNT)
                for kind in VehicleClass
            },
        }
        if values["seconds"] == 0:
            raise BadUserInput("traffic.import_value", field=f"{where}.seconds")
        checked_counts[(station, _time(item.get("starts_at"), f"{where}.starts_at"))] = values
    checked_speeds: dict[tuple[uuid.UUID, datetime, VehicleClass], float] = {}
    for index, item in enumerate(speeds):
        where = f"speeds[{index}]"
        station = stations.get(str(item.get("station")))
        if station is None:
            raise NotFound("traffic.station_not_found", field=f"{where}.station")
        try:
            kind = VehicleClass(str(item.get("vehicle_class")))
            speed_kmh = float(item.get("speed_kmh"))  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise BadUserInput("traffic.import_value", field=f"{where}.speed_kmh") from exc
        if not (math.isfinite(speed_kmh) and 0 <= speed_kmh <= MAX_SPEED_KMH):
            raise BadUserInput("traffic.import_value", field=f"{where}.speed_kmh")
        key = (station, _time(item.get("measured_at"), f"{where}.measured_at"), kind)
        checked_speeds[key] = speed_kmh
    return (
        await _save_counts(session, checked_counts),
        await _save_speeds(session, checked_speeds),
    )


async def _save_counts(
    session: AsyncSession, found: dict[tuple[uuid.UUID, datetime], dict[str, Any]]
) -> SaveReport:
    known = await repository.existing_counts(session, list(found))
    added = updated = 0
    touched: set[tuple[uuid.UUID, datetime]] = set()
    for (station, starts_at), values in found.items():
        row = known.get((station, starts_at))
        if row is None:
            session.add(Count(station_id=station, starts_at=starts_at, **values))
            added += 1
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            updated += 1
        else:
            continue
        touched.add((station, starts_at.replace(minute=0, second=0, microsecond=0)))
    await session.flush()
    await repository.rebuild_hours(session, touched)
    return SaveReport(added, updated, len(found) - added - updated)


async def _save_speeds(
    session: AsyncSession, found: dict[tuple[uuid.UUID, datetime, VehicleClass], float]
) -> SaveReport:
    known = await repository.existing_speeds(session, list(found))
    added = updated = 0
    touched: set[tuple[uuid.UUID, datetime]] = set()
    for (station, measured_at, kind), speed_kmh in found.items():
        row = known.get((station, measured_at, kind))
        if row is None:
            session.add(
                SpeedSample(
                    station_id=station,
                    measured_at=measured_at,
                    vehicle_class=kind,
                    speed_kmh=speed_kmh,
                )
            )
            added += 1
        elif row.speed_kmh != speed_kmh:
            row.speed_kmh = speed_kmh
            updated += 1
        else:
            continue
        touched.add((station, local_day_start(measured_at)))
    await session.flush()
    await repository.rebuild_speed_days(session, touched)
    return SaveReport(added, updated, len(found) - added - updated)
