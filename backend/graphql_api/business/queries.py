"""Queries of the business domain: the public map of certified businesses and the permit
types; the officers' queue and the operators' claims; the viewer's memberships."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from backend.business import reads, registry, reports, workdays
from backend.business.repository.businesses import DirectoryOrder
from backend.graphql_api.business.types import (
    Agency,
    ApplicationNode,
    BusinessConnection,
    BusinessEdge,
    BusinessNode,
    BusinessReport,
    BusinessReporter,
    MembershipNode,
    PermitTypeNode,
    agency_from,
    report_from,
)
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.places.types import GeoPointInput
from backend.identity.models import User
from backend.places import service as places

BUSINESSES_BY_DISTANCE = Keyset("business.map.distance", float, lambda meters: meters >= 0)
BUSINESSES_BY_NAME = Keyset("business.map.name", str)
PERMIT_TYPES_BY_NAME = Keyset("business.permit_types.name", str)
QUEUE_BY_DUE = Keyset("business.queue.due", datetime)
CLAIMS_BY_TIME = Keyset("business.claims.created", datetime)
MEMBERSHIPS_BY_TIME = Keyset("business.memberships.created", datetime)
REPORTS_BY_TIME = Keyset("business.reports.created", datetime)

DIRECTORY_ORDERS: dict[DirectoryOrder, Keyset[Any]] = {
    DirectoryOrder.DISTANCE: BUSINESSES_BY_DISTANCE,
    DirectoryOrder.NAME: BUSINESSES_BY_NAME,
}


@strawberry.type
class BusinessQuery:
    @strawberry.field(
        description="Businesses holding a valid public certificate (food safety): nearest "
        "first within `radiusMeters` (default and maximum 50 km) of `near`, else by name; "
        "`vsic` keeps those whose main industry code starts with it; `search` matches names, "
        "codes and addresses, accents and small typos forgiven; `permitType` keeps those "
        "certified by that type (a permit type whose `publicCertificate` is true: food safety, "
        "listed prices)."
    )
    async def certified_businesses(
        self,
        info: Info,
        near: GeoPointInput | None = None,
        radius_meters: float | None = None,
        vsic: str | None = None,
        search: str | None = None,
        permit_type: relay.GlobalID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> BusinessConnection:
        origin = None
        if near is not None:
            origin = places.checked_point(near.latitude, near.longitude, field="near")
        wanted = registry.checked_search(search, field="search")
        certificate = (
            None
            if permit_type is None
            else decode_id(permit_type, "PermitType", field="permitType")
        )
        order = registry.directory_order(origin)
        page = DIRECTORY_ORDERS[order].page(first, after)
        async with info.context.read() as session:
            hits = await registry.directory(
                session,
                today=workdays.local_day(info.context.now()),
                near=origin,
                radius_m=radius_meters,
                vsic=vsic,
                search=wanted,
                after=page.after,
                limit=page.limit,
                permit_type_id=certificate,
            )
        by_distance = order is DirectoryOrder.DISTANCE
        edges, page_info = page.edges_of(
            hits,
            edge=lambda hit, cursor: BusinessEdge(
                node=BusinessNode.from_row(hit.row),
                cursor=cursor,
                distance_meters=round(hit.key, 1) if by_distance else None,
            ),
            key=lambda hit: (hit.key, hit.row.id),
        )
        return BusinessConnection(edges=edges, page_info=page_info)

    @strawberry.field(description="Kinds of permits a business can apply for, by name.")
    async def business_permit_types(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[PermitTypeNode]:
        page = PERMIT_TYPES_BY_NAME.page(first, after)
        async with info.context.read() as session:
            rows = await reads.permit_types_page(session, after=page.after, limit=page.limit)
        return page.connection(
            rows, node=PermitTypeNode.from_row, key=lambda row: (row.name.vi, row.id)
        )

    @strawberry.field(
        description="Officers: applications waiting on your agencies, earliest deadline first "
        "(overdue ones lead)."
    )
    async def business_application_queue(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[ApplicationNode]:
        viewer = await info.context.require_viewer()
        page = QUEUE_BY_DUE.page(first, after)
        async with info.context.read() as session:
            rows = await reads.agency_queue(session, viewer.id, after=page.after, limit=page.limit)
        return page.connection(
            rows,
            node=ApplicationNode.from_row,
            key=lambda row: (row.due_at, row.id),  # type: ignore[arg-type,return-value]
        )

    @strawberry.field(
        description="Officers: citizens' reports about businesses your agency certified, newest "
        "first, with who sent them."
    )
    async def business_reports(
        self,
        info: Info,
        agency_id: relay.GlobalID,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[BusinessReport]:
        viewer = await info.context.require_viewer()
        agency = decode_id(agency_id, "Agency", field="agencyId")
        page = REPORTS_BY_TIME.page(first, after)
        async with info.context.read() as session:
            rows = await reports.reports_for_agency(
                session, user_id=viewer.id, agency_id=agency, after=page.after, limit=page.limit
            )
        return page.connection(
            rows,
            node=lambda row: report_from(
                row, reporter=BusinessReporter(name=row.reporter_name, phone=row.reporter_phone)
            ),
            key=lambda row: (row.created_at, row.id),
        )

    @strawberry.field(description="Operators: claims waiting for verification, oldest first.")
    async def business_claims(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[MembershipNode]:
        viewer = await info.context.require_viewer()
        page = CLAIMS_BY_TIME.page(first, after)
        async with info.context.read() as session:
            rows = await reads.pending_claims(
                session, viewer.id, after=page.after, limit=page.limit
            )
        return page.connection(
            rows, node=MembershipNode.from_row, key=lambda row: (row.created_at, row.id)
        )


@strawberry.type
class BusinessViewerFields:
    """The business domain's fields of the `User` type."""

    row: strawberry.Private[User]

    @strawberry.field(
        description="Businesses you act for, and your claims waiting for verification."
    )
    async def business_memberships(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[MembershipNode]:
        page = MEMBERSHIPS_BY_TIME.page(first, after)
        async with info.context.read() as session:
            rows = await reads.memberships_of(
                session, self.row.id, after=page.after, limit=page.limit
            )
        return page.connection(
            rows, node=MembershipNode.from_row, key=lambda row: (row.created_at, row.id)
        )

    @strawberry.field(description="Officers: the agencies you act for.")
    async def business_agencies(self, info: Info) -> list[Agency]:
        async with info.context.read() as session:
            rows = await reads.agencies_of_officer(session, self.row.id)
        return [agency_from(row, info) for row in rows]
