"""Traffic incidents, live: anyone, signed in or not, may follow the incidents near a point."""

from __future__ import annotations

from collections.abc import AsyncIterator

import strawberry

from backend.graphql_api.context import Info
from backend.graphql_api.live import public_events
from backend.graphql_api.places.types import GeoPointInput
from backend.graphql_api.traffic.types import IncidentNode
from backend.places import service as places
from backend.traffic import live
from backend.traffic.models import IncidentType
from backend.traffic.watch import Watch


@strawberry.type
class TrafficSubscription:
    @strawberry.subscription(
        description="Each traffic incident as operators create, update or close it, within "
        "`radiusMeters` (default and maximum 50 km; lines by their nearest point) of `near`, or "
        "anywhere without `near`; `types` keeps those of the given types. An incident shown here "
        "that moves out of the circle or changes to another type is shown once more, then no "
        "longer. Anonymous sockets may subscribe."
    )
    async def traffic_incident_changed(
        self,
        info: Info,
        near: GeoPointInput | None = None,
        radius_meters: float | None = None,
        types: list[IncidentType] | None = None,
    ) -> AsyncIterator[IncidentNode]:
        origin = None
        if near is not None:
            origin = places.checked_point(near.latitude, near.longitude, field="near")
        watch = Watch(origin, radius_meters, types or [])
        async for incident_id in public_events(info, live.CHANNEL, live.INCIDENT_CHANGED):
            (found,) = await IncidentNode.fetch(info, [incident_id])
            if found is not None and watch.shows(found.row):
                yield found
