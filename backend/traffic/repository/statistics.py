"""The planners' statistics, aggregated in the database: volume by hour and class, mean and 85th
percentile speed, incidents and their durations, road lengths, the operations-centre summary."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, insert, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.aggregates import hour_start, percentile_cont, seconds_between
from backend.traffic.models import (
    Count,
    HourlyCount,
    Incident,
    IncidentType,
    Road,
    SpeedSample,
    Station,
    VehicleClass,
    Violation,
)
from backend.traffic.repository.incidents import active_at


@dataclass(frozen=True, slots=True)
class Scope:
    """A road, a ward, or (both None) the whole city."""

    road_id: uuid.UUID | None = None
    ward_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class SpeedRow:
    samples: int
    mean_kmh: float | None
    p85_kmh: float | None


@dataclass(frozen=True, slots=True)
class IncidentStats:
    count: int
    total_seconds: float
    mean_seconds: float | None


def _stations(scope: Scope) -> Select[Any]:
    statement = select(Station.id)
    if scope.road_id is not None:
        statement = statement.where(Station.road_id == scope.road_id)
    if scope.ward_id is not None:
        statement = statement.where(Station.ward_id == scope.ward_id)
    return statement


async def volume_by_hour(
    session: AsyncSession, scope: Scope, start: datetime, end: datetime
) -> list[tuple[datetime, VehicleClass, int]]:
    """(hour, class, vehicles) for the hours starting in the period that have counts, from the
    hourly sums, in hour then class order."""
    sums = [func.sum(getattr(HourlyCount, kind.value)) for kind in VehicleClass]
    statement = (
        select(HourlyCount.hour, *sums)
        .where(
            HourlyCount.station_id.in_(_stations(scope).scalar_subquery()),
            HourlyCount.hour >= start,
            HourlyCount.hour < end,
        )
        .group_by(HourlyCount.hour)
        .order_by(HourlyCount.hour)
    )
    found = []
    for row in (await session.execute(statement)).all():
        for kind, total in zip(VehicleClass, row[1:], strict=True):
            found.append((row[0], kind, int(total or 0)))
    return found


async def rebuild_hours(session: AsyncSession, hours: set[tuple[uuid.UUID, datetime]]) -> None:
    """Recompute the hourly sums from the raw counts: for each station, every hour from the
    first to the last of these (a batch is usually one stretch of time)."""
    spans: dict[uuid.UUID, tuple[datetime, datetime]] = {}
    for station_id, hour in hours:
        first, last = spans.get(station_id, (hour, hour))
        spans[station_id] = (min(first, hour), max(last, hour))
    for station_id, (first, last) in sorted(spans.items()):
        end = last + timedelta(hours=1)
        await session.execute(
            delete(HourlyCount).where(
                HourlyCount.station_id == station_id,
                HourlyCount.hour >= first,
                HourlyCount.hour < end,
            )
        )
        bucket = hour_start(Count.starts_at)
        summed = (
            select(
                Count.station_id,
                bucket,
                *(func.sum(getattr(Count, kind.value)) for kind in VehicleClass),
            )
            .where(Count.station_id == station_id, Count.starts_at >= first, Count.starts_at < end)
            .group_by(Count.station_id, bucket)
        )
        await session.execute(
            insert(HourlyCount).from_select(
                ["station_id", "hour", *(kind.value for kind in VehicleClass)], summed
            )
        )


async def speed(session: AsyncSession, scope: Scope, start: datetime, end: datetime) -> SpeedRow:
    statement = select(
        func.count(),
        func.avg(SpeedSample.speed_kmh),
        percentile_cont(SpeedSample.speed_kmh, 0.85),
    ).where(
        SpeedSample.station_id.in_(_stations(scope).scalar_subquery()),
        SpeedSample.measured_at >= start,
        SpeedSample.measured_at < end,
    )
    samples, mean, p85 = (await session.execute(statement)).one()
    return SpeedRow(
        samples=int(samples),
        mean_kmh=None if mean is None else float(mean),
        p85_kmh=None if p85 is None else float(p85),
    )


def _incident_scope(scope: Scope) -> list[ColumnElement[bool]]:
    if scope.road_id is not None:
        return [Incident.road_id == scope.road_id]
    if scope.ward_id is not None:
        return [Incident.ward_id == scope.ward_id]
    return []


async def incidents(
    session: AsyncSession, scope: Scope, start: datetime, end: datetime, now: datetime
) -> IncidentStats:
    """Incidents that started in the period; a duration runs from start to close, else to the
    expected end, else to now."""
    finished = func.coalesce(
        Incident.closed_at, Incident.ends_at, literal(now, Incident.starts_at.type)
    )
    duration = seconds_between(finished, Incident.starts_at)
    statement = select(func.count(), func.sum(duration), func.avg(duration)).where(
        Incident.starts_at >= start, Incident.starts_at < end, *_incident_scope(scope)
    )
    count, total, mean = (await session.execute(statement)).one()
    return IncidentStats(
        count=int(count),
        total_seconds=float(total or 0),
        mean_seconds=None if mean is None else float(mean),
    )


async def road_length_m(session: AsyncSession, scope: Scope) -> int:
    statement = select(func.coalesce(func.sum(Road.length_m), 0))
    if scope.road_id is not None:
        statement = statement.where(Road.id == scope.road_id)
    if scope.ward_id is not None:
        statement = statement.where(Road.ward_id == scope.ward_id)
    return int(await session.scalar(statement) or 0)


# --- the operations centre -------------------------------------------------------------------


async def active_by_type(session: AsyncSession, now: datetime) -> list[tuple[IncidentType, int]]:
    statement = (
        select(Incident.type, func.count())
        .where(active_at(now))
        .group_by(Incident.type)
        .order_by(Incident.type)
    )
    return [(kind, int(n)) for kind, n in (await session.execute(statement)).all()]


async def violations_by_offence(
    session: AsyncSession, start: datetime, end: datetime, limit: int
) -> list[tuple[str, int]]:
    """Violations that occurred in the period, by offence, most frequent first."""
    n = func.count().label("n")
    statement = (
        select(Violation.offence, n)
        .where(Violation.occurred_at >= start, Violation.occurred_at < end)
        .group_by(Violation.offence)
        .order_by(n.desc(), Violation.offence)
        .limit(limit)
    )
    return [(offence, int(count)) for offence, count in (await session.execute(statement)).all()]


async def busiest_roads(
    session: AsyncSession, start: datetime, end: datetime, limit: int
) -> list[tuple[uuid.UUID, int]]:
    total = sum(
        (func.coalesce(func.sum(getattr(Count, kind.value)), 0) for kind in VehicleClass),
        start=literal(0),
    ).label("vehicles")
    statement = (
        select(Station.road_id, total)
        .join(Count, Count.station_id == Station.id)
        .where(Count.starts_at >= start, Count.starts_at < end)
        .group_by(Station.road_id)
        .order_by(total.desc(), Station.road_id)
        .limit(limit)
    )
    return [(road, int(n)) for road, n in (await session.execute(statement)).all()]


async def roads_by_slugs(session: AsyncSession, slugs: Sequence[str]) -> dict[str, uuid.UUID]:
    found = await session.execute(select(Road.slug, Road.id).where(Road.slug.in_(slugs)))
    return {slug: road_id for slug, road_id in found.all()}


async def stations_by_slugs(session: AsyncSession, slugs: Sequence[str]) -> dict[str, uuid.UUID]:
    found = await session.execute(select(Station.slug, Station.id).where(Station.slug.in_(slugs)))
    return {slug: station_id for slug, station_id in found.all()}


async def existing_counts(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, datetime]]
) -> dict[tuple[uuid.UUID, datetime], Count]:
    if not keys:
        return {}
    statement = select(Count).where(tuple_(Count.station_id, Count.starts_at).in_(list(keys)))
    return {(c.station_id, c.starts_at): c for c in (await session.scalars(statement)).all()}


async def existing_speeds(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, datetime, VehicleClass]]
) -> dict[tuple[uuid.UUID, datetime, VehicleClass], SpeedSample]:
    if not keys:
        return {}
    statement = select(SpeedSample).where(
        tuple_(SpeedSample.station_id, SpeedSample.measured_at, SpeedSample.vehicle_class).in_(
            list(keys)
        )
    )
    return {
        (s.station_id, s.measured_at, s.vehicle_class): s
        for s in (await session.scalars(statement)).all()
    }
