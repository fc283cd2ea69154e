"""Partial edits of attractions and events by the tourism department's staff: a field left out
keeps its value, a field given as null is cleared (refused when it must have a value), and a
text changes only in the languages given."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.places.types import GeoPointInput
from backend.graphql_api.tourism.staff import AudioGuideInput, PhotoInput
from backend.graphql_api.tourism.types import AttractionNode, EventNode
from backend.i18n import Locale
from backend.tourism import patching
from backend.tourism.models import AttractionCategory, EventCategory, EventStatus
from backend.tourism.patching import KEEP, AttractionPatch, EventPatch, Keep, TextPatch
from backend.tourism.repository import editing as rows

A = TypeVar("A")
B = TypeVar("B")


@strawberry.input(
    description="Languages of a text to change: a language left out keeps its text, null "
    "removes it (Vietnamese and English cannot be removed)."
)
class TranslatedTextPatchInput:
    vi: str | None = strawberry.UNSET
    en: str | None = strawberry.UNSET
    fr: str | None = strawberry.UNSET
    ko: str | None = strawberry.UNSET
    zh: str | None = strawberry.UNSET
    ja: str | None = strawberry.UNSET

    def texts(self) -> TextPatch:
        given = {locale.value: getattr(self, locale.value) for locale in Locale}
        return {code: value for code, value in given.items() if value is not strawberry.UNSET}


def _given(value: A | None) -> A | Keep | None:
    """KEEP for a field left out, None for null, else the value."""
    return KEEP if value is strawberry.UNSET else value


def _converted(value: A | None, convert: Callable[[A], B]) -> B | Keep | None:
    if value is strawberry.UNSET:
        return KEEP
    return None if value is None else convert(value)


def _text(value: TranslatedTextPatchInput | None) -> TextPatch | Keep | None:
    return _converted(value, TranslatedTextPatchInput.texts)


def _codes(value: list[Locale] | None) -> list[str] | Keep | None:
    return _converted(value, lambda locales: [locale.value for locale in locales])


@strawberry.input(description="Staff: the attraction's fields to change; the others stay.")
class AttractionPatchInput:
    slug: str | None = strawberry.UNSET
    category: AttractionCategory | None = strawberry.UNSET
    name: TranslatedTextPatchInput | None = strawberry.UNSET
    description: TranslatedTextPatchInput | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    location: GeoPointInput | None = strawberry.UNSET
    is_accessible_for_free: bool | None = strawberry.UNSET
    alternate_names: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the list."
    )
    opening_hours: str | None = strawberry.field(
        default=strawberry.UNSET, description="OpenStreetMap `opening_hours` syntax, Huế time."
    )
    available_languages: list[Locale] | None = strawberry.UNSET
    accessibility: TranslatedTextPatchInput | None = strawberry.UNSET
    photos: list[PhotoInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the list."
    )
    audio_guides: list[AudioGuideInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the list."
    )
    machine_translated: list[Locale] | None = strawberry.UNSET
    contained_in_place: relay.GlobalID | None = strawberry.UNSET

    def patch(self) -> AttractionPatch:
        return AttractionPatch(
            slug=_given(self.slug),
            category=_given(self.category),
            name=_text(self.name),
            description=_text(self.description),
            address=_given(self.address),
            location=_converted(self.location, lambda point: (point.latitude, point.longitude)),
            is_accessible_for_free=_given(self.is_accessible_for_free),
            alternate_names=_given(self.alternate_names),
            opening_hours=_given(self.opening_hours),
            available_languages=_codes(self.available_languages),
            accessibility=_text(self.accessibility),
            photos=_converted(self.photos, lambda photos: [(p.url, p.credit) for p in photos]),
            audio_guides=_converted(
                self.audio_guides, lambda guides: {g.language.value: g.url for g in guides}
            ),
            machine_translated=_codes(self.machine_translated),
            parent_id=_converted(
                self.contained_in_place,
                lambda parent: decode_id(parent, "Attraction", field="input.containedInPlace"),
            ),
        )


@strawberry.input(description="Staff: the event's fields to change; the others stay.")
class EventPatchInput:
    slug: str | None = strawberry.UNSET
    category: EventCategory | None = strawberry.UNSET
    status: EventStatus | None = strawberry.UNSET
    name: TranslatedTextPatchInput | None = strawberry.UNSET
    description: TranslatedTextPatchInput | None = strawberry.UNSET
    organizer: str | None = strawberry.UNSET
    start_date: datetime | None = strawberry.UNSET
    end_date: datetime | None = strawberry.UNSET
    is_accessible_for_free: bool | None = strawberry.UNSET
    venue: relay.GlobalID | None = strawberry.field(
        default=strawberry.UNSET, description="An attraction; null: no venue."
    )
    super_event: relay.GlobalID | None = strawberry.UNSET
    machine_translated: list[Locale] | None = strawberry.UNSET

    def patch(self) -> EventPatch:
        return EventPatch(
            slug=_given(self.slug),
            category=_given(self.category),
            status=_given(self.status),
            name=_text(self.name),
            description=_text(self.description),
            organizer=_given(self.organizer),
            starts_at=_given(self.start_date),
            ends_at=_given(self.end_date),
            is_accessible_for_free=_given(self.is_accessible_for_free),
            venue_id=_converted(
                self.venue, lambda venue: decode_id(venue, "Attraction", field="input.venue")
            ),
            super_event_id=_converted(
                self.super_event,
                lambda parent: decode_id(parent, "Event", field="input.superEvent"),
            ),
            machine_translated=_codes(self.machine_translated),
        )


@strawberry.type
class TourismPatchMutation:
    @strawberry.mutation(
        description="Tourism staff: change some fields of an attraction, published or not."
    )
    async def patch_attraction(
        self, info: Info, id: relay.GlobalID, input: AttractionPatchInput
    ) -> AttractionNode | None:
        viewer = await info.context.require_viewer()
        attraction_id = decode_id(id, "Attraction")
        patch = input.patch()
        async with info.context.unit_of_work() as uow:
            await patching.patch_attraction(
                uow,
                staff_id=viewer.id,
                attraction_id=attraction_id,
                patch=patch,
                now=info.context.now(),
            )
            shown = await rows.attraction_row(uow.session, attraction_id)
        return AttractionNode.from_row(shown)

    @strawberry.mutation(
        description="Tourism staff: change some fields of an event, published or not; new dates "
        "of a published event are pushed to the people who saved it."
    )
    async def patch_event(
        self, info: Info, id: relay.GlobalID, input: EventPatchInput
    ) -> EventNode | None:
        viewer = await info.context.require_viewer()
        event_id = decode_id(id, "Event")
        patch = input.patch()
        async with info.context.unit_of_work() as uow:
            await patching.patch_event(
                uow, staff_id=viewer.id, event_id=event_id, patch=patch, now=info.context.now()
            )
            shown = await rows.event_row(uow.session, event_id)
        return EventNode.from_row(shown)
