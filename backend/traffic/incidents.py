"""Traffic incidents: operators create, update and close them (audited); anyone lists those near
a point. A severe incident alerts its ward through the notifications entry point, and the
owners of the saved routes it lies on or near."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.environment import reads as environment
from backend.environment.models import ThingKind
from backend.errors import BadUserInput, NotFound
from backend.free_text import check_printable
from backend.i18n import Translated
from backend.identity.models import Role
from backend.places import service as places
from backend.traffic import access, live, route_alerts
from backend.traffic.models import (
    Incident,
    IncidentCause,
    IncidentEffect,
    IncidentSeverity,
    IncidentSource,
    IncidentType,
)
from backend.traffic.repository import incidents as repository
from backend.traffic.repository.rows import IncidentRow, RoadRow
from notifications.broadcasts import notify_area
from notifications.messages import PushMessage, Text
from notifications.models import Category

MAX_RADIUS_M = 50_000
MAX_TYPES = len(IncidentType)
MAX_PATH_POINTS = 200
MAX_CAMERAS = 5
MAX_URL = 500
MAX_DESCRIPTION = 2000


@dataclass(frozen=True, slots=True)
class Coordinates:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class IncidentChanges:
    """What an operator sets; None leaves a field as it is (on create, defaults apply)."""

    type: IncidentType | None = None
    cause: IncidentCause | None = None
    effect: IncidentEffect | None = None
    severity: IncidentSeverity | None = None
    source: IncidentSource | None = None
    # A point, or two or more points of a line along the road.
    path: Sequence[Coordinates] | None = None
    road_id: uuid.UUID | None = None
    # A flooded road's flood point (an environment station of kind flood point).
    flood_point_id: uuid.UUID | None = None
    # Update only: remove the flood point link.
    clear_flood_point: bool = False
    starts_at: datetime | None = None
    expected_end_at: datetime | None = None
    description_vi: str | None = None
    description_en: str | None = None
    camera_urls: Sequence[str] | None = None


def checked_location(path: Sequence[Coordinates], *, field: str) -> BaseGeometry:
    if not 1 <= len(path) <= MAX_PATH_POINTS:
        raise BadUserInput("traffic.path_size", field=field, max=MAX_PATH_POINTS)
    points = []
    for index, spot in enumerate(path):
        if not (math.isfinite(spot.latitude) and math.isfinite(spot.longitude)):
            raise BadUserInput("input.coordinates", field=f"{field}[{index}]")
        points.append(
            places.checked_point(spot.latitude, spot.longitude, field=f"{field}[{index}]")
        )
    if len(points) == 1:
        return points[0]
    line = LineString(points)
    if line.length == 0:
        raise BadUserInput("traffic.path_size", field=field, max=MAX_PATH_POINTS)
    return line


def checked_cameras(urls: Sequence[str], *, field: str) -> list[str]:
    if len(urls) > MAX_CAMERAS:
        raise BadUserInput("input.list_size", field=field, max=MAX_CAMERAS)
    found = []
    for index, url in enumerate(urls):
        text = check_printable(url, field=f"{field}[{index}]").strip()
        parts = urlsplit(text)
        if len(text) > MAX_URL or parts.scheme not in ("http", "https") or not parts.netloc:
            raise BadUserInput("traffic.camera_url_invalid", field=f"{field}[{index}]")
        found.append(text)
    return found


def _description(vi: str | None, en: str | None) -> Translated:
    texts = {}
    for language, value, name in (("vi", vi, "descriptionVi"), ("en", en, "descriptionEn")):
        text = None if value is None else check_printable(value, field=f"input.{name}").strip()
        if not text:
            raise BadUserInput("input.required", field=f"input.{name}")
        if len(text) > MAX_DESCRIPTION:
            raise BadUserInput("input.too_long", field=f"input.{name}", max=MAX_DESCRIPTION)
        texts[language] = text
    return Translated(texts)


def _check_times(starts_at: datetime, ends_at: datetime | None) -> None:
    if ends_at is not None and ends_at <= starts_at:
        raise BadUserInput("traffic.end_before_start", field="input.expectedEndAt")


def anchor(location: BaseGeometry) -> Point:
    """The point that stands for a location: itself, or the middle of a line."""
    if isinstance(location, Point):
        return location
    assert isinstance(location, LineString)
    return location.interpolate(0.5, normalized=True)


async def create(
    uow: UnitOfWork, *, operator_id: uuid.UUID, changes: IncidentChanges, now: datetime
) -> Incident:
    session = uow.session
    await access.require_role(session, operator_id, Role.TRAFFIC_OPERATOR)
    if changes.type is None:
        raise BadUserInput("input.required", field="input.type")
    if changes.path is None:
        raise BadUserInput("input.required", field="input.path")
    location = checked_location(changes.path, field="input.path")
    starts_at = changes.starts_at or now
    _check_times(starts_at, changes.expected_end_at)
    await _check_road(session, changes.road_id)
    await _check_flood_point(
        session, changes.flood_point_id, changes.type, field="input.floodPointId"
    )
    ward = await places.ward_at(session, anchor(location))
    incident = Incident(
        id=uuid.uuid4(),
        type=changes.type,
        cause=changes.cause or IncidentCause.UNKNOWN_CAUSE,
        effect=changes.effect or IncidentEffect.UNKNOWN_EFFECT,
        severity=changes.severity or IncidentSeverity.UNKNOWN_SEVERITY,
        source=changes.source or IncidentSource.OPERATIONS_CENTRE,
        location=location,
        road_id=changes.road_id,
        ward_id=None if ward is None else ward.id,
        flood_point_id=changes.flood_point_id,
        description=_description(changes.description_vi, changes.description_en),
        camera_urls=checked_cameras(changes.camera_urls or [], field="input.cameraUrls"),
        starts_at=starts_at,
        ends_at=changes.expected_end_at,
        closed_at=None,
        created_by=operator_id,
        created_at=now,
        updated_at=now,
    )
    await repository.add_incident(session, incident)
    await access.audit(
        session, "incident.created", subject_id=incident.id, actor_id=operator_id, now=now
    )
    if incident.severity is IncidentSeverity.SEVERE:
        await _alert_ward(uow, incident, None if ward is None else ward.slug, now)
        await route_alerts.alert_routes(uow, incident, now)
    live.announce(uow, incident.id)
    return incident


async def update(
    uow: UnitOfWork,
    *,
    operator_id: uuid.UUID,
    incident_id: uuid.UUID,
    changes: IncidentChanges,
    now: datetime,
) -> Incident:
    session = uow.session
    await access.require_role(session, operator_id, Role.TRAFFIC_OPERATOR)
    incident = await repository.incident_for_update(session, incident_id)
    if incident is None:
        raise NotFound("traffic.incident_not_found", field="input.id")
    if incident.closed_at is not None:
        raise BadUserInput("traffic.incident_closed", field="input.id")
    values: dict[str, Any] = {
        name: getattr(changes, name)
        for name in ("type", "cause", "effect", "severity", "source", "starts_at")
        if getattr(changes, name) is not None
    }
    if changes.expected_end_at is not None:
        values["ends_at"] = changes.expected_end_at
    if changes.path is not None:
        values["location"] = checked_location(changes.path, field="input.path")
        ward = await places.ward_at(session, anchor(values["location"]))
        values["ward_id"] = None if ward is None else ward.id
    if changes.road_id is not None:
        await _check_road(session, changes.road_id)
        values["road_id"] = changes.road_id
    if changes.description_vi is not None or changes.description_en is not None:
        values["description"] = _description(
            changes.description_vi or incident.description.texts.get("vi"),
            changes.description_en or incident.description.texts.get("en"),
        )
    if changes.camera_urls is not None:
        values["camera_urls"] = checked_cameras(changes.camera_urls, field="input.cameraUrls")
    if changes.flood_point_id is not None or changes.clear_flood_point:
        values["flood_point_id"] = changes.flood_point_id
    # The flood point must still belong to a flooded road: name the field that broke the rule.
    await _check_flood_point(
        session,
        values.get("flood_point_id", incident.flood_point_id),
        values.get("type", incident.type),
        field="input.floodPointId" if changes.flood_point_id is not None else "input.type",
        known=None if "flood_point_id" in values else incident.flood_point_id,
    )
    _check_times(
        values.get("starts_at", incident.starts_at), values.get("ends_at", incident.ends_at)
    )
    became_severe = (
        values.get("severity") is IncidentSeverity.SEVERE
        and incident.severity is not IncidentSeverity.SEVERE
    )
    for name, value in values.items():
        setattr(incident, name, value)
    incident.updated_at = now
    await session.flush()
    await access.audit(
        session,
        "incident.updated",
        subject_id=incident.id,
        actor_id=operator_id,
        now=now,
        fields=",".join(sorted(values)),
    )
    if became_severe:
        ward_slug = await _ward_slug(session, incident)
        await _alert_ward(uow, incident, ward_slug, now)
        await route_alerts.alert_routes(uow, incident, now)
    live.announce(uow, incident.id)
    return incident


async def close(
    uow: UnitOfWork, *, operator_id: uuid.UUID, incident_id: uuid.UUID, now: datetime
) -> Incident:
    session = uow.session
    await access.require_role(session, operator_id, Role.TRAFFIC_OPERATOR)
    incident = await repository.incident_for_update(session, incident_id)
    if incident is None:
        raise NotFound("traffic.incident_not_found", field="input.id")
    if incident.closed_at is not None:
        raise BadUserInput("traffic.incident_closed", field="input.id")
    incident.closed_at = now
    incident.ends_at = max(now, incident.starts_at)
    incident.updated_at = now
    await session.flush()
    await access.audit(
        session, "incident.closed", subject_id=incident.id, actor_id=operator_id, now=now
    )
    live.announce(uow, incident.id)
    return incident


async def _check_road(session: AsyncSession, road_id: uuid.UUID | None) -> None:
    if road_id is not None and not await repository.road_exists(session, road_id):
        raise NotFound("traffic.road_not_found", field="input.roadId")


async def _check_flood_point(
    session: AsyncSession,
    flood_point_id: uuid.UUID | None,
    incident_type: IncidentType | None,
    *,
    field: str,
    known: uuid.UUID | None = None,
) -> None:
    """A flood point is named by flooded roads only, and must be one (its station of that
    kind); `known` is the one already linked, which needs no new look-up."""
    if flood_point_id is None:
        return
    if incident_type is not IncidentType.FLOODED_ROAD:
        raise BadUserInput("traffic.flood_point_not_flooded_road", field=field)
    if flood_point_id == known:
        return
    found = await environment.stations_by_ids(session, [flood_point_id])
    if not any(station.kind is ThingKind.FLOOD_POINT for station in found):
        raise NotFound("traffic.flood_point_not_found", field=field)


async def _ward_slug(session: AsyncSession, incident: Incident) -> str | None:
    ward = await places.ward_at(session, anchor(incident.location))
    return None if ward is None else ward.slug


async def _alert_ward(
    uow: UnitOfWork, incident: Incident, ward_slug: str | None, now: datetime
) -> None:
    """Push a severe incident to its ward's residents.

    A severe incident is a public warning: once the CAP alert service exists, it should become
    a CAP alert (category Transport, event from the incident type, area the ward) published
    there instead of this plain ward push."""
    if ward_slug is None:
        return
    await notify_area(uow, ward=ward_slug, message=severe_alert(incident), now=now)


def severe_alert(incident: Incident) -> PushMessage:
    """The ward push of a severe incident: its type as the title, its description as the body
    (public information), the incident's id."""
    return PushMessage(
        category=Category.TRAFFIC,
        type="traffic_incident.severe",
        title=Text.from_catalogue(f"traffic.push.incident.{incident.type.value}"),
        body=incident.description,
        deep_link=f"citizenhub://traffic/incidents/{incident.id}",
        data={"incidentId": str(incident.id)},
        urgent=True,
        collapse_key=f"traffic-incident-{incident.id}",
        ttl="short",
    )


