"""Which wards an area touches: polygons, circles and ward slugs, for public alerts.

PostGIS cuts each polygon into pieces of at most `PIECE_VERTICES` vertices (`ST_Subdivide`), so
the GiST index on ward boundaries compares small boxes instead of one box as big as the area,
and tests `ST_Intersects` on geography. SQLite reads the ward boundaries (a few hundred rows),
keeps those whose bounding box meets the area's and asks shapely.
"""

from __future__ import annotations

from collections.abc import Sequence

import shapely
from shapely.geometry import Point, Polygon
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.types import SRID
from backend.places.models import Ward

PIECE_VERTICES = 64

_PIECES = text(
    "SELECT DISTINCT w.slug FROM wards AS w"
    " JOIN (SELECT ST_Subdivide(ST_GeomFromText(:wkt, 4326), :vertices)::geography AS piece)"
    " AS p ON ST_Intersects(w.boundary, p.piece)"
)
_NEAR = text(
    "SELECT w.slug FROM wards AS w"
    " WHERE ST_DWithin(w.boundary, ST_GeogFromText(:point), :meters, false)"
)


async def wards_touching(
    session: AsyncSession,
    *,
    polygons: Sequence[Polygon],
    circles: Sequence[tuple[Point, float, Polygon]],
    slugs: Sequence[str],
) -> list[str]:
    """Slugs of the wards the area touches, sorted. Circles come as (centre, radius in metres,
    the circle as a polygon); unknown slugs are left out."""
    found: set[str] = set()
    if slugs:
        rows = await session.scalars(select(Ward.slug).where(Ward.slug.in_(list(slugs))))
        found.update(rows)
    if session.get_bind().dialect.name == "postgresql":
        for polygon in polygons:
            rows = await session.scalars(_PIECES, {"wkt": polygon.wkt, "vertices": PIECE_VERTICES})
            found.update(rows)
        for centre, meters, _ in circles:
            point = f"SRID={SRID};{centre.wkt}"
            found.update(await session.scalars(_NEAR, {"point": point, "meters": meters}))
        return sorted(found)
    shapes = [*polygons, *(shape for _, _, shape in circles)]
    if shapes:
        area = shapely.union_all(shapes)
        shapely.prepare(area)
        west, south, east, north = area.bounds
        for slug, boundary in await session.execute(select(Ward.slug, Ward.boundary)):
            w, s, e, n = boundary.bounds
            if w <= east and e >= west and s <= north and n >= south and area.intersects(boundary):
                found.add(slug)
    return sorted(found)
