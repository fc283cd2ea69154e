"""Nearest first, ties broken by id, read from the GiST index.

`ORDER BY distance, id LIMIT n` is not something a spatial index can answer: PostgreSQL computes
the distance of every row within the radius and sorts them all. Worse, PostGIS estimates that one
row lies within any radius of a geography, so with a join the planner compared every pair of
rows: 2,000 facilities took 8 ms of the database's CPU per search, and 130–250 ms on each new
connection's first five (bench/README.md, the read path).

The index hands rows out nearest first (PostGIS' KNN operator `<->`, the same sphere distance as
`spatial.distance_meters` to within 10 nm) but only for that one sort key. So a page is read as
the nearest n + 1 rows in index order (a KNN scan that stops there), sorted by (distance, id)
here: that is the page unless its last row ties on distance with the next one, when a row of
that distance may have been left out. Then, rarely, the exact statement runs: the n-th distance
from the KNN scan, and the rows no farther than it in (distance, id) order, still read from the
index. SQLite, whose tables are small, sorts.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Float, Select, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from backend.db import keyset, spatial
from backend.db.dialect import compiled_args

Ts = TypeVarTuple("Ts")

# The index box of the second step is this much wider than the n-th distance: `ST_DWithin`
# and `<->` round differently in the last bits, and the exact test is `<->` itself.
_BOX_SLACK_M = 1.0


class IndexDistance(FunctionElement[float]):
    """Metres from a geography column to a geometry, as the GiST index orders them."""

    type = Float()
    inherit_cache = True
    name = "index_distance"


def index_distance(column: Any, geometry: spatial.GeometryArg) -> IndexDistance:
    """`spatial.distance_meters`, in the form PostgreSQL can read from the index in order."""
    return IndexDistance(column, spatial.geometry_text(geometry))


@compiles(IndexDistance, "postgresql")
def _compile_index_distance_pg(element: IndexDistance, compiler: SQLCompiler, **kw: Any) -> str:
    column, other = compiled_args(compiler, element, **kw)
    return f"({column} <-> ST_GeogFromText({other}))"


@compiles(IndexDistance, "sqlite")
def _compile_index_distance_sqlite(element: IndexDistance, compiler: SQLCompiler, **kw: Any) -> str:
    column, other = compiled_args(compiler, element, **kw)
    return f"citizen_distance_m({column}, {other})"


def nearest_page(
    statement: Select[*Ts],
    *,
    location: QueryableAttribute[Any],
    near: spatial.GeometryArg,
    distance: ColumnElement[float],
    row_id: ColumnElement[uuid.UUID] | QueryableAttribute[uuid.UUID],
    after: tuple[Any, Any] | None,
    limit: int | ColumnElement[int],
    dialect: str,
    candidates: bool,
) -> Select[*Ts]:
    """`statement` (its filters, the radius among them) nearest first from `near`, after
    `after`, at most `limit` rows. `distance` is `index_distance(location, near)`, as the
    statement selects it.

    With `candidates`, on PostgreSQL, the rows come in index order only (the KNN scan, for
    `read_nearest`); without, in (distance, id) order, exactly."""
    if after is not None:
        statement = statement.where(keyset.beyond(key=distance, row_id=row_id, after=after))
    if dialect != "postgresql":
        return statement.order_by(distance, row_id).limit(limit)
    if candidates:
        return statement.order_by(distance).limit(limit)
    nearest = (
        statement.with_only_columns(distance.label("distance"))
        .order_by(distance)
        .limit(limit)
        .subquery("nearest")
    )
    # A CTE, so that both uses below read the one KNN scan.
    farthest_row = select(func.max(nearest.c.distance).label("distance")).cte("farthest")
    farthest = select(farthest_row.c.distance).scalar_subquery()
    statement = statement.where(
        distance <= farthest,
        spatial.within_meters(location, near, farthest + literal(_BOX_SLACK_M)),
    )
    return statement.order_by(distance, row_id).limit(limit)


Rows = Sequence[Sequence[Any]]


async def read_nearest(
    fetch: Callable[[bool, int], Awaitable[Rows]], limit: int, *, distance_at: int, id_at: int
) -> Rows:
    """The first `limit` rows in (distance, id) order. `fetch(candidates, limit)` runs
    `nearest_page` with those; `distance_at` and `id_at` are the columns of the row's distance
    and id."""
    if limit <= 0:
        return []
    found = await fetch(True, limit + 1)
    ordered = sorted(found, key=lambda row: (row[distance_at], row[id_at]))
    if len(ordered) <= limit or ordered[limit - 1][distance_at] != ordered[limit][distance_at]:
        return ordered[:limit]
    return await fetch(False, limit)
