"""GraphQL types of the alerts domain, written by hand over typed rows. Texts come in the
viewer's language; areas keep CAP's shapes but speak GraphQL's `GeoPoint` (named fields, so no
latitude/longitude order to get wrong)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Self

import strawberry
from strawberry import relay

from backend.alerts import operators, reads
from backend.alerts.areas import Area, geojson_of
from backend.alerts.models import (
    Category,
    Certainty,
    MsgType,
    ResponseType,
    Scope,
    Severity,
    Stage,
    Status,
    Urgency,
)
from backend.alerts.reads import AlertRow
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import RowNode
from backend.i18n import Translated

strawberry.enum(Status, name="AlertStatus", description="CAP 1.2 status.")
strawberry.enum(MsgType, name="AlertMsgType", description="CAP 1.2 msgType.")
strawberry.enum(Scope, name="AlertScope", description="CAP 1.2 scope.")
strawberry.enum(Category, name="AlertCategory", description="CAP 1.2 category.")
strawberry.enum(Urgency, name="AlertUrgency", description="CAP 1.2 urgency.")
strawberry.enum(Severity, name="AlertSeverity", description="CAP 1.2 severity.")
strawberry.enum(Certainty, name="AlertCertainty", description="CAP 1.2 certainty.")
strawberry.enum(ResponseType, name="AlertResponseType", description="CAP 1.2 responseType.")
strawberry.enum(
    Stage,
    name="AlertStage",
    description="Where an alert is: DRAFT and APPROVED are seen by operators only; ISSUED is "
    "in force until it expires; SUPERSEDED and CANCELLED were replaced by an Update or Cancel.",
)


def _text(value: Translated, info: Info) -> str:
    return value.get(info.context.locale)


@strawberry.type(description="Where an alert applies: any of polygons, circles and wards.")
class AlertArea:
    area: strawberry.Private[Area]

    @strawberry.field(description="The area's description, in your language.")
    def description(self, info: Info) -> str:
        return _text(self.area.description, info)

    @strawberry.field(
        description="The polygons and circles as a GeoJSON FeatureCollection (RFC 7946, so "
        "longitude FIRST): Polygon features, and Point features with a `radiusKm` property "
        "for circles. Null when the area is given by wards only."
    )
    def geojson(self) -> str | None:
        return geojson_of(self.area)

    @strawberry.field(description="Ward codes (slugs), as the `Ward` type names them.")
    def wards(self) -> list[str]:
        return list(self.area.wards)


@strawberry.type(
    name="Alert",
    description="A public alert (CAP 1.2). Anyone may read issued real alerts; operators also "
    "see drafts, exercises and tests.",
)
class AlertNode(RowNode):
    row: strawberry.Private[AlertRow]
    identifier: str = strawberry.field(description="CAP identifier: stable, for the CAP document.")
    sender: str
    sent: datetime | None = strawberry.field(description="When it was issued; null for drafts.")
    status: Status
    msg_type: MsgType
    scope: Scope
    category: Category
    urgency: Urgency
    severity: Severity
    certainty: Certainty
    response_type: ResponseType
    onset: datetime | None
    expires: datetime | None
    stage: Stage

    @classmethod
    def from_row(cls, row: AlertRow) -> Self:
        return cls(
            row=row,
            identifier=row.identifier,
            sender=row.sender,
            sent=row.sent,
            status=row.status,
            msg_type=row.msg_type,
            scope=row.scope,
            category=row.category,
            urgency=row.urgency,
            severity=row.severity,
            certainty=row.certainty,
            response_type=row.response_type,
            onset=row.onset,
            expires=row.expires,
            stage=row.stage,
        )

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        viewer = await info.context.viewer()
        async with info.context.read() as session:
            operator = await operators.is_operator(session, viewer.id if viewer else None)
            rows = await reads.alerts_by_ids(session, ids, public_only=not operator)
        found = {row.id: row for row in rows}
        return [cls.from_row(found[key]) if key in found else None for key in ids]

    @strawberry.field(description="Who issues it, in your language.")
    def sender_name(self, info: Info) -> str:
        return _text(self.row.sender_name, info)

    @strawberry.field
    def event(self, info: Info) -> str:
        return _text(self.row.event, info)

    @strawberry.field
    def headline(self, info: Info) -> str:
        return _text(self.row.headline, info)

    @strawberry.field
    def description(self, info: Info) -> str:
        return _text(self.row.description, info)

    @strawberry.field
    def instruction(self, info: Info) -> str:
        return _text(self.row.instruction, info)

    @strawberry.field
    def areas(self) -> list[AlertArea]:
        return [AlertArea(area=Area.from_json(area)) for area in self.row.areas]

    @strawberry.field(description="The alert this Update or Cancel replaces.")
    def references_id(self) -> relay.GlobalID | None:
        ref = self.row.references_id
        return None if ref is None else relay.GlobalID("Alert", str(ref))

    @strawberry.field(description="The CAP 1.2 XML document's path (issued public alerts).")
    def cap_path(self) -> str | None:
        if self.row.sent is None or self.row.status is not Status.ACTUAL:
            return None
        return f"/cap/alerts/{self.row.identifier}.xml"
