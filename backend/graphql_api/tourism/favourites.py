"""Favourites in GraphQL: `addFavourite`, `removeFavourite` and `viewer { favourites }`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Self

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import RowNode, decode_id, node_from
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.tourism.loaders import TourismLoaders
from backend.graphql_api.tourism.types import AttractionNode, EventNode
from backend.identity.models import User
from backend.tourism import favourites
from backend.tourism.favourites import Target
from backend.tourism.repository.rows import FavouriteRow

FAVOURITES_BY_SAVED = Keyset("tourism.favourites", datetime)


@strawberry.type(
    name="Favourite",
    description="An attraction or an event you saved; a saved event is reminded by push the "
    "day before it starts. Visible only to you.",
)
class FavouriteNode(RowNode):
    row: strawberry.Private[FavouriteRow]
    saved_at: datetime

    @classmethod
    def from_row(cls, row: FavouriteRow) -> Self:
        return cls(row=row, saved_at=row.created_at)

    @strawberry.field(description="The attraction saved (null for an event).")
    async def attraction(self, info: Info) -> AttractionNode | None:
        loader = TourismLoaders.of(info).attraction_by_id
        return await node_from(loader, self.row.attraction_id, AttractionNode.from_row)

    @strawberry.field(description="The event saved (null for an attraction).")
    async def event(self, info: Info) -> EventNode | None:
        loader = TourismLoaders.of(info).event_by_id
        return await node_from(loader, self.row.event_id, EventNode.from_row)

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        viewer = await info.context.viewer()
        if viewer is None:
            return [None] * len(ids)
        async with info.context.read() as session:
            rows = await favourites.favourites_by_ids(session, viewer.id, ids)
        found = {row.id: row for row in rows}
        return [cls.from_row(found[key]) if key in found else None for key in ids]


@strawberry.input(one_of=True, description="What to save: an attraction or an event.")
class FavouriteInput:
    attraction_id: relay.GlobalID | None = strawberry.UNSET
    event_id: relay.GlobalID | None = strawberry.UNSET


def _target(input: FavouriteInput) -> Target:
    if input.attraction_id:
        return Target(
            decode_id(input.attraction_id, "Attraction", field="input.attractionId"),
            None,
            field="input.attractionId",
        )
    if input.event_id:
        return Target(
            None, decode_id(input.event_id, "Event", field="input.eventId"), "input.eventId"
        )
    return Target(None, None, "input")


@strawberry.type
class FavouriteMutation:
    @strawberry.mutation(
        description="Save an attraction or an event; saving it again answers the same favourite."
    )
    async def add_favourite(self, info: Info, input: FavouriteInput) -> FavouriteNode | None:
        viewer = await info.context.require_viewer()
        target = _target(input)
        async with info.context.unit_of_work() as uow:
            row = await favourites.add(
                uow, user_id=viewer.id, target=target, now=info.context.now()
            )
            saved = FavouriteRow(
                row.id, row.user_id, row.attraction_id, row.event_id, row.created_at
            )
        return FavouriteNode.from_row(saved)

    @strawberry.mutation(
        description="Unsave an attraction or an event: whether it was saved (removing twice is "
        "no error)."
    )
    async def remove_favourite(self, info: Info, input: FavouriteInput) -> bool | None:
        viewer = await info.context.require_viewer()
        target = _target(input)
        async with info.context.unit_of_work() as uow:
            return await favourites.remove(uow, user_id=viewer.id, target=target)


@strawberry.type
class TourismViewerFields:
    """The tourism domain's fields of the `User` type."""

    row: strawberry.Private[User]

    @strawberry.field(description="What you saved, latest first.")
    async def favourites(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[FavouriteNode]:
        page = FAVOURITES_BY_SAVED.page(first, after)
        async with info.context.read() as session:
            rows = await favourites.favourites_page(
                session, self.row.id, after=page.after, limit=page.limit
            )
        return page.connection(
            rows, node=FavouriteNode.from_row, key=lambda row: (row.created_at, row.id)
        )
