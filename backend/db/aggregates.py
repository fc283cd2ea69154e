"""Time buckets and statistics written once and compiled per dialect: the start of a value's
hour, seconds between two times, and the continuous percentile (PostgreSQL's `percentile_cont`;
on SQLite an aggregate of ours that interpolates the same way)."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Float, Integer, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.util.concurrency import await_

from backend.db.dialect import compiled_args
from backend.db.types import UTCDateTime


class HourStart(FunctionElement[Any]):
    """A UTC time truncated to its hour (Huế keeps UTC+7 all year: local hours align)."""

    type = UTCDateTime()
    inherit_cache = True
    name = "hour_start"


class SecondsBetween(FunctionElement[float]):
    """`later − earlier` in seconds."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


class PercentileCont(FunctionElement[float]):
    """The continuous percentile of a column's values within each group."""

    type = Float()
    inherit_cache = True
    name = "percentile_cont"


class FloorInt(FunctionElement[int]):
    """The integer part of a value that is never negative (a bin, a rank)."""

    type = Integer()
    inherit_cache = True
    name = "floor_int"


def floor_int(column: Any) -> FloorInt:
    return FloorInt(column)


def hour_start(column: Any) -> HourStart:
    return HourStart(column)


def seconds_between(later: Any, earlier: Any) -> SecondsBetween:
    return SecondsBetween(later, earlier)


def percentile_cont(column: Any, fraction: float) -> ColumnElement[float]:
    if not 0.0 <= fraction <= 1.0:
        raise ValueError("a fraction between 0 and 1")
    return PercentileCont(column, literal(float(fraction), Float()))


@compiles(HourStart, "postgresql")
def _hour_pg(element: HourStart, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = compiled_args(compiler, element, **kw)
    # Truncated in UTC and turned back into a timestamptz, whatever the session's time zone.
    return f"(date_trunc('hour', {column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"


@compiles(HourStart, "sqlite")
def _hour_sqlite(element: HourStart, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = compiled_args(compiler, element, **kw)
    return f"strftime('%Y-%m-%d %H:00:00.000000', {column})"


@compiles(FloorInt, "postgresql")
def _floor_pg(element: FloorInt, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = compiled_args(compiler, element, **kw)
    # A plain cast would round.
    return f"CAST(floor({column}) AS INTEGER)"


@compiles(FloorInt, "sqlite")
def _floor_sqlite(element: FloorInt, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = compiled_args(compiler, element, **kw)
    # Truncates towards zero: the floor for the values this is meant for.
    return f"CAST({column} AS INTEGER)"


@compiles(SecondsBetween, "postgresql")
def _seconds_pg(element: SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = compiled_args(compiler, element, **kw)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


@compiles(SecondsBetween, "sqlite")
def _seconds_sqlite(element: SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = compiled_args(compiler, element, **kw)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


@compiles(PercentileCont, "postgresql")
def _percentile_pg(element: PercentileCont, compiler: SQLCompiler, **kw: Any) -> str:
    column, fraction = compiled_args(compiler, element, **kw)
    return f"percentile_cont({fraction}) WITHIN GROUP (ORDER BY {column})"


@compiles(PercentileCont, "sqlite")
def _percentile_sqlite(element: PercentileCont, compiler: SQLCompiler, **kw: Any) -> str:
    column, fraction = compiled_args(compiler, element, **kw)
    return f"citizen_percentile_cont({column}, {fraction})"


class _Percentile:
    """PostgreSQL's rule: position f·(n−1) in the sorted values, linear between neighbours;
    nulls ignored; no values give null."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        return percentile_of(self.values, self.fraction)


def percentile_of(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """Register the aggregate on a new connection: sqlite3's own, or aiosqlite's, whose
    adapter offers functions but not aggregates (so it is done on aiosqlite's thread)."""
    arguments = ("citizen_percentile_cont", 2, _Percentile)
    if hasattr(dbapi_connection, "create_aggregate"):
        dbapi_connection.create_aggregate(*arguments)
        return
    connection = dbapi_connection._connection  # aiosqlite.Connection
    await_(connection._execute(connection._conn.create_aggregate, *arguments))
