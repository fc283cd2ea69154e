"""`viewer { tourismUnpublished }`: the tourism department's drafts and withdrawn content, for
its staff only."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.tourism.staff import PublishedContent
from backend.graphql_api.tourism.types import AttractionNode, EventNode, ItineraryNode
from backend.identity.models import User
from backend.tourism import unpublished
from backend.tourism.repository.rows import AttractionRow, EventRow
from backend.tourism.unpublished import Unpublished

UNPUBLISHED_BY_CREATION = Keyset("tourism.unpublished", datetime)


@strawberry.type(name="TourismUnpublishedEdge")
class UnpublishedEdge:
    cursor: str
    node: PublishedContent
    created_at: datetime


@strawberry.type(name="TourismUnpublishedConnection")
class UnpublishedConnection:
    edges: list[UnpublishedEdge]
    page_info: relay.PageInfo


def _node(found: Unpublished) -> AttractionNode | EventNode | ItineraryNode:
    if isinstance(found.row, AttractionRow):
        return AttractionNode.from_row(found.row)
    if isinstance(found.row, EventRow):
        return EventNode.from_row(found.row)
    return ItineraryNode.from_row(found.row)


@strawberry.type
class TourismStaffViewerFields:
    row: strawberry.Private[User]

    @strawberry.field(
        description="Tourism staff: attractions, events and itineraries not published (new or "
        "withdrawn), newest first. Anyone else is refused (FORBIDDEN)."
    )
    async def tourism_unpublished(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> UnpublishedConnection:
        page = UNPUBLISHED_BY_CREATION.page(first, after)
        async with info.context.read() as session:
            found = await unpublished.unpublished_page(
                session, staff_id=self.row.id, after=page.after, limit=page.limit
            )
        edges = [
            UnpublishedEdge(
                cursor=UNPUBLISHED_BY_CREATION.encode(item.created_at, item.row.id),
                node=_node(item),
                created_at=item.created_at,
            )
            for item in found[: page.size]
        ]
        return UnpublishedConnection(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=len(found) > page.size,
                has_previous_page=page.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )
