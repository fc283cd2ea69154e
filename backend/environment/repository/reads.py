"""Reads of stations and their readings; aggregation happens in the database."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from shapely.geometry import Point
from sqlalchemy import ColumnElement, Select, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import keyset, spatial
from backend.environment.models import (
    Datastream,
    LatestObservation,
    Observation,
    ObservedProperty,
    Quality,
    ReleaseOrder,
    Thing,
    ThingKind,
)
from backend.environment.repository.rows import THING, BucketRow, LatestRow, StreamRow, ThingRow

# Days start at local midnight (Asia/Ho_Chi_Minh, UTC+7 all year).
LOCAL_OFFSET = timedelta(hours=7)


class Interval(StrEnum):
    HOUR = "hour"
    DAY = "day"


async def things_page(
    session: AsyncSession,
    *,
    near: Point | None,
    kind: ThingKind | None,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[tuple[ThingRow, Any]]:
    """Stations nearest first (or by code), each with its sort key."""
    key: ColumnElement[Any]
    if near is not None:
        key = spatial.distance_meters(Thing.location, near)
    else:
        key = Thing.code.expression
    statement: Select[Any] = select(*THING, key.label("sort_key"))
    if kind is not None:
        statement = statement.where(Thing.kind == kind)
    statement = keyset.page(statement, key=key, row_id=Thing.id, after=after, limit=limit)
    found = (await session.execute(statement)).all()
    return [(ThingRow.of(row[:-1]), row[-1]) for row in found]


async def things_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[ThingRow]:
    found = await session.execute(select(*THING).where(Thing.id.in_(ids)))
    return [ThingRow.of(row) for row in found.all()]


async def things_of_kinds(session: AsyncSession, kinds: Sequence[ThingKind]) -> list[ThingRow]:
    found = await session.execute(
        select(*THING).where(Thing.kind.in_(kinds)).order_by(Thing.kind, Thing.code)
    )
    return [ThingRow.of(row) for row in found.all()]


@dataclass(frozen=True, slots=True)
class ReleaseOrderRow:
    thing_id: uuid.UUID
    issued_at: datetime
    starts_at: datetime
    flow_min: float
    flow_max: float
    source: str


async def newest_release_orders(
    session: AsyncSession, thing_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ReleaseOrderRow]:
    """Each reservoir's newest release order (by issue time), one statement for them all."""
    if not thing_ids:
        return {}
    found = await session.execute(
        select(
            ReleaseOrder.thing_id,
            ReleaseOrder.issued_at,
            ReleaseOrder.starts_at,
            ReleaseOrder.flow_min,
            ReleaseOrder.flow_max,
            ReleaseOrder.source,
        )
        .where(ReleaseOrder.thing_id.in_(thing_ids))
        .order_by(ReleaseOrder.thing_id, ReleaseOrder.issued_at.desc())
    )
    newest: dict[uuid.UUID, ReleaseOrderRow] = {}
    for row in found.all():
        newest.setdefault(row[0], ReleaseOrderRow(*row))
    return newest


async def latest_of_things(
    session: AsyncSession, thing_ids: Sequence[uuid.UUID]
) -> list[LatestRow]:
    """Each datastream's newest reading, from the table ingest keeps (no history scanned)."""
    statement = (
        select(
            Datastream.thing_id,
            Datastream.id,
            ObservedProperty.code,
            ObservedProperty.name,
            Datastream.unit_symbol,
            LatestObservation.phenomenon_time,
            LatestObservation.result,
            LatestObservation.quality,
        )
        .join(LatestObservation, LatestObservation.datastream_id == Datastream.id)
        .join(ObservedProperty, ObservedProperty.id == Datastream.observed_property_id)
        .where(Datastream.thing_id.in_(thing_ids))
        .order_by(Datastream.thing_id, Datastream.id)
    )
    return [LatestRow.of(row) for row in (await session.execute(statement)).all()]


async def streams_of(
    session: AsyncSession, thing_ids: Sequence[uuid.UUID], codes: Sequence[str] | None = None
) -> list[StreamRow]:
    statement = (
        select(Datastream.id, Datastream.thing_id, ObservedProperty.code, Datastream.unit_symbol)
        .join(ObservedProperty, ObservedProperty.id == Datastream.observed_property_id)
        .where(Datastream.thing_id.in_(thing_ids))
        .order_by(Datastream.id)
    )
    if codes is not None:
        statement = statement.where(ObservedProperty.code.in_(codes))
    return [StreamRow.of(row) for row in (await session.execute(statement)).all()]


def _bucket(dialect: str, interval: Interval) -> ColumnElement[Any]:
    """The start of each reading's interval as a naive timestamp: UTC hours, local days."""
    column = Observation.phenomenon_time
    if dialect == "postgresql":
        utc: ColumnElement[Any] = literal_column(
            "env_observations.phenomenon_time AT TIME ZONE 'UTC'"
        )
        if interval is Interval.HOUR:
            return func.date_trunc("hour", utc)
        return func.date_trunc("day", utc + literal_column("interval '7 hours'"))
    if interval is Interval.HOUR:
        return func.strftime("%Y-%m-%d %H:00:00", column)
    return func.strftime("%Y-%m-%d 00:00:00", column, "+7 hours")


def _start(value: Any, interval: Interval) -> datetime:
    naive = datetime.fromisoformat(value) if isinstance(value, str) else value
    start = naive.replace(tzinfo=UTC)
    return start - LOCAL_OFFSET if interval is Interval.DAY else start


async def buckets(
    session: AsyncSession,
    datastream_ids: Sequence[int],
    *,
    start: datetime,
    end: datetime,
    interval: Interval,
) -> list[BucketRow]:
    """Mean, min, max and count of good readings per interval in [start, end), oldest first.
    Flagged readings are left out: they are kept for the record, not for statistics."""
    bucket = _bucket(session.get_bind().dialect.name, interval).label("bucket")
    statement = (
        select(
            Observation.datastream_id,
            bucket,
            func.avg(Observation.result),
            func.min(Observation.result),
            func.max(Observation.result),
            func.count(),
        )
        .where(
            Observation.datastream_id.in_(datastream_ids),
            Observation.phenomenon_time >= start,
            Observation.phenomenon_time < end,
            Observation.quality == Quality.OK,
        )
        .group_by(Observation.datastream_id, bucket)
        .order_by(Observation.datastream_id, bucket)
    )
    found = (await session.execute(statement)).all()
    return [
        BucketRow(row[0], _start(row[1], interval), float(row[2]), row[3], row[4], row[5])
        for row in found
    ]


async def readings_since(
    session: AsyncSession, datastream_ids: Sequence[int], since: datetime
) -> list[tuple[int, datetime, float]]:
    """Good readings of some datastreams from `since`, oldest first (for trends)."""
    statement = (
        select(Observation.datastream_id, Observation.phenomenon_time, Observation.result)
        .where(
            Observation.datastream_id.in_(datastream_ids),
            Observation.phenomenon_time >= since,
            Observation.quality == Quality.OK,
        )
        .order_by(Observation.datastream_id, Observation.phenomenon_time)
    )
    return [(row[0], row[1], row[2]) for row in (await session.execute(statement)).all()]
