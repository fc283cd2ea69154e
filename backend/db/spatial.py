"""Geographic predicates written once and compiled per dialect.

PostGIS answers with `geography` functions on the sphere (use_spheroid=false) so that it agrees
with the SQLite implementation, a haversine on the same sphere. Radius filters compile to
`ST_DWithin`, which PostGIS serves from the GiST index. Error versus the WGS84 ellipsoid < 0.5%.
Polygon edges are great circles on PostGIS and straight lines in degrees on SQLite: across a ward
they part by about 2 cm, so only points that close to a boundary can be placed differently.
"""

from __future__ import annotations

import math
import sqlite3
from functools import lru_cache
from typing import Any, TypeAlias

import shapely
import shapely.ops
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Float, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Boolean

from backend.db.dialect import compiled_args
from backend.db.types import SRID

# PostGIS' sphere for geography with use_spheroid=false: the mean radius of WGS84, (2a + b) / 3.
EARTH_RADIUS_M = 6371008.771415059


def point(lat: float, lng: float) -> Point:
    return Point(lng, lat)


def point_ewkt(lat: float, lng: float) -> str:
    """`ewkt(point(lat, lng))` without building the geometry (a search's hot path: shapely's
    point and its WKT were a twentieth of a facility search). `repr` gives each coordinate's
    shortest exact text, as shapely's full-precision WKT does."""
    return f"SRID={SRID};POINT({float(lng)!r} {float(lat)!r})"


def ewkt(geometry: BaseGeometry) -> str:
    """A geometry as the text the spatial functions below take for their other argument."""
    return f"SRID={SRID};{geometry.wkt}"


# A geometry, or a bound parameter that will hold its `ewkt` (a prepared read's).
GeometryArg: TypeAlias = BaseGeometry | ColumnElement[str]


def geometry_text(geometry: GeometryArg) -> ColumnElement[str]:
    """The other argument of the functions below: a geometry as a literal, or a parameter."""
    return literal(ewkt(geometry)) if isinstance(geometry, BaseGeometry) else geometry


class DistanceMeters(FunctionElement[float]):
    """Great-circle distance in metres between a geography column and a geometry."""

    type = Float()
    inherit_cache = True
    name = "distance_meters"


class WithinMeters(FunctionElement[bool]):
    """True where the geography lies within `meters` of the geometry."""

    type = Boolean()
    inherit_cache = True
    name = "within_meters"


class Covers(FunctionElement[bool]):
    """True where the polygon column covers the point (boundary included)."""

    type = Boolean()
    inherit_cache = True
    name = "covers"


class Latitude(FunctionElement[float]):
    """A point column's latitude in degrees: read models take numbers, not geometries."""

    type = Float()
    inherit_cache = True
    name = "latitude"


class Longitude(FunctionElement[float]):
    """A point column's longitude in degrees."""

    type = Float()
    inherit_cache = True
    name = "longitude"


def latitude(column: Any) -> Latitude:
    return Latitude(column)


def longitude(column: Any) -> Longitude:
    return Longitude(column)


def distance_meters(column: Any, geometry: GeometryArg) -> DistanceMeters:
    return DistanceMeters(column, geometry_text(geometry))


def within_meters(
    column: Any, geometry: GeometryArg, meters: float | ColumnElement[float]
) -> WithinMeters:
    radius = literal(float(meters)) if isinstance(meters, int | float) else meters
    return WithinMeters(column, geometry_text(geometry), radius)


def covers(polygon_column: Any, geometry: BaseGeometry) -> Covers:
    return Covers(polygon_column, geometry_text(geometry))


@compiles(DistanceMeters, "postgresql")
def _compile_distance_pg(element: DistanceMeters, compiler: SQLCompiler, **kw: Any) -> str:
    column, other = compiled_args(compiler, element, **kw)
    return f"ST_Distance({column}, ST_GeogFromText({other}), false)"


@compiles(WithinMeters, "postgresql")
def _compile_within_pg(element: WithinMeters, compiler: SQLCompiler, **kw: Any) -> str:
    column, other, meters = compiled_args(compiler, element, **kw)
    return f"ST_DWithin({column}, ST_GeogFromText({other}), {meters}, false)"


@compiles(Covers, "postgresql")
def _compile_covers_pg(element: Covers, compiler: SQLCompiler, **kw: Any) -> str:
    column, other = compiled_args(compiler, element, **kw)
    return f"ST_Covers({column}, ST_GeogFromText({other}))"