# --- reads -----------------------------------------------------------------------------------


def checked_radius(near: Point | None, radius_m: float | None) -> float | None:
    """The search radius around `near` (default and maximum 50 km); none without `near`."""
    if near is None:
        if radius_m is not None:
            raise BadUserInput("traffic.radius_without_near", field="radiusMeters")
        return None
    radius = MAX_RADIUS_M if radius_m is None else radius_m
    if not (math.isfinite(radius) and 1 <= radius <= MAX_RADIUS_M):
        raise BadUserInput("input.radius", field="radiusMeters", max=MAX_RADIUS_M)
    return radius


def checked_types(types: Sequence[IncidentType]) -> None:
    if len(types) > MAX_TYPES:
        raise BadUserInput("input.list_size", field="types", max=MAX_TYPES)


@dataclass(frozen=True, slots=True)
class IncidentHit:
    row: IncidentRow
    # Metres from `near`, or the start time.
    key: Any


async def incidents_near(
    session: AsyncSession,
    *,
    now: datetime,
    near: Point | None,
    radius_m: float | None,
    types: Sequence[IncidentType],
    active: bool | None,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[IncidentHit]:
    radius = checked_radius(near, radius_m)
    checked_types(types)
    found = await repository.incidents_page(
        session,
        now=now,
        near=near,
        radius_m=radius,
        types=list(dict.fromkeys(types)),
        active=active,
        after=after,
        limit=limit,
    )
    return [IncidentHit(row, key) for row, key in found]


async def incidents_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[IncidentRow]:
    return await repository.incidents_by_ids(session, ids)


async def roads_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[RoadRow]:
    return await repository.roads_by_ids(session, ids)


def is_active(row: IncidentRow, now: datetime) -> bool:
    return (
        row.closed_at is None
        and row.starts_at <= now
        and (row.ends_at is None or row.ends_at > now)
    )
