"""The road network operators keep: roads (lines, for incidents along them and statistics) and
the counting stations on them. Created and changed by traffic operators, audited."""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from shapely.geometry import LineString, Point
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.spatial import distance_m, haversine_m
from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, NotFound
from backend.free_text import check_printable
from backend.i18n import Translated
from backend.identity.models import Role
from backend.places import service as places
from backend.traffic import access
from backend.traffic.incidents import Coordinates, anchor, checked_location
from backend.traffic.models import Road, Station, StationKind
from backend.traffic.repository import network as repository
from backend.traffic.repository.rows import StationRow

T = TypeVar("T")

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 64
MAX_NAME = 120
# How far a counting station may stand from its road's line: the road's width and a pole.
STATION_OFF_ROAD_M = 50.0


@dataclass(frozen=True, slots=True)
class RoadChanges:
    """None leaves a field as it is; on create every field is required."""

    slug: str | None = None
    name_vi: str | None = None
    name_en: str | None = None
    path: Sequence[Coordinates] | None = None


@dataclass(frozen=True, slots=True)
class StationChanges:
    slug: str | None = None
    name_vi: str | None = None
    name_en: str | None = None
    kind: StationKind | None = None
    road_id: uuid.UUID | None = None
    location: Coordinates | None = None


def _slug(value: str) -> str:
    text = value.strip()
    if len(text) > MAX_SLUG or not SLUG.match(text):
        raise BadUserInput("traffic.slug_invalid", field="input.slug", max=MAX_SLUG)
    return text


def _name(vi: str | None, en: str | None) -> Translated:
    texts = {}
    for language, value, field in (("vi", vi, "input.nameVi"), ("en", en, "input.nameEn")):
        text = "" if value is None else check_printable(value, field=field).strip()
        if not text:
            raise BadUserInput("input.required", field=field)
        if len(text) > MAX_NAME:
            raise BadUserInput("input.too_long", field=field, max=MAX_NAME)
        texts[language] = text
    return Translated(texts)


def _line(path: Sequence[Coordinates]) -> LineString:
    line = checked_location(path, field="input.path")
    if not isinstance(line, LineString):
        raise BadUserInput("traffic.road_path", field="input.path")
    return line


def length_m(line: LineString) -> int:
    """On the sphere, segment by segment, as the statistics per kilometre expect."""
    coords = [Point(xy) for xy in line.coords]
    return round(sum(haversine_m(a, b) for a, b in itertools.pairwise(coords)))


def _required(value: T | None, field: str) -> T:
    if value is None:
        raise BadUserInput("input.required", field=field)
    return value


async def create_road(
    uow: UnitOfWork, *, operator_id: uuid.UUID, changes: RoadChanges, now: datetime
) -> Road:
    session = uow.session
    await access.require_role(session, operator_id, Role.TRAFFIC_OPERATOR)
    slug = _slug(_required(changes.slug, "input.slug"))
    name = _name(changes.name_vi, changes.name_en)
    line = _line(_required(changes.path, "input.path"))
    await _check_road_slug(session, slug, None)
    ward = await places.ward_at(session, anchor(line))
    road = Road(
        id=uuid.uuid4(),
        slug=slug,
        name=name,
        path=line,
        length_m=length_m(line),
        ward_id=None if ward is None else ward.id,
        created_at=now,
    )
    await repository.add(session, road)
    await access.audit(session, "road.created", subject_id=road.id, actor_id=operator_id, now=now)
    return road


async def update_road(
    uow: UnitOfWork,
    *,
    operator_id: uuid.UUID,
    road_id: uuid.UUID,
    changes: RoadChanges,
    now: datetime,
) -> Road:
    session = uow.session
    await access.require_role(session, operator_id, Role.TRAFFIC_OPERATOR)
    road = await repository.road_for_update(session, road_id)
    if road is None:
        raise NotFound("traffic.road_not_found", field="input.id")
    changed: list[str] = []
    if changes.slug is not None:
        slug = _slug(changes.slug)
        await _check_road_slug(session, slug, road.id)
        road.slug = slug
        changed.append("slug")
    if changes.name_vi is not None or changes.name_en is not None:
        road.name = _name(
            changes.name_vi or road.name.texts.get("vi"),
            changes.name_en or road.name.texts.get("en"),
        )
        changed.append("name")
    if changes.path is not None:
        road.path = _line(changes.path)
        road.length_m = length_m(road.path)
        ward = await places.ward_at(session, anchor(road.path))
        road.ward_id = None if ward is None else ward.id
        changed.append("path")
    await session.flush()
    await access.audit(
        session,
        "road.updated",
        subject_id=road.id,
        actor_id=operator_id,
        now=now,
        fields=",".join(changed),
    )
    return road


