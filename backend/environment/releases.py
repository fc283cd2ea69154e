"""Reservoirs' release orders, recorded as published (`citizen sensors release-order`): a flow
range in m³/s from a start time. The newest by issue time is the one shown."""

from __future__ import annotations

import math
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.environment.models import ReleaseOrder, Thing, ThingKind
from backend.errors import BadUserInput, NotFound

SOURCE_MAX = 300


async def record(
    session: AsyncSession,
    *,
    station_code: str,
    flow_min: float,
    flow_max: float,
    starts_at: datetime,
    source: str,
    now: datetime,
) -> ReleaseOrder:
    """Record an order issued now; refused (nothing stored) unless the station is a reservoir,
    0 ≤ min ≤ max, the start has an offset and the source is given."""
    found = (
        await session.execute(select(Thing.id, Thing.kind).where(Thing.code == station_code))
    ).first()
    if found is None:
        raise NotFound("environment.station_not_found", field="station")
    if found[1] is not ThingKind.RESERVOIR:
        raise BadUserInput("environment.release.not_a_reservoir", field="station")
    if not (math.isfinite(flow_min) and math.isfinite(flow_max)) or not 0 <= flow_min <= flow_max:
        raise BadUserInput("environment.release.bad_flows", field="flowMax")
    if starts_at.tzinfo is None:
        raise BadUserInput("environment.release.bad_start", field="startsAt")
    source = source.strip()
    if not source or len(source) > SOURCE_MAX:
        raise BadUserInput("environment.release.bad_source", field="source")
    order = ReleaseOrder(
        id=uuid.uuid4(),
        thing_id=found[0],
        issued_at=now,
        starts_at=starts_at,
        flow_min=flow_min,
        flow_max=flow_max,
        source=source,
        created_at=now,
    )
    session.add(order)
    await session.flush()
    return order
