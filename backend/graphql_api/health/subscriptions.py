"""The viewer's appointments, live: status, queue number, check-in."""

from __future__ import annotations

from collections.abc import AsyncIterator

import strawberry

from backend.graphql_api.context import Info
from backend.graphql_api.health.types import AppointmentNode
from backend.graphql_api.live import personal_events
from backend.health.live import APPOINTMENT_CHANGED


@strawberry.type
class HealthSubscription:
    @strawberry.subscription(
        description="Each change to an appointment the signed-in account booked: booked, "
        "rescheduled, cancelled, checked in, completed, missed."
    )
    async def appointment_changed(self, info: Info) -> AsyncIterator[AppointmentNode]:
        async for _, appointment_id in personal_events(info, APPOINTMENT_CHANGED):
            (found,) = await AppointmentNode.fetch(info, [appointment_id])
            if found is not None:
                yield found
