"""Queries of the alerts domain: what is in force (anonymous, cacheable), one alert, and the
operators' working list."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from backend.alerts import operators, reads
from backend.alerts.errors import AlertForbidden
from backend.alerts.models import Stage
from backend.graphql_api.alerts.types import AlertNode
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.places.types import GeoPointInput
from backend.places import service as places

ALERTS_BY_SENT = Keyset("alerts.public.sent", datetime)
ALERTS_BY_CHANGE = Keyset("alerts.operator.updated", datetime)
MAX_STAGES = len(Stage)


async def wards_to_filter(
    info: Info, near: GeoPointInput | None, ward: str | None
) -> list[str] | None:
    """The wards to filter on: `ward`, the ward at `near`, both (must agree), or None for all."""
    if near is None:
        return None if ward is None else [ward]
    point = places.checked_point(near.latitude, near.longitude, field="near")
    async with info.context.read() as session:
        found = await places.ward_at(session, point)
    if found is None or (ward is not None and ward != found.slug):
        return []
    return [found.slug]


@strawberry.type
class AlertsQuery:
    @strawberry.field(
        description="Public alerts, newest first: real alerts that were issued (never drafts, "
        "exercises or tests). `active` (default true) keeps those in force; `ward` those "
        "reaching a ward (its slug); `near` those reaching the ward at that position."
    )
    async def alerts(
        self,
        info: Info,
        active: bool = True,
        near: GeoPointInput | None = None,
        ward: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[AlertNode]:
        page = ALERTS_BY_SENT.page(first, after)
        wards = await wards_to_filter(info, near, ward)
        rows: list[reads.AlertRow] = []
        if wards != []:
            async with info.context.read() as session:
                rows = await reads.public_page(
                    session,
                    now=info.context.now(),
                    active=active,
                    wards=wards,
                    after=page.after,
                    limit=page.limit,
                )
        return page.connection(
            rows,
            node=AlertNode.from_row,
            key=lambda row: (row.sent, row.id),  # type: ignore[arg-type,return-value]
        )

    @strawberry.field(description="One alert: public ones for anyone, any for operators.")
    async def alert(self, info: Info, id: relay.GlobalID) -> AlertNode | None:
        alert_id = decode_id(id, "Alert")
        (found,) = await AlertNode.fetch(info, [alert_id])
        return found

    @strawberry.field(
        description="Civil-defence operators: every alert (exercises and tests included) in the "
        "given stages, or all, latest change first."
    )
    async def operator_alerts(
        self,
        info: Info,
        stages: list[Stage] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[AlertNode]:
        viewer = await info.context.require_viewer()
        wanted = list(dict.fromkeys(stages or []))[:MAX_STAGES]
        page = ALERTS_BY_CHANGE.page(first, after)
        async with info.context.read() as session:
            if not await operators.is_operator(session, viewer.id):
                raise AlertForbidden("alerts.not_operator")
            rows = await reads.operator_page(
                session, stages=wanted, after=page.after, limit=page.limit
            )
        return page.connection(
            rows, node=AlertNode.from_row, key=lambda row: (row.updated_at, row.id)
        )
