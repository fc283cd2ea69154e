"""Severe incidents pushed to the owners of the saved routes they lie on or near."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.db.unit_of_work import UnitOfWork
from backend.traffic.models import Incident, IncidentEffect, IncidentSeverity, RouteAlert
from backend.traffic.repository import routes as repository
from backend.traffic.repository.rows import SavedRouteRow
from notifications import service as notifications
from notifications.messages import PushMessage, Text
from notifications.models import Category

# How far from a route an incident still concerns it: a street's width and its kerbs.
BUFFER_M = 150.0
# Huế keeps UTC+7 all year.
LOCAL_OFFSET = timedelta(hours=7)


def is_active(row: SavedRouteRow, now: datetime) -> bool:
    """Within the route's local active hours (a span may pass midnight); always without."""
    start, end = row.active_start, row.active_end
    if start is None or end is None:
        return True
    clock = (now + LOCAL_OFFSET).time()
    return start <= clock < end if start < end else clock >= start or clock < end


def is_urgent(incident: Incident) -> bool:
    """A severe incident that closes the road reaches a route's owner even in quiet hours."""
    return incident.severity is IncidentSeverity.SEVERE and incident.effect is (
        IncidentEffect.NO_SERVICE
    )


async def alert_routes(uow: UnitOfWork, incident: Incident, now: datetime) -> int:
    """Push a severe incident to the owners of the routes it lies on or near (within
    `BUFFER_M` of its point or anywhere along its line) that are in their active hours, once
    per route."""
    if incident.severity is not IncidentSeverity.SEVERE:
        return 0
    session = uow.session
    found = await repository.routes_near(session, incident.id, incident.location, BUFFER_M)
    routes = [row for row in found if is_active(row, now)]
    if not routes:
        return 0
    await repository.add_alerts(
        session,
        [RouteAlert(route_id=row.id, incident_id=incident.id, alerted_at=now) for row in routes],
    )
    for row in routes:
        await notifications.notify(
            uow, user_ids=[row.owner_id], message=route_alert(incident, row), now=now
        )
    return len(routes)


def route_alert(incident: Incident, route: SavedRouteRow) -> PushMessage:
    return PushMessage(
        category=Category.TRAFFIC,
        type="traffic_route.incident",
        title=Text.from_catalogue("traffic.push.route", route=route.name),
        body=incident.description,
        deep_link=f"citizenhub://traffic/incidents/{incident.id}",
        data={"incidentId": str(incident.id), "routeId": str(route.id)},
        urgent=is_urgent(incident),
        # The same incident on several routes, or in the ward push, shows once on a device.
        collapse_key=f"traffic-incident-{incident.id}",
        ttl="short",
    )
