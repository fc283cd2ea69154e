"""Reads behind the SensorThings REST subset: plain pages with offset, ordered by a key the
indexes serve (codes, ids, and (datastream, phenomenonTime) for observations)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.environment.models import Datastream, Observation, ObservedProperty, Quality, Thing
from backend.environment.repository.rows import THING, ThingRow


@dataclass(frozen=True, slots=True)
class DatastreamRow:
    id: int
    thing_id: uuid.UUID
    property_code: str
    property_name: Any
    property_definition: str
    unit_name: str
    unit_symbol: str


async def things(
    session: AsyncSession, *, ids: Sequence[uuid.UUID] | None, skip: int, top: int
) -> list[ThingRow]:
    statement = select(*THING).order_by(Thing.code).offset(skip).limit(top)
    if ids is not None:
        statement = statement.where(Thing.id.in_(ids))
    return [ThingRow.of(row) for row in (await session.execute(statement)).all()]


async def count_things(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Thing)) or 0)


async def datastreams(
    session: AsyncSession,
    *,
    ids: Sequence[int] | None,
    thing_id: uuid.UUID | None,
    skip: int,
    top: int,
) -> list[DatastreamRow]:
    statement = (
        select(
            Datastream.id,
            Datastream.thing_id,
            ObservedProperty.code,
            ObservedProperty.name,
            ObservedProperty.definition,
            Datastream.unit_name,
            Datastream.unit_symbol,
        )
        .join(ObservedProperty, ObservedProperty.id == Datastream.observed_property_id)
        .order_by(Datastream.id)
        .offset(skip)
        .limit(top)
    )
    if ids is not None:
        statement = statement.where(Datastream.id.in_(ids))
    if thing_id is not None:
        statement = statement.where(Datastream.thing_id == thing_id)
    return [DatastreamRow(*row) for row in (await session.execute(statement)).all()]


async def count_datastreams(session: AsyncSession, thing_id: uuid.UUID | None) -> int:
    statement = select(func.count()).select_from(Datastream)
    if thing_id is not None:
        statement = statement.where(Datastream.thing_id == thing_id)
    return int(await session.scalar(statement) or 0)


def observations_statement(
    *,
    datastream_id: int | None,
    time_filters: Sequence[tuple[str, datetime]],
    descending: bool,
    skip: int,
    top: int,
) -> Select[int, datetime, float, Quality, datetime]:
    """Observations, one datastream's or all, ordered by time (ties by datastream): the
    primary key (datastream, time) serves one datastream's, `ix_env_observations_time` all."""
    column = Observation.phenomenon_time
    conditions: list[ColumnElement[bool]] = []
    for operator, moment in time_filters:
        conditions.append(
            {
                "gt": column > moment,
                "ge": column >= moment,
                "lt": column < moment,
                "le": column <= moment,
                "eq": column == moment,
            }[operator]
        )
    if datastream_id is not None:
        conditions.append(Observation.datastream_id == datastream_id)
    order = (
        (column.desc(), Observation.datastream_id.desc())
        if descending
        else (column, Observation.datastream_id)
    )
    return (
        select(
            Observation.datastream_id,
            Observation.phenomenon_time,
            Observation.result,
            Observation.quality,
            Observation.received_at,
        )
        .where(*conditions)
        .order_by(*order)
        .offset(skip)
        .limit(top)
    )


async def observations(
    session: AsyncSession,
    *,
    datastream_id: int | None,
    time_filters: Sequence[tuple[str, datetime]],
    descending: bool,
    skip: int,
    top: int,
) -> list[tuple[int, datetime, float, str, datetime]]:
    statement = observations_statement(
        datastream_id=datastream_id,
        time_filters=time_filters,
        descending=descending,
        skip=skip,
        top=top,
    )
    return [
        (row[0], row[1], row[2], row[3].value, row[4])
        for row in (await session.execute(statement)).all()
    ]
