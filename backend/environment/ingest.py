"""Ingest readings from any channel (HTTP batches, MQTT, CSV files): each row is checked on its
own, refused rows get a code while good ones are kept, values outside a datastream's plausible
range are kept flagged, late readings are welcome and repeated ones ignored."""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from math import isfinite
from typing import Any, NamedTuple

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backend.db.unit_of_work import UnitOfWork
from backend.environment import partitions, rules
from backend.environment.models import Datastream, Quality, ThresholdRule
from backend.environment.repository import observations
from backend.environment.repository.observations import Checked

MAX_BATCH = 1000
STREAM_CACHE_SECONDS = 60.0
# Clocks of field stations drift: a reading up to this far ahead is accepted.
CLOCK_SKEW = timedelta(minutes=5)


class RowError(StrEnum):
    INVALID_ROW = "INVALID_ROW"
    UNKNOWN_DATASTREAM = "UNKNOWN_DATASTREAM"
    NOT_YOUR_DATASTREAM = "NOT_YOUR_DATASTREAM"
    INVALID_TIME = "INVALID_TIME"
    TIME_IN_FUTURE = "TIME_IN_FUTURE"
    INVALID_RESULT = "INVALID_RESULT"


class Reading(NamedTuple):
    """A reading as sent, before checks: the datastream, the time and the result (a named
    tuple: made a thousand times per batch)."""

    datastream_id: int
    phenomenon_time: datetime
    result: float


@dataclass(frozen=True, slots=True)
class Refused:
    index: int
    code: RowError


@dataclass(slots=True)
class Report:
    accepted: int = 0
    duplicates: int = 0
    flagged: int = 0
    refused: list[Refused] = field(default_factory=list)

    def add(self, other: Report, offset: int = 0) -> None:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.flagged += other.flagged
        self.refused.extend(Refused(r.index + offset, r.code) for r in other.refused)


@dataclass(frozen=True, slots=True)
class StreamInfo:
    thing_id: uuid.UUID
    valid_min: float | None
    valid_max: float | None
    # Whether a threshold rule watches it: batches of other datastreams skip the rules' query.
    has_rules: bool = False

    def quality(self, value: float) -> Quality:
        if (self.valid_min is not None and value < self.valid_min) or (
            self.valid_max is not None and value > self.valid_max
        ):
            return Quality.OUT_OF_RANGE
        return Quality.OK


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 instant with an offset (or Z), as UTC; None if it is not one."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    zone = moment.tzinfo
    if zone is UTC:
        return moment
    if zone is None:
        return None
    return moment.astimezone(UTC)


def parse_result(value: object) -> float | None:
    kind = type(value)
    if kind is float:
        number: float = value  # type: ignore[assignment]
    elif kind is int:
        try:
            number = float(value)  # type: ignore[arg-type]
        except OverflowError:
            return None
    else:
        return None
    return number if isfinite(number) else None


def parse_datastream(value: object) -> int | None:
    # SensorThings writes a link as {"@iot.id": 12}; a bare id is accepted as well.
    if type(value) is dict:
        value = value.get("@iot.id")
    if type(value) is not int or not 0 < value < 2**31:
        return None
    return value


def parse_row(row: object, datastream_id: int | None = None) -> Reading | RowError:
    """One JSON observation: `{"datastream": 12, "phenomenonTime": "…", "result": 1.5}` (or
    SensorThings' `"Datastream": {"@iot.id": 12}`); MQTT gives the datastream by topic."""
    if type(row) is not dict:
        return RowError.INVALID_ROW
    if datastream_id is None:
        datastream_id = parse_datastream(
            row["datastream"] if "datastream" in row else row.get("Datastream")
        )
        if datastream_id is None:
            return RowError.UNKNOWN_DATASTREAM
    moment = parse_time(row.get("phenomenonTime"))
    if moment is None:
        return RowError.INVALID_TIME
    result = parse_result(row.get("result"))
    if result is None:
        return RowError.INVALID_RESULT
    return Reading(datastream_id, moment, result)


async def stream_info(session: AsyncSession, ids: Iterable[int]) -> dict[int, StreamInfo]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    ruled = exists().where(ThresholdRule.datastream_id == Datastream.id)
    rows = await session.execute(
        select(
            Datastream.id,
            Datastream.thing_id,
            Datastream.valid_min,
            Datastream.valid_max,
            ruled,
        ).where(Datastream.id.in_(wanted))
    )
    return {row[0]: StreamInfo(row[1], row[2], row[3], bool(row[4])) for row in rows}


_OK = Quality.OK
_OUT_OF_RANGE = Quality.OUT_OF_RANGE


