"""The planners' statistics, aggregated in the database: volume by hour and class, mean and 85th
percentile speed, incidents and their durations, road lengths, the operations-centre summary."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Select,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.aggregates import floor_int, hour_start, seconds_between
from backend.traffic.models import (
    Count,
    HourlyCount,
    Incident,
    IncidentType,
    Road,
    SpeedDay,
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


P85 = 0.85


def _speed_bins(
    scope: Scope, start: datetime, end: datetime, days: tuple[datetime, datetime] | None
) -> Select[Any]:
    """The period's speeds by whole km/h (bin, samples, sum, lowest, highest): the kept days'
    histograms for the whole local days `days`, the raw samples for the hours around them."""
    stations = _stations(scope).scalar_subquery()
    raw_ranges = [(start, end)] if days is None else [(start, days[0]), (days[1], end)]
    parts: list[Select[int, int, float, float, float]] = []
    if days is not None:
        parts.append(
            select(
                SpeedDay.bin_kmh.label("bin"),
                SpeedDay.samples.label("n"),
                SpeedDay.total_kmh.label("total"),
                SpeedDay.min_kmh.label("low"),
                SpeedDay.max_kmh.label("high"),
            ).where(
                SpeedDay.station_id.in_(stations),
                SpeedDay.day >= days[0],
                SpeedDay.day < days[1],
            )
        )
    speed_kmh = SpeedSample.speed_kmh
    for first, last in raw_ranges:
        if first >= last:
            continue
        bin_kmh = floor_int(speed_kmh)
        parts.append(
            select(
                bin_kmh.label("bin"),
                func.count().label("n"),
                func.sum(speed_kmh).label("total"),
                func.min(speed_kmh).label("low"),
                func.max(speed_kmh).label("high"),
            )
            .where(
                SpeedSample.station_id.in_(stations),
                SpeedSample.measured_at >= first,
                SpeedSample.measured_at < last,
            )
            .group_by(bin_kmh)
        )
    found = union_all(*parts).subquery("parts") if len(parts) > 1 else parts[0].subquery("parts")
    return select(
        found.c.bin,
        cast(func.sum(found.c.n), BigInteger).label("n"),
        func.sum(found.c.total).label("total"),
        func.min(found.c.low).label("low"),
        func.max(found.c.high).label("high"),
    ).group_by(found.c.bin)


async def speed(
    session: AsyncSession,
    scope: Scope,
    start: datetime,
    end: datetime,
    days: tuple[datetime, datetime] | None,
) -> SpeedRow:
    """Samples, exact mean and the 85th percentile from the histogram, in one statement.

    PostgreSQL's `percentile_cont` rule on the histogram: the rank f·(n−1) in the sorted
    samples, linear between the values at its floor and the next rank. A rank's value is read
    in its bin: the bin's k-th of m samples is taken at low + (high − low)·k/(m − 1)."""
    bins = _speed_bins(scope, start, end, days).subquery("bins")
    cum = select(
        bins,
        (func.sum(bins.c.n).over(order_by=bins.c.bin) - bins.c.n).label("before"),
        func.sum(bins.c.n).over().label("total_n"),
    ).subquery("cum")
    rank = literal(P85, Float()) * (cum.c.total_n - 1)
    low_rank = floor_int(rank)
    high_rank = case((low_rank + 1 < cum.c.total_n, low_rank + 1), else_=low_rank)

    def value_at(k: ColumnElement[Any]) -> ColumnElement[Any]:
        inside = and_(cum.c.before <= k, k < cum.c.before + cum.c.n)
        spread = (cum.c.high - cum.c.low) * (k - cum.c.before) / (cum.c.n - 1)
        return func.max(
            case(
                (and_(inside, cum.c.n == 1), cum.c.low),
                (inside, cum.c.low + spread),
            )
        )

    low_value = value_at(low_rank)
    statement = select(
        func.max(cum.c.total_n),
        func.sum(cum.c.total) / func.max(cum.c.total_n),
        low_value + (func.max(rank) - func.max(low_rank)) * (value_at(high_rank) - low_value),
    )
    samples, mean, p85 = (await session.execute(statement)).one()
    return SpeedRow(
        samples=int(samples or 0),
        mean_kmh=None if mean is None else float(mean),
        p85_kmh=None if p85 is None else float(p85),
    )


async def rebuild_speed_days(session: AsyncSession, days: set[tuple[uuid.UUID, datetime]]) -> None:
    """Recompute the histograms of these (station, local day start) from the raw samples."""
    speed_kmh = SpeedSample.speed_kmh
    for station_id, day in sorted(days):
        end = day + timedelta(days=1)
        await session.execute(
            delete(SpeedDay).where(SpeedDay.station_id == station_id, SpeedDay.day == day)
        )
        bin_kmh = floor_int(speed_kmh)
        binned = (
            select(
                literal(station_id, SpeedDay.station_id.type),
                literal(day, SpeedDay.day.type),
                bin_kmh,
                func.count(),
                func.sum(speed_kmh),
                func.min(speed_kmh),
                func.max(speed_kmh),
            )
            .where(
                SpeedSample.station_id == station_id,
                SpeedSample.measured_at >= day,
                SpeedSample.measured_at < end,
            )
            .group_by(bin_kmh)
        )
        await session.execute(
            insert(SpeedDay).from_select(
                ["station_id", "day", "bin_kmh", "samples", "total_kmh", "min_kmh", "max_kmh"],
                binned,
            )
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