@compiles(Latitude, "postgresql")
def _compile_latitude_pg(element: Latitude, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = compiled_args(compiler, element, **kw)
    return f"ST_Y({column}::geometry)"


@compiles(Longitude, "postgresql")
def _compile_longitude_pg(element: Longitude, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = compiled_args(compiler, element, **kw)
    return f"ST_X({column}::geometry)"


@compiles(Latitude, "sqlite")
def _compile_latitude_sqlite(element: Latitude, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = compiled_args(compiler, element, **kw)
    return f"citizen_latitude({column})"


@compiles(Longitude, "sqlite")
def _compile_longitude_sqlite(element: Longitude, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = compiled_args(compiler, element, **kw)
    return f"citizen_longitude({column})"


@compiles(DistanceMeters, "sqlite")
def _compile_distance_sqlite(element: DistanceMeters, compiler: SQLCompiler, **kw: Any) -> str:
    column, other = compiled_args(compiler, element, **kw)
    return f"citizen_distance_m({column}, {other})"


@compiles(WithinMeters, "sqlite")
def _compile_within_sqlite(element: WithinMeters, compiler: SQLCompiler, **kw: Any) -> str:
    column, other, meters = compiled_args(compiler, element, **kw)
    return f"(citizen_distance_m({column}, {other}) <= {meters})"


@compiles(Covers, "sqlite")
def _compile_covers_sqlite(element: Covers, compiler: SQLCompiler, **kw: Any) -> str:
    column, other = compiled_args(compiler, element, **kw)
    return f"citizen_covers({column}, {other})"


# --- SQLite implementations, registered on every new SQLite connection -----------------------


@lru_cache(maxsize=4096)
def _parse(wkt: str) -> BaseGeometry:
    if wkt.startswith("SRID="):
        wkt = wkt.split(";", 1)[1]
    geometry = shapely.from_wkt(wkt)
    shapely.prepare(geometry)
    return geometry


def haversine_m(a: Point, b: Point) -> float:
    lat1, lat2 = math.radians(a.y), math.radians(b.y)
    dlat = lat2 - lat1
    dlng = math.radians(b.x - a.x)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _sqlite_distance_m(left: str | None, right: str | None) -> float | None:
    if left is None or right is None:
        return None
    return distance_m(_parse(left), _parse(right))


def distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Metres between two geometries on the sphere, as SQLite's `distance_meters` computes
    them (and PostGIS within a city): 0 where they touch or cross."""
    if isinstance(a, Point) and isinstance(b, Point):
        return haversine_m(a, b)
    if isinstance(b, Point):
        a, b = b, a
    if isinstance(a, Point):
        return haversine_m(a, _nearest_on(b, a))
    return _lines_distance_m(a, b)


def _nearest_on(geometry: BaseGeometry, origin: Point) -> Point:
    """The point of `geometry` nearest to `origin`, found on a plane scaled at the origin's
    latitude (longitude degrees shrink by cos φ): within a city this picks the same point of a
    road as the sphere does, and the distance is then a haversine like PostGIS'."""
    scale = math.cos(math.radians(origin.y))
    flat = shapely.transform(geometry, lambda xy: xy * [scale, 1.0])
    _, nearest = shapely.ops.nearest_points(Point(origin.x * scale, origin.y), flat)
    return Point(nearest.x / scale, nearest.y)


def _lines_distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Two lines (or polygons): their nearest pair of points on a plane scaled at the mean
    latitude, then a haversine between them; crossing lines, even between their vertices, are
    0 apart."""
    scale = math.cos(math.radians((a.centroid.y + b.centroid.y) / 2))

    def flat(geometry: BaseGeometry) -> BaseGeometry:
        return shapely.transform(geometry, lambda xy: xy * [scale, 1.0])

    first, second = shapely.ops.nearest_points(flat(a), flat(b))
    return haversine_m(Point(first.x / scale, first.y), Point(second.x / scale, second.y))


def _sqlite_covers(polygon: str | None, geometry: str | None) -> int | None:
    if polygon is None or geometry is None:
        return None
    return int(_parse(polygon).covers(_parse(geometry)))


def _sqlite_coordinate(axis: str) -> Any:
    def coordinate(wkt: str | None) -> float | None:
        if wkt is None:
            return None
        found = _parse(wkt)
        if not isinstance(found, Point):
            raise sqlite3.ProgrammingError("coordinates of points only")
        return float(getattr(found, axis))

    return coordinate


def register_sqlite_functions(dbapi_connection: Any) -> None:
    dbapi_connection.create_function(
        "citizen_latitude", 1, _sqlite_coordinate("y"), deterministic=True
    )
    dbapi_connection.create_function(
        "citizen_longitude", 1, _sqlite_coordinate("x"), deterministic=True
    )
    dbapi_connection.create_function(
        "citizen_distance_m", 2, _sqlite_distance_m, deterministic=True
    )
    dbapi_connection.create_function("citizen_covers", 2, _sqlite_covers, deterministic=True)