async def create_station(
    uow: UnitOfWork, *, operator_id: uuid.UUID, changes: StationChanges, now: datetime
) -> Station:
    session = uow.session
    await access.require_role(session, operator_id, Role.TRAFFIC_OPERATOR)
    slug = _slug(_required(changes.slug, "input.slug"))
    name = _name(changes.name_vi, changes.name_en)
    location = _point(_required(changes.location, "input.location"))
    road = await _road_near(session, _required(changes.road_id, "input.roadId"), location)
    await _check_station_slug(session, slug, None)
    ward = await places.ward_at(session, location)
    station = Station(
        id=uuid.uuid4(),
        slug=slug,
        name=name,
        kind=changes.kind or StationKind.CAMERA,
        road_id=road.id,
        ward_id=None if ward is None else ward.id,
        location=location,
        created_at=now,
    )
    await repository.add(session, station)
    await access.audit(
        session, "station.created", subject_id=station.id, actor_id=operator_id, now=now
    )
    return station


async def update_station(
    uow: UnitOfWork,
    *,
    operator_id: uuid.UUID,
    station_id: uuid.UUID,
    changes: StationChanges,
    now: datetime,
) -> Station:
    session = uow.session
    await access.require_role(session, operator_id, Role.TRAFFIC_OPERATOR)
    station = await repository.station_for_update(session, station_id)
    if station is None:
        raise NotFound("traffic.station_not_found", field="input.id")
    changed: list[str] = []
    if changes.slug is not None:
        slug = _slug(changes.slug)
        await _check_station_slug(session, slug, station.id)
        station.slug = slug
        changed.append("slug")
    if changes.name_vi is not None or changes.name_en is not None:
        station.name = _name(
            changes.name_vi or station.name.texts.get("vi"),
            changes.name_en or station.name.texts.get("en"),
        )
        changed.append("name")
    if changes.kind is not None:
        station.kind = changes.kind
        changed.append("kind")
    if changes.location is not None or changes.road_id is not None:
        location = station.location if changes.location is None else _point(changes.location)
        road = await _road_near(session, changes.road_id or station.road_id, location)
        ward = await places.ward_at(session, location)
        station.location, station.road_id = location, road.id
        station.ward_id = None if ward is None else ward.id
        changed.extend(
            name
            for name, value in (("location", changes.location), ("road", changes.road_id))
            if value is not None
        )
    await session.flush()
    await access.audit(
        session,
        "station.updated",
        subject_id=station.id,
        actor_id=operator_id,
        now=now,
        fields=",".join(changed),
    )
    return station


def _point(spot: Coordinates) -> Point:
    found = checked_location([spot], field="input.location")
    assert isinstance(found, Point)
    return found


async def _road_near(session: AsyncSession, road_id: uuid.UUID, location: Point) -> Road:
    """The station's road, which must pass within `STATION_OFF_ROAD_M` of it: its counts are
    the road's in the statistics."""
    road = await repository.road_for_update(session, road_id)
    if road is None:
        raise NotFound("traffic.road_not_found", field="input.roadId")
    if distance_m(location, road.path) > STATION_OFF_ROAD_M:
        raise BadUserInput(
            "traffic.station_off_road", field="input.location", max=int(STATION_OFF_ROAD_M)
        )
    return road


async def _check_road_slug(session: AsyncSession, slug: str, own: uuid.UUID | None) -> None:
    if await repository.road_slug_taken(session, slug, own):
        raise Conflict("traffic.slug_taken", field="input.slug")


async def _check_station_slug(session: AsyncSession, slug: str, own: uuid.UUID | None) -> None:
    if await repository.station_slug_taken(session, slug, own):
        raise Conflict("traffic.slug_taken", field="input.slug")


async def stations_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[StationRow]:
    return await repository.stations_by_ids(session, ids)
