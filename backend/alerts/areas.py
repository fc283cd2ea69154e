"""Alert areas as CAP gives them (latitude first), checked, and turned into shapely shapes
(longitude first, as PostGIS and GeoJSON want them)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import Polygon

from backend.alerts.errors import AlertInvalid
from backend.i18n import Translated
from notifications.topics import WARD_SLUG

MAX_AREAS = 20
MAX_SHAPES = 20  # polygons, circles or ward codes per area
MAX_VERTICES = 2000
MAX_RADIUS_KM = 200.0
CIRCLE_SEGMENTS = 64
EARTH_RADIUS_KM = 6371.0088

LatLon = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Circle:
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True, slots=True)
class Area:
    """One CAP `<area>`: a description and any of polygons, circles and ward codes."""

    description: Translated
    polygons: tuple[tuple[LatLon, ...], ...] = ()
    circles: tuple[Circle, ...] = ()
    wards: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {
            "description": self.description.as_json(),
            "polygons": [[[lat, lon] for lat, lon in ring] for ring in self.polygons],
            "circles": [[c.lat, c.lon, c.radius_km] for c in self.circles],
            "wards": list(self.wards),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Area:
        return cls(
            description=Translated({str(k): str(v) for k, v in data["description"].items()}),
            polygons=tuple(
                tuple((float(p[0]), float(p[1])) for p in ring) for ring in data["polygons"]
            ),
            circles=tuple(Circle(float(c[0]), float(c[1]), float(c[2])) for c in data["circles"]),
            wards=tuple(str(w) for w in data["wards"]),
        )


def _check_point(lat: float, lon: float, field_name: str) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise AlertInvalid("alerts.area_coordinates", field=field_name)


def checked(areas: Sequence[Area]) -> list[Area]:
    """The areas if CAP accepts them: closed polygons of at least 4 pairs, circles of a sane
    radius, ward codes of the right shape; at least one shape overall."""
    if not 1 <= len(areas) <= MAX_AREAS:
        raise AlertInvalid("alerts.area_count", field="areas", max=MAX_AREAS)
    for area in areas:
        if not area.description.texts.get("en"):
            raise AlertInvalid("alerts.text_required", field="areas")
        if not (area.polygons or area.circles or area.wards):
            raise AlertInvalid("alerts.area_empty", field="areas")
        if max(len(area.polygons), len(area.circles), len(area.wards)) > MAX_SHAPES:
            raise AlertInvalid("alerts.area_count", field="areas", max=MAX_SHAPES)
        for ring in area.polygons:
            if not 4 <= len(ring) <= MAX_VERTICES or ring[0] != ring[-1]:
                raise AlertInvalid("alerts.polygon_open", field="areas")
            for lat, lon in ring:
                _check_point(lat, lon, "areas")
            if not Polygon([(lon, lat) for lat, lon in ring]).is_valid:
                raise AlertInvalid("alerts.polygon_invalid", field="areas")
        for circle in area.circles:
            _check_point(circle.lat, circle.lon, "areas")
            if not 0 < circle.radius_km <= MAX_RADIUS_KM:
                raise AlertInvalid("alerts.circle_radius", field="areas", max=MAX_RADIUS_KM)
        for ward in area.wards:
            if not WARD_SLUG.match(ward):
                raise AlertInvalid("alerts.ward_unknown", field="areas")
    return list(areas)


def polygon_shape(ring: Sequence[LatLon]) -> Polygon:
    """A CAP ring ("lat,lon") as a shapely polygon (lon, lat)."""
    return Polygon([(lon, lat) for lat, lon in ring])


def circle_shape(circle: Circle) -> Polygon:
    """A circle as a polygon of destination points on the sphere (for SQLite's matching)."""
    lat1, lon1 = math.radians(circle.lat), math.radians(circle.lon)
    d = circle.radius_km / EARTH_RADIUS_KM
    points = []
    for step in range(CIRCLE_SEGMENTS):
        bearing = 2 * math.pi * step / CIRCLE_SEGMENTS
        lat2 = math.asin(
            math.sin(lat1) * math.cos(d) + math.cos(lat1) * math.sin(d) * math.cos(bearing)
        )
        lon2 = lon1 + math.atan2(
            math.sin(bearing) * math.sin(d) * math.cos(lat1),
            math.cos(d) - math.sin(lat1) * math.sin(lat2),
        )
        points.append((math.degrees(lon2), math.degrees(lat2)))
    return Polygon(points)


def geojson_of(area: Area) -> str | None:
    """The area's shapes as a GeoJSON FeatureCollection ([lon, lat], as RFC 7946 orders them)."""
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[[lon, lat] for lat, lon in ring]]},
            "properties": {},
        }
        for ring in area.polygons
    ]
    features += [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
            "properties": {"radiusKm": c.radius_km},
        }
        for c in area.circles
    ]
    if not features:
        return None
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
