"""GraphQL types of the tourism domain, written by hand over typed rows. Fields that need no
argument are plain values; every text says which language it is in."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Self

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import RowNode, node_from, nodes_from
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.places.types import GeoPoint
from backend.graphql_api.tourism.loaders import TourismLoaders
from backend.i18n import Locale, Translated, fallback_chain
from backend.tourism import hours, itineraries
from backend.tourism.models import AttractionCategory, EventCategory, EventStatus, TravelMode
from backend.tourism.repository.events import PartsPage
from backend.tourism.repository.rows import AttractionRow, EventRow, ItineraryRow, OfferRow
from backend.tourism.tickets import VisitorType

# An event's parts, earliest first; a cursor of `events` is refused here.
PARTS_BY_START = Keyset("events.parts", datetime)

strawberry.enum(AttractionCategory, name="AttractionCategory")
strawberry.enum(EventCategory, name="EventCategory")
strawberry.enum(EventStatus, name="EventStatus", description="schema.org EventStatusType.")
strawberry.enum(TravelMode, name="TravelMode")
strawberry.enum(VisitorType, name="VisitorType", description="CHILD: 7 to 12 years old.")


@strawberry.type(description="A text in the best language available for the request.")
class LocalizedText:
    text: str
    language: Locale = strawberry.field(description="The language `text` is actually in.")
    machine_translated: bool = strawberry.field(
        description="Whether this language version is machine quality."
    )


def localized(value: Translated, info: Info, machine: Sequence[str]) -> LocalizedText:
    """The text in the request's language, else English, else Vietnamese, saying which."""
    for language in fallback_chain(info.context.locale):
        text = value.texts.get(language.value)
        if text:
            return LocalizedText(
                text=text, language=language, machine_translated=language.value in machine
            )
    return LocalizedText(text=value.vi, language=Locale.VI, machine_translated=False)


@strawberry.type(description="A photo, with whom to credit.")
class Photo:
    url: str
    credit: str


@strawberry.type(description="An audio guide in one language.")
class AudioGuide:
    language: Locale
    url: str


def _locales(codes: Sequence[str]) -> list[Locale]:
    return [Locale(code) for code in codes if code in Locale._value2member_map_]


@strawberry.type(name="Attraction", description="schema.org TouristAttraction.")
class AttractionNode(RowNode):
    row: strawberry.Private[AttractionRow]
    slug: str
    category: AttractionCategory
    alternate_names: list[str]
    address: str
    location: GeoPoint
    opening_hours: str | None = strawberry.field(
        description="OpenStreetMap `opening_hours` syntax, Asia/Ho_Chi_Minh time."
    )
    is_accessible_for_free: bool
    available_languages: list[Locale]
    photos: list[Photo]
    audio_guides: list[AudioGuide]

    @classmethod
    def from_row(cls, row: AttractionRow) -> Self:
        return cls(
            row=row,
            slug=row.slug,
            category=row.category,
            alternate_names=list(row.alternate_names),
            address=row.address,
            location=GeoPoint(latitude=row.latitude, longitude=row.longitude),
            opening_hours=row.opening_hours,
            is_accessible_for_free=row.is_accessible_for_free,
            available_languages=_locales(row.available_languages),
            photos=[Photo(url=p["url"], credit=p["credit"]) for p in row.photos],
            audio_guides=[
                AudioGuide(language=Locale(code), url=url)
                for code, url in sorted(row.audio_guides.items())
                if code in Locale._value2member_map_
            ],
        )

    @strawberry.field
    def name(self, info: Info) -> LocalizedText:
        return localized(self.row.name, info, self.row.machine_translated)

    @strawberry.field
    def description(self, info: Info) -> LocalizedText:
        return localized(self.row.description, info, self.row.machine_translated)

    @strawberry.field(description="Access for wheelchairs, steps, toilets.")
    def accessibility(self, info: Info) -> LocalizedText | None:
        value = self.row.accessibility
        return None if value is None else localized(value, info, self.row.machine_translated)

    @strawberry.field(description="Whether it is open now; null when its hours are unknown.")
    def open_now(self, info: Info) -> bool | None:
        expression = self.row.opening_hours
        return None if expression is None else hours.is_open(expression, info.context.now())

    @strawberry.field(description="When it next opens (after the current opening if open).")
    def next_opening(self, info: Info) -> datetime | None:
        expression = self.row.opening_hours
        return None if expression is None else hours.next_opening(expression, info.context.now())

    @strawberry.field(description="The site it is part of (a gate: the Imperial City).")
    async def contained_in_place(self, info: Info) -> AttractionNode | None:
        loader = TourismLoaders.of(info).attraction_by_id
        return await node_from(loader, self.row.parent_id, AttractionNode.from_row)

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(TourismLoaders.of(info).attraction_by_id, ids, cls.from_row)


