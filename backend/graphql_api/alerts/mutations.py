"""Operators' mutations: draft, edit, approve, issue, update, cancel, discard. Each parses its
input and runs one use case in a unit of work; refusals carry `extensions.code` and
`extensions.reason` (see mobile_contract/README.md)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from backend.alerts import operators
from backend.alerts.areas import Area, Circle
from backend.alerts.content import AlertContent
from backend.alerts.errors import AlertInvalid
from backend.alerts.models import (
    Alert,
    Category,
    Certainty,
    ResponseType,
    Scope,
    Severity,
    Status,
    Urgency,
)
from backend.alerts.reads import AlertRow
from backend.errors import BadUserInput
from backend.graphql_api.alerts.types import AlertNode
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.places.types import GeoPointInput
from backend.i18n import Locale, Translated

MAX_AREAS = 20
MAX_SHAPES = 20
MAX_VERTICES = 2000


@strawberry.input(description="A text in each language: Vietnamese and English are required.")
class AlertTextInput:
    vi: str
    en: str
    fr: str | None = None
    ko: str | None = None
    zh: str | None = None
    ja: str | None = None

    def translated(self, field: str) -> Translated:
        values = {locale.value: getattr(self, locale.value) for locale in Locale}
        texts = {code: value.strip() for code, value in values.items() if value and value.strip()}
        if "vi" not in texts:
            raise AlertInvalid("alerts.text_required", field=field)
        return Translated(texts)


@strawberry.input
class AlertCircleInput:
    center: GeoPointInput
    radius_km: float


@strawberry.input(description="Any of polygons (closed rings), circles and ward slugs.")
class AlertAreaInput:
    description: AlertTextInput
    polygons: list[list[GeoPointInput]] = strawberry.field(default_factory=list)
    circles: list[AlertCircleInput] = strawberry.field(default_factory=list)
    wards: list[str] = strawberry.field(default_factory=list)


@strawberry.input(description="What an alert says (CAP 1.2 `info` and `area`).")
class AlertInput:
    category: Category
    event: AlertTextInput
    urgency: Urgency
    severity: Severity
    certainty: Certainty
    headline: AlertTextInput
    description: AlertTextInput
    instruction: AlertTextInput
    areas: list[AlertAreaInput]
    status: Status = Status.ACTUAL
    scope: Scope = Scope.PUBLIC
    response_type: ResponseType = ResponseType.MONITOR
    onset: datetime | None = None
    expires: datetime | None = None


def _area(value: AlertAreaInput) -> Area:
    if max(len(value.polygons), len(value.circles), len(value.wards)) > MAX_SHAPES:
        raise BadUserInput("input.list_size", field="input.areas", max=MAX_SHAPES)
    if any(len(ring) > MAX_VERTICES for ring in value.polygons):
        raise BadUserInput("input.list_size", field="input.areas", max=MAX_VERTICES)
    return Area(
        description=value.description.translated("input.areas"),
        polygons=tuple(tuple((p.latitude, p.longitude) for p in ring) for ring in value.polygons),
        circles=tuple(
            Circle(c.center.latitude, c.center.longitude, c.radius_km) for c in value.circles
        ),
        wards=tuple(value.wards),
    )


def content_of(value: AlertInput) -> AlertContent:
    if len(value.areas) > MAX_AREAS:
        raise BadUserInput("input.list_size", field="input.areas", max=MAX_AREAS)
    for moment, name in ((value.onset, "input.onset"), (value.expires, "input.expires")):
        if moment is not None and moment.tzinfo is None:
            raise AlertInvalid("alerts.time_offset", field=name)
    return AlertContent(
        status=value.status,
        scope=value.scope,
        category=value.category,
        event=value.event.translated("input.event"),
        urgency=value.urgency,
        severity=value.severity,
        certainty=value.certainty,
        response_type=value.response_type,
        headline=value.headline.translated("input.headline"),
        description=value.description.translated("input.description"),
        instruction=value.instruction.translated("input.instruction"),
        areas=[_area(area) for area in value.areas],
        onset=value.onset,
        expires=value.expires,
    )


def node_of(alert: Alert) -> AlertNode:
    return AlertNode.from_row(
        AlertRow(
            id=alert.id,
            identifier=alert.identifier,
            sender=alert.sender,
            sender_name=alert.sender_name,
            sent=alert.sent,
            status=alert.status,
            msg_type=alert.msg_type,
            scope=alert.scope,
            category=alert.category,
            event=alert.event,
            urgency=alert.urgency,
            severity=alert.severity,
            certainty=alert.certainty,
            response_type=alert.response_type,
            onset=alert.onset,
            expires=alert.expires,
            headline=alert.headline,
            description=alert.description,
            instruction=alert.instruction,
            areas=list(alert.areas),
            references_id=alert.references_id,
            stage=alert.stage,
            rule=alert.rule,
            drafted_by=alert.drafted_by,
            approved_by=alert.approved_by,
            created_at=alert.created_at,
            updated_at=alert.updated_at,
        )
    )


@strawberry.type
class AlertsMutation:
    @strawberry.mutation(description="Operators: write a new alert; it stays a draft.")
    async def draft_alert(self, info: Info, input: AlertInput) -> AlertNode | None:
        viewer = await info.context.require_viewer()
        content = content_of(input)
        async with info.context.unit_of_work() as uow:
            alert = await operators.draft(uow, viewer.id, content, info.context.now())
        return node_of(alert)

    @strawberry.mutation(description="Operators: change a draft (an approval is then undone).")
    async def edit_alert(
        self, info: Info, id: relay.GlobalID, input: AlertInput
    ) -> AlertNode | None:
        viewer = await info.context.require_viewer()
        alert_id = decode_id(id, "Alert")
        content = content_of(input)
        async with info.context.unit_of_work() as uow:
            alert = await operators.edit(uow, viewer.id, alert_id, content, info.context.now())
        return node_of(alert)

    @strawberry.mutation(description="A second operator approves a draft (not its drafter).")
    async def approve_alert(self, info: Info, id: relay.GlobalID) -> AlertNode | None:
        viewer = await info.context.require_viewer()
        alert_id = decode_id(id, "Alert")
        async with info.context.unit_of_work() as uow:
            alert = await operators.approve(uow, viewer.id, alert_id, info.context.now())
        return node_of(alert)

    @strawberry.mutation(
        description="Operators: issue an approved alert. An Extreme and Immediate draft may be "
        "issued without approval; that is recorded. Real public alerts go to the wards' phones."
    )
    async def issue_alert(self, info: Info, id: relay.GlobalID) -> AlertNode | None:
        viewer = await info.context.require_viewer()
        alert_id = decode_id(id, "Alert")
        async with info.context.unit_of_work() as uow:
            alert = await operators.issue(uow, viewer.id, alert_id, info.context.now())
        return node_of(alert)

    @strawberry.mutation(
        description="Operators: a draft Update of an issued alert; once issued it replaces it."
    )
    async def update_alert(
        self, info: Info, id: relay.GlobalID, input: AlertInput
    ) -> AlertNode | None:
        viewer = await info.context.require_viewer()
        alert_id = decode_id(id, "Alert")
        content = content_of(input)
        async with info.context.unit_of_work() as uow:
            alert = await operators.update(uow, viewer.id, alert_id, content, info.context.now())
        return node_of(alert)

    @strawberry.mutation(
        description="Operators: a draft Cancel of an issued alert (saying the original's texts "
        "unless `input` is given); once issued it withdraws it."
    )
    async def cancel_alert(
        self, info: Info, id: relay.GlobalID, input: AlertInput | None = None
    ) -> AlertNode | None:
        viewer = await info.context.require_viewer()
        alert_id = decode_id(id, "Alert")
        content = None if input is None else content_of(input)
        async with info.context.unit_of_work() as uow:
            alert = await operators.cancel(uow, viewer.id, alert_id, content, info.context.now())
        return node_of(alert)

    @strawberry.mutation(description="Operators: abandon a draft.")
    async def discard_alert(self, info: Info, id: relay.GlobalID) -> AlertNode | None:
        viewer = await info.context.require_viewer()
        alert_id = decode_id(id, "Alert")
        async with info.context.unit_of_work() as uow:
            alert = await operators.discard(uow, viewer.id, alert_id, info.context.now())
        return node_of(alert)
