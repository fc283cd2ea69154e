"""Mutations of the tourism department's staff: content in every language, published or not.
Not part of the citizen app's contract: the department's tools send them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.places.types import GeoPointInput
from backend.graphql_api.tourism.types import AttractionNode, EventNode, ItineraryNode
from backend.i18n import Locale
from backend.tourism import editing
from backend.tourism.drafts import AttractionDraft, EventDraft, ItineraryDraft, StopDraft
from backend.tourism.models import (
    Attraction,
    AttractionCategory,
    Event,
    EventCategory,
    EventStatus,
    Itinerary,
    TravelMode,
)
from backend.tourism.repository import editing as rows


@strawberry.input(description="A text in each language: Vietnamese and English are required.")
class TranslatedTextInput:
    vi: str
    en: str
    fr: str | None = None
    ko: str | None = None
    zh: str | None = None
    ja: str | None = None

    def texts(self) -> dict[str, str]:
        values = {locale.value: getattr(self, locale.value) for locale in Locale}
        return {code: value for code, value in values.items() if value is not None}


@strawberry.input
class PhotoInput:
    url: str = strawberry.field(description="https only.")
    credit: str


@strawberry.input
class AudioGuideInput:
    language: Locale
    url: str = strawberry.field(description="https only.")


@strawberry.input(description="Staff: an attraction's whole content (an edit replaces it).")
class AttractionInput:
    slug: str = strawberry.field(description="Lower-case words joined by hyphens; unique.")
    category: AttractionCategory
    name: TranslatedTextInput
    description: TranslatedTextInput
    address: str
    location: GeoPointInput
    is_accessible_for_free: bool
    alternate_names: list[str] = strawberry.field(default_factory=list)
    opening_hours: str | None = strawberry.field(
        default=None, description="OpenStreetMap `opening_hours` syntax, Huế time."
    )
    available_languages: list[Locale] = strawberry.field(default_factory=list)
    accessibility: TranslatedTextInput | None = None
    photos: list[PhotoInput] = strawberry.field(default_factory=list)
    audio_guides: list[AudioGuideInput] = strawberry.field(default_factory=list)
    machine_translated: list[Locale] = strawberry.field(
        default_factory=list, description="Languages whose texts are machine quality."
    )
    contained_in_place: relay.GlobalID | None = None


@strawberry.input(description="Staff: an event's whole content (an edit replaces it).")
class EventInput:
    slug: str
    category: EventCategory
    status: EventStatus
    name: TranslatedTextInput
    description: TranslatedTextInput
    organizer: str
    start_date: datetime
    end_date: datetime
    is_accessible_for_free: bool
    venue: relay.GlobalID | None = strawberry.field(
        default=None, description="An attraction; the event's position is the venue's."
    )
    super_event: relay.GlobalID | None = None
    machine_translated: list[Locale] = strawberry.field(default_factory=list)


@strawberry.input
class ItineraryStopInput:
    attraction_id: relay.GlobalID
    suggested_minutes: int


@strawberry.input(description="Staff: an itinerary's whole content (an edit replaces it).")
class ItineraryInput:
    slug: str
    name: TranslatedTextInput
    description: TranslatedTextInput
    travel_mode: TravelMode
    stops: list[ItineraryStopInput]
    machine_translated: list[Locale] = strawberry.field(default_factory=list)


def attraction_draft(input: AttractionInput) -> AttractionDraft:
    parent = input.contained_in_place
    return AttractionDraft(
        slug=input.slug,
        category=input.category,
        name=input.name.texts(),
        description=input.description.texts(),
        address=input.address,
        latitude=input.location.latitude,
        longitude=input.location.longitude,
        is_accessible_for_free=input.is_accessible_for_free,
        alternate_names=list(input.alternate_names),
        opening_hours=input.opening_hours,
        available_languages=[locale.value for locale in input.available_languages],
        accessibility=None if input.accessibility is None else input.accessibility.texts(),
        photos=[(photo.url, photo.credit) for photo in input.photos],
        audio_guides={guide.language.value: guide.url for guide in input.audio_guides},
        machine_translated=[locale.value for locale in input.machine_translated],
        parent_id=None
        if parent is None
        else decode_id(parent, "Attraction", field="input.containedInPlace"),
    )


def _event_draft(input: EventInput) -> EventDraft:
    return EventDraft(
        slug=input.slug,
        category=input.category,
        status=input.status,
        name=input.name.texts(),
        description=input.description.texts(),
        organizer=input.organizer,
        starts_at=input.start_date,
        ends_at=input.end_date,
        is_accessible_for_free=input.is_accessible_for_free,
        venue_id=None
        if input.venue is None
        else decode_id(input.venue, "Attraction", field="input.venue"),
        super_event_id=None
        if input.super_event is None
        else decode_id(input.super_event, "Event", field="input.superEvent"),
        machine_translated=[locale.value for locale in input.machine_translated],
    )


def _itinerary_draft(input: ItineraryInput) -> ItineraryDraft:
    return ItineraryDraft(
        slug=input.slug,
        name=input.name.texts(),
        description=input.description.texts(),
        travel_mode=input.travel_mode,
        stops=[
            StopDraft(
                decode_id(
                    stop.attraction_id, "Attraction", field=f"input.stops[{index}].attractionId"
                ),
                stop.suggested_minutes,
            )
            for index, stop in enumerate(input.stops)
        ],
        machine_translated=[locale.value for locale in input.machine_translated],
    )


async def _save_attraction(
    info: Info, input: AttractionInput, id: relay.GlobalID | None
) -> AttractionNode:
    viewer = await info.context.require_viewer()
    draft = attraction_draft(input)
    async with info.context.unit_of_work() as uow:
        row = await editing.save_attraction(
            uow,
            staff_id=viewer.id,
            attraction_id=None if id is None else decode_id(id, "Attraction"),
            draft=draft,
            now=info.context.now(),
        )
        shown = await rows.attraction_row(uow.session, row.id)
    return AttractionNode.from_row(shown)


async def _save_event(info: Info, input: EventInput, id: relay.GlobalID | None) -> EventNode:
    viewer = await info.context.require_viewer()
    draft = _event_draft(input)
    async with info.context.unit_of_work() as uow:
        row = await editing.save_event(
            uow,
            staff_id=viewer.id,
            event_id=None if id is None else decode_id(id, "Event"),
            draft=draft,
            now=info.context.now(),
        )
        shown = await rows.event_row(uow.session, row.id)
    return EventNode.from_row(shown)


async def _save_itinerary(
    info: Info, input: ItineraryInput, id: relay.GlobalID | None
) -> ItineraryNode:
    viewer = await info.context.require_viewer()
    draft = _itinerary_draft(input)
    async with info.context.unit_of_work() as uow:
        row = await editing.save_itinerary(
            uow,
            staff_id=viewer.id,
            itinerary_id=None if id is None else decode_id(id, "Itinerary"),
            draft=draft,
            now=info.context.now(),
        )
        shown = await rows.itinerary_row(uow.session, row.id)
    return ItineraryNode.from_row(shown)


PublishedContent = Annotated[
    AttractionNode | EventNode | ItineraryNode,
    strawberry.union("TourismContent", description="An attraction, an event or an itinerary."),
]


@strawberry.type
class TourismStaffMutation:
    @strawberry.mutation(description="Tourism staff: a new attraction, unpublished.")
    async def create_attraction(self, info: Info, input: AttractionInput) -> AttractionNode | None:
        return await _save_attraction(info, input, None)

    @strawberry.mutation(description="Tourism staff: replace an attraction's content.")
    async def update_attraction(
        self, info: Info, id: relay.GlobalID, input: AttractionInput
    ) -> AttractionNode | None:
        return await _save_attraction(info, input, id)

    @strawberry.mutation(description="Tourism staff: a new event, unpublished.")
    async def create_event(self, info: Info, input: EventInput) -> EventNode | None:
        return await _save_event(info, input, None)

    @strawberry.mutation(
        description="Tourism staff: replace an event's content; new dates of a published event "
        "are pushed to the people who saved it."
    )
    async def update_event(
        self, info: Info, id: relay.GlobalID, input: EventInput
    ) -> EventNode | None:
        return await _save_event(info, input, id)

    @strawberry.mutation(description="Tourism staff: a new itinerary, unpublished.")
    async def create_itinerary(self, info: Info, input: ItineraryInput) -> ItineraryNode | None:
        return await _save_itinerary(info, input, None)

    @strawberry.mutation(description="Tourism staff: replace an itinerary and its stops.")
    async def update_itinerary(
        self, info: Info, id: relay.GlobalID, input: ItineraryInput
    ) -> ItineraryNode | None:
        return await _save_itinerary(info, input, id)

    @strawberry.mutation(
        description="Tourism staff: show an attraction, event or itinerary to everyone, or "
        "withdraw it (`published: false`)."
    )
    async def set_tourism_published(
        self, info: Info, id: relay.GlobalID, published: bool
    ) -> PublishedContent | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            if id.type_name == "Attraction":
                await editing.set_published(
                    uow,
                    staff_id=viewer.id,
                    kind=Attraction,
                    content_id=decode_id(id, "Attraction"),
                    published=published,
                )
                return AttractionNode.from_row(
                    await rows.attraction_row(uow.session, decode_id(id, "Attraction"))
                )
            if id.type_name == "Event":
                await editing.set_published(
                    uow,
                    staff_id=viewer.id,
                    kind=Event,
                    content_id=decode_id(id, "Event"),
                    published=published,
                )
                return EventNode.from_row(await rows.event_row(uow.session, decode_id(id, "Event")))
            content_id = decode_id(id, "Itinerary")
            await editing.set_published(
                uow, staff_id=viewer.id, kind=Itinerary, content_id=content_id, published=published
            )
            return ItineraryNode.from_row(await rows.itinerary_row(uow.session, content_id))
