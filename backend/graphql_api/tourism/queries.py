"""Public queries of the tourism domain: nothing here needs an account or reads personal data."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay

from backend.errors import BadUserInput
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.places.types import GeoPointInput
from backend.graphql_api.tourism.loaders import TourismLoaders
from backend.graphql_api.tourism.types import (
    AttractionConnection,
    AttractionEdge,
    AttractionNode,
    EventNode,
    ItineraryNode,
    TicketCombination,
    TicketLine,
    TicketOffer,
    TicketQuote,
    TourismSearchConnection,
    TourismSearchEdge,
)
from backend.places import service as places
from backend.tourism import attractions, events, itineraries, search, tickets
from backend.tourism.models import AttractionCategory, EventCategory
from backend.tourism.repository.attractions import AttractionOrder
from backend.tourism.tickets import Visitor, VisitorType

ATTRACTIONS_BY_DISTANCE = Keyset("attractions.distance", float, lambda meters: meters >= 0)
# Relevance lists page by the distance from the search (0 is a perfect match).
ATTRACTIONS_BY_RELEVANCE = Keyset("attractions.match", float, lambda distance: 0 <= distance <= 1)
ATTRACTIONS_BY_NAME = Keyset("attractions.name", str)
EVENTS_BY_START = Keyset("events.start", datetime)
ITINERARIES_BY_NAME = Keyset("itineraries.name", str)
SEARCH_BY_RELEVANCE = Keyset("tourism.match", float, lambda distance: 0 <= distance <= 1)

ATTRACTION_ORDERS: dict[AttractionOrder, Keyset[Any]] = {
    AttractionOrder.DISTANCE: ATTRACTIONS_BY_DISTANCE,
    AttractionOrder.RELEVANCE: ATTRACTIONS_BY_RELEVANCE,
    AttractionOrder.NAME: ATTRACTIONS_BY_NAME,
}


def _site(global_id: relay.GlobalID, field: str) -> uuid.UUID:
    return decode_id(global_id, "Attraction", field=field)


def _attraction_gid(row_id: uuid.UUID) -> relay.GlobalID:
    return relay.GlobalID("Attraction", str(row_id))


@strawberry.type
class TourismQuery:
    @strawberry.field(
        description="Attractions: nearest first within `radiusMeters` (default and maximum "
        "50 km) of `near`; else best match first for `search`; else by name. `openNow: true` "
        "keeps those open at this moment."
    )
    async def attractions(
        self,
        info: Info,
        near: GeoPointInput | None = None,
        radius_meters: float | None = None,
        category: AttractionCategory | None = None,
        open_now: bool | None = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> AttractionConnection:
        origin = None
        if near is not None:
            origin = places.checked_point(near.latitude, near.longitude, field="near")
        wanted = attractions.checked_search(search, field="search")
        order = attractions.order_of(near=origin, search=wanted)
        page = ATTRACTION_ORDERS[order].page(first, after)
        async with info.context.read() as session:
            hits = await attractions.list_attractions(
                session,
                near=origin,
                radius_m=radius_meters,
                category=category,
                search=wanted,
                open_at=info.context.now() if open_now else None,
                after=page.after,
                limit=page.limit,
            )
        by_distance = order is AttractionOrder.DISTANCE
        edges, page_info = page.edges_of(
            hits,
            edge=lambda hit, cursor: AttractionEdge(
                node=AttractionNode.from_row(hit.row),
                cursor=cursor,
                distance_meters=round(hit.key, 1) if by_distance else None,
            ),
            key=lambda hit: (hit.key, hit.row.id),
        )
        return AttractionConnection(edges=edges, page_info=page_info)

    @strawberry.field(description="One attraction.")
    async def attraction(self, info: Info, id: relay.GlobalID) -> AttractionNode | None:
        row = await TourismLoaders.of(info).attraction_by_id.load(decode_id(id, "Attraction"))
        return None if row is None else AttractionNode.from_row(row)

    @strawberry.field(
        description="Attractions and events matching what a visitor typed, accents and small "
        "typos forgiven, best match first: the best 60 attractions and the best 60 events."
    )
    async def tourism_search(
        self, info: Info, text: str, first: int | None = None, after: str | None = None
    ) -> TourismSearchConnection:
        page = SEARCH_BY_RELEVANCE.page(first, after)
        async with info.context.read() as session:
            hits = await search.search(session, text=text, after=page.after, limit=page.limit)
        shown = hits[: page.size]
        loaders = TourismLoaders.of(info)
        found_attractions = await loaders.attraction_by_id.load_many(
            [row_id for kind, row_id, _ in shown if kind == "attraction"]
        )
        found_events = await loaders.event_by_id.load_many(
            [row_id for kind, row_id, _ in shown if kind == "event"]
        )
        nodes: dict[uuid.UUID, AttractionNode | EventNode] = {}
        for row in found_attractions:
            if row is not None:
                nodes[row.id] = AttractionNode.from_row(row)
        for event in found_events:
            if event is not None:
                nodes[event.id] = EventNode.from_row(event)
        edges = [
            TourismSearchEdge(
                cursor=SEARCH_BY_RELEVANCE.encode(distance, row_id),
                node=nodes[row_id],
                score=round(1 - distance, 3),
            )
            for _kind, row_id, distance in shown
            if row_id in nodes
        ]
        return TourismSearchConnection(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=len(hits) > page.size,
                has_previous_page=page.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @strawberry.field(
        description="Events overlapping [`from`, `to`) (at most 400 days), earliest first; "
        "`superEvent` lists the parts of one event (the festival's seasons, a season's shows)."
    )
    async def events(
        self,
        info: Info,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        near: GeoPointInput | None = None,
        radius_meters: float | None = None,
        category: EventCategory | None = None,
        super_event: relay.GlobalID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[EventNode]:
        origin = None
        if near is not None:
            origin = places.checked_point(near.latitude, near.longitude, field="near")
        parent = (
            None if super_event is None else decode_id(super_event, "Event", field="superEvent")
        )
        page = EVENTS_BY_START.page(first, after)
        async with info.context.read() as session:
            rows = await events.list_events(
                session,
                start=from_,
                end=to,
                near=origin,
                radius_m=radius_meters,
                category=category,
                super_event_id=parent,
                after=page.after,
                limit=page.limit,
            )
        return page.connection(
            rows, node=EventNode.from_row, key=lambda row: (row.starts_at, row.id)
        )

    @strawberry.field(description="One event.")
    async def event(self, info: Info, id: relay.GlobalID) -> EventNode | None:
        row = await TourismLoaders.of(info).event_by_id.load(decode_id(id, "Event"))
        return None if row is None else EventNode.from_row(row)

    @strawberry.field(description="Curated itineraries, by name.")
    async def itineraries(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[ItineraryNode]:
        page = ITINERARIES_BY_NAME.page(first, after)
        async with info.context.read() as session:
            rows = await itineraries.list_itineraries(session, after=page.after, limit=page.limit)
        return page.connection(
            rows, node=ItineraryNode.from_row, key=lambda row: (row.name.vi, row.id)
        )

    @strawberry.field(description="One itinerary.")
    async def itinerary(self, info: Info, id: relay.GlobalID) -> ItineraryNode | None:
        row = await TourismLoaders.of(info).itinerary_by_id.load(decode_id(id, "Itinerary"))
        return None if row is None else ItineraryNode.from_row(row)

    @strawberry.field(description="What one visitor pays to enter one site on one day.")
    async def ticket_price(
        self,
        info: Info,
        site: relay.GlobalID,
        visitor_type: VisitorType,
        date: date,
        vietnamese_citizen: bool = False,
    ) -> TicketQuote:
        visitor = Visitor(visitor_type, vietnamese_citizen)
        async with info.context.read() as session:
            found = await tickets.cheapest_combination(
                session, [_site(site, "site")], visitor, date
            )
        if found.free_sites:
            return TicketQuote(amount=0, offer=None)
        if found.unpriced_sites:
            return TicketQuote(amount=None, offer=None)
        ticket = found.tickets[0]
        return TicketQuote(amount=ticket.amount, offer=TicketOffer.from_row(ticket.offer))

    @strawberry.field(
        description="The cheapest set of tickets (single tickets and combos) for some sites "
        "(at most 12) on one day."
    )
    async def ticket_combination(
        self,
        info: Info,
        sites: list[relay.GlobalID],
        visitor_type: VisitorType,
        date: date,
        vietnamese_citizen: bool = False,
    ) -> TicketCombination:
        if not 1 <= len(sites) <= tickets.MAX_SITES:
            raise BadUserInput("input.list_size", field="sites", max=tickets.MAX_SITES)
        ids = [_site(site, f"sites[{index}]") for index, site in enumerate(sites)]
        async with info.context.read() as session:
            found = await tickets.cheapest_combination(
                session, ids, Visitor(visitor_type, vietnamese_citizen), date
            )
        return TicketCombination(
            total=found.total,
            tickets=[
                TicketLine(
                    offer=TicketOffer.from_row(ticket.offer),
                    amount=ticket.amount,
                    site_ids=[_attraction_gid(site) for site in sorted(ticket.sites)],
                )
                for ticket in found.tickets
            ],
            free_site_ids=[_attraction_gid(site) for site in found.free_sites],
            unpriced_site_ids=[_attraction_gid(site) for site in found.unpriced_sites],
        )