def check(
    readings: Sequence[Reading | RowError],
    streams: Mapping[int, StreamInfo],
    *,
    station: uuid.UUID | None,
    now: datetime,
) -> tuple[list[Checked], list[Refused]]:
    """Readings to store and those refused, by index. `station`: the only station whose
    datastreams the sender may write (None: any, for operators' imports and the broker)."""
    # What each datastream of the batch allows, decided once: its range, or why it is refused.
    allowed: dict[int, tuple[float, float] | RowError] = {}
    for stream, info in streams.items():
        if station is not None and info.thing_id != station:
            allowed[stream] = RowError.NOT_YOUR_DATASTREAM
        else:
            low = -math.inf if info.valid_min is None else info.valid_min
            high = math.inf if info.valid_max is None else info.valid_max
            allowed[stream] = (low, high)
    latest = now + CLOCK_SKEW
    kept: list[Checked] = []
    refused: list[Refused] = []
    for index, reading in enumerate(readings):
        if type(reading) is not Reading:
            refused.append(Refused(index, reading))  # type: ignore[arg-type]
            continue
        stream, moment, value = reading
        limits = allowed.get(stream, RowError.UNKNOWN_DATASTREAM)
        if type(limits) is not tuple:
            refused.append(Refused(index, limits))  # type: ignore[arg-type]
        elif moment > latest:
            refused.append(Refused(index, RowError.TIME_IN_FUTURE))
        else:
            low, high = limits
            kept.append(
                Checked(stream, moment, value, _OK if low <= value <= high else _OUT_OF_RANGE)
            )
    return kept, refused


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch checked and ready to store: its good rows, those refused, and those a threshold
    rule watches. Checks need no transaction, so a batch is checked before it joins a group."""

    kept: list[Checked]
    refused: list[Refused]
    watched: list[Checked]
    received_at: datetime


class Ingestor:
    """Stores batches; one per process. It remembers which monthly partitions exist, and each
    datastream's station, range and whether rules watch it for `STREAM_CACHE_SECONDS` (a changed
    range or a new rule applies after that), sparing round trips per batch."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._partitions = partitions.Partitions()
        self._streams: dict[int, tuple[float, StreamInfo]] = {}

    async def _stream_info(
        self, session: AsyncSession | None, ids: Iterable[int]
    ) -> dict[int, StreamInfo]:
        clock = time.monotonic()
        found: dict[int, StreamInfo] = {}
        missing = []
        for stream in set(ids):
            cached = self._streams.get(stream)
            if cached is not None and clock - cached[0] < STREAM_CACHE_SECONDS:
                found[stream] = cached[1]
            else:
                missing.append(stream)
        if missing:
            if session is None:
                async with self._sessions() as own:
                    fresh = await stream_info(own, missing)
            else:
                fresh = await stream_info(session, missing)
            for stream, info in fresh.items():
                self._streams[stream] = (clock, info)
            found.update(fresh)
        return found

    async def prepare(
        self,
        readings: Sequence[Reading | RowError],
        *,
        station: uuid.UUID | None,
        now: datetime,
        session: AsyncSession | None = None,
    ) -> Batch:
        """Check a batch (datastream details from the cache, else read in `session` or a
        session of its own)."""
        ids = [r.datastream_id for r in readings if isinstance(r, Reading)]
        streams = await self._stream_info(session, ids)
        kept, refused = check(readings, streams, station=station, now=now)
        watched = [row for row in kept if streams[row.datastream_id].has_rules]
        return Batch(kept, refused, watched, now)

    async def store(self, uow: UnitOfWork, batches: Sequence[Batch], now: datetime) -> list[Report]:
        """Store checked batches in the caller's unit of work (which commits), in one statement
        on PostgreSQL, then run the threshold rules once over the rows they watch."""
        await self._partitions.ensure(
            self._engine,
            partitions.months_of(row.phenomenon_time for batch in batches for row in batch.kept),
        )
        inserted = await observations.store_batches(
            uow.session, [(batch.kept, batch.received_at) for batch in batches]
        )
        reports = [
            Report(
                accepted=new,
                duplicates=len(batch.kept) - new,
                flagged=sum(row.quality is _OUT_OF_RANGE for row in batch.kept),
                refused=batch.refused,
            )
            for batch, new in zip(batches, inserted, strict=True)
        ]
        watched = [row for batch in batches for row in batch.watched]
        if watched:
            await rules.evaluate(uow, watched, now)
        return reports

    async def ingest(
        self,
        uow: UnitOfWork,
        readings: Sequence[Reading | RowError],
        *,
        station: uuid.UUID | None,
        now: datetime,
    ) -> Report:
        """Check and store one batch in the caller's unit of work (which commits), then run
        the threshold rules of the datastreams it touched."""
        batch = await self.prepare(readings, station=station, now=now, session=uow.session)
        return (await self.store(uow, [batch], now))[0]


def as_rows(batch: Any) -> list[Any] | None:
    """The rows of a JSON batch: an array, or SensorThings' `{"value": [...]}`."""
    if isinstance(batch, dict):
        batch = batch.get("value")
    return batch if isinstance(batch, list) else None
