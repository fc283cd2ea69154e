"""Public alerts, live: anyone, signed in or not, may follow the alerts reaching a ward."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import strawberry

from backend.alerts.live import ALERT_ISSUED, channel_for
from backend.graphql_api.alerts.queries import wards_to_filter
from backend.graphql_api.alerts.types import AlertNode
from backend.graphql_api.context import Info
from backend.graphql_api.live import public_events
from backend.graphql_api.places.types import GeoPointInput


@strawberry.type
class AlertsSubscription:
    @strawberry.subscription(
        description="Each real public alert as it is issued, updated or cancelled (never drafts, "
        "exercises or tests): `ward` those reaching a ward (its slug), `near` those reaching the "
        "ward at that position, neither every one. Anonymous sockets may subscribe."
    )
    async def alert_issued(
        self, info: Info, near: GeoPointInput | None = None, ward: str | None = None
    ) -> AsyncIterator[AlertNode]:
        wards = await wards_to_filter(info, near, ward)
        if wards == []:
            # Outside every ward (or `near` and `ward` disagree): no alert can reach it, as the
            # `alerts` query's empty list says; stay open until the app completes it.
            await info.context.renew()
            await asyncio.Event().wait()
        channel = channel_for(None if wards is None else wards[0])
        async for alert_id in public_events(info, channel, ALERT_ISSUED):
            (found,) = await AlertNode.fetch(info, [alert_id])
            if found is not None:
                yield found