@strawberry.type(description="An attraction in a list; the distance belongs to the search.")
class AttractionEdge(relay.Edge[AttractionNode]):
    distance_meters: float | None = strawberry.field(
        default=None, description="Metres from `near`, when the list was searched by distance."
    )


@strawberry.type
class AttractionConnection(relay.Connection[AttractionNode]):
    edges: list[AttractionEdge]  # type: ignore[assignment]  # a Connection of richer edges


@strawberry.type(name="Event", description="schema.org Event.")
class EventNode(RowNode):
    row: strawberry.Private[EventRow]
    slug: str
    category: EventCategory
    status: EventStatus
    organizer: str
    start_date: datetime
    end_date: datetime
    location: GeoPoint | None
    is_accessible_for_free: bool

    @classmethod
    def from_row(cls, row: EventRow) -> Self:
        location = None
        if row.latitude is not None and row.longitude is not None:
            location = GeoPoint(latitude=row.latitude, longitude=row.longitude)
        return cls(
            row=row,
            slug=row.slug,
            category=row.category,
            status=row.status,
            organizer=row.organizer,
            start_date=row.starts_at,
            end_date=row.ends_at,
            location=location,
            is_accessible_for_free=row.is_accessible_for_free,
        )

    @strawberry.field
    def name(self, info: Info) -> LocalizedText:
        return localized(self.row.name, info, self.row.machine_translated)

    @strawberry.field
    def description(self, info: Info) -> LocalizedText:
        return localized(self.row.description, info, self.row.machine_translated)

    @strawberry.field(description="Where it takes place.")
    async def venue(self, info: Info) -> AttractionNode | None:
        loader = TourismLoaders.of(info).attraction_by_id
        return await node_from(loader, self.row.venue_id, AttractionNode.from_row)

    @strawberry.field(
        description="The event this is part of (schema.org superEvent): a season's festival, "
        "a performance's season."
    )
    async def super_event(self, info: Info) -> EventNode | None:
        loader = TourismLoaders.of(info).event_by_id
        return await node_from(loader, self.row.super_event_id, EventNode.from_row)

    @strawberry.field(
        description="Its parts (schema.org subEvent), earliest first: the festival's seasons, "
        "a season's programme."
    )
    async def sub_events(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[EventNode]:
        page = PARTS_BY_START.page(first, after)
        wanted = PartsPage(self.row.id, page.after, page.limit)
        rows = await TourismLoaders.of(info).parts_page.load(wanted)
        return page.connection(
            rows, node=EventNode.from_row, key=lambda row: (row.starts_at, row.id)
        )

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(TourismLoaders.of(info).event_by_id, ids, cls.from_row)


@strawberry.type(description="A stop of an itinerary, planned from the given start.")
class ItineraryStop:
    position: int
    suggested_minutes: int
    attraction: AttractionNode
    leg_meters: float | None = strawberry.field(
        description="Straight-line metres from the previous stop."
    )
    arrives_at: datetime | None
    open_on_arrival: bool | None = strawberry.field(
        description="Whether the attraction is open on arrival (null: no start or hours unknown)."
    )


@strawberry.type(name="Itinerary", description="A curated route through Huế.")
class ItineraryNode(RowNode):
    row: strawberry.Private[ItineraryRow]
    slug: str
    travel_mode: TravelMode

    @classmethod
    def from_row(cls, row: ItineraryRow) -> Self:
        return cls(row=row, slug=row.slug, travel_mode=row.travel_mode)

    @strawberry.field
    def name(self, info: Info) -> LocalizedText:
        return localized(self.row.name, info, self.row.machine_translated)

    @strawberry.field
    def description(self, info: Info) -> LocalizedText:
        return localized(self.row.description, info, self.row.machine_translated)

    @strawberry.field(
        description="The stops in order; with `start`, when each is reached and if it is open."
    )
    async def stops(self, info: Info, start: datetime | None = None) -> list[ItineraryStop]:
        loaders = TourismLoaders.of(info)
        stops = await loaders.stops_by_itinerary_id.load(self.row.id)
        found = await loaders.attraction_by_id.load_many([stop.attraction_id for stop in stops])
        attractions = {row.id: row for row in found if row is not None}
        return [
            ItineraryStop(
                position=planned.stop.position,
                suggested_minutes=planned.stop.suggested_minutes,
                attraction=AttractionNode.from_row(planned.attraction),
                leg_meters=None if planned.leg_meters is None else round(planned.leg_meters, 1),
                arrives_at=planned.arrives_at,
                open_on_arrival=planned.open_on_arrival,
            )
            for planned in itineraries.plan(stops, attractions, self.row.travel_mode, start)
        ]

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(TourismLoaders.of(info).itinerary_by_id, ids, cls.from_row)


@strawberry.type(description="A ticket (schema.org Offer), valid between two dates.")
class TicketOffer:
    row: strawberry.Private[OfferRow]
    slug: str
    adult_price: int | None = strawberry.field(description="VND; null if adults are not covered.")
    child_price: int | None = strawberry.field(description="VND, 7 to 12 years old.")
    citizens_only: bool = strawberry.field(description="Only for Vietnamese citizens.")
    on_dates: list[date] = strawberry.field(description="The only days it applies; empty: any.")
    valid_from: date
    valid_through: date | None
    valid_days: int = strawberry.field(description="Consecutive days one ticket admits.")
    unconfirmed: bool = strawberry.field(description="Amounts not confirmed by a price list.")

    @classmethod
    def from_row(cls, row: OfferRow) -> TicketOffer:
        return cls(
            row=row,
            slug=row.slug,
            adult_price=row.prices.get(VisitorType.ADULT.value),
            child_price=row.prices.get(VisitorType.CHILD.value),
            citizens_only=row.citizens_only,
            on_dates=[date.fromisoformat(day) for day in row.on_dates],
            valid_from=row.valid_from,
            valid_through=row.valid_through,
            valid_days=row.valid_days,
            unconfirmed=row.unconfirmed,
        )

    @strawberry.field
    def name(self, info: Info) -> LocalizedText:
        return localized(self.row.name, info, ())


@strawberry.type(description="One ticket of a combination and the sites it is bought for.")
class TicketLine:
    offer: TicketOffer
    amount: int
    site_ids: list[relay.GlobalID]


@strawberry.type(description="The cheapest set of tickets for some sites on one day.")
class TicketCombination:
    total: int = strawberry.field(description="VND, for the priced sites.")
    tickets: list[TicketLine]
    free_site_ids: list[relay.GlobalID] = strawberry.field(description="Sites free to enter.")
    unpriced_site_ids: list[relay.GlobalID] = strawberry.field(
        description="Sites no ticket covers that day: their price is unknown."
    )


@strawberry.type(description="What one visitor pays at one site on one day.")
class TicketQuote:
    amount: int | None = strawberry.field(description="VND; null when no ticket is known.")
    offer: TicketOffer | None = strawberry.field(description="The ticket to buy; null if free.")


TourismSearchResult = Annotated[AttractionNode | EventNode, strawberry.union("TourismSearchResult")]


@strawberry.type
class TourismSearchEdge:
    cursor: str
    node: TourismSearchResult
    score: float = strawberry.field(description="How well it matches, 0 to 1.")


@strawberry.type
class TourismSearchConnection:
    edges: list[TourismSearchEdge]
    page_info: relay.PageInfo
