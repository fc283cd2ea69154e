"""What the tourism department's staff do: create and edit attractions, events and itineraries
in every language, and publish or withdraw them. New content starts unpublished; unpublished
content is never shown to the public. Moving a published event's dates tells the people who
saved it. Cached public answers are dropped when the unit of work commits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TypeVar, overload

from shapely.geometry import Point
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import Conflict, Forbidden, NotFound
from backend.identity import service as identity
from backend.identity.models import Role
from backend.tourism import notices
from backend.tourism.drafts import (
    AttractionDraft,
    CheckedAttraction,
    EventDraft,
    ItineraryDraft,
    check_attraction,
    check_event,
    check_itinerary,
    search_text,
)
from backend.tourism.models import Attraction, Event, Itinerary, ItineraryStop
from backend.tourism.repository import editing as repository
from backend.tourism.repository import favourites as favourite_rows
from notifications.service import notify

Content = TypeVar("Content", Attraction, Event, Itinerary)


async def require_staff(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Tourism staff hold a role scoped to the whole domain."""
    assignments = (await identity.roles_of(session, [user_id]))[user_id]
    if not any(assignment.role is Role.TOURISM_STAFF for assignment in assignments):
        raise Forbidden("forbidden")


# --- attractions ---------------------------------------------------------------------------------


async def save_attraction(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    attraction_id: uuid.UUID | None,
    draft: AttractionDraft,
    now: datetime,
    at: str = "input",
) -> Attraction:
    """Create (`attraction_id` None: unpublished) or replace an attraction's content."""
    session = uow.session
    await require_staff(session, staff_id)
    checked = check_attraction(draft, at=at)
    row = await existing(session, Attraction, attraction_id, "id")
    await _require_free_slug(session, Attraction, draft.slug, row, at)
    if draft.parent_id is not None:
        await _require_no_cycle(
            session, Attraction, attraction_id, draft.parent_id, f"{at}.containedInPlace"
        )
    if row is None:
        row = Attraction(id=uuid.uuid4(), published=False, place_id=None, created_at=now)
        session.add(row)
    apply_attraction(row, checked)
    await session.flush()
    return row


def apply_attraction(row: Attraction, checked: CheckedAttraction) -> None:
    """Copy a checked draft onto an entity (new or existing)."""
    draft = checked.draft
    row.slug = draft.slug
    row.category = draft.category
    row.name = checked.name
    row.alternate_names = checked.alternate_names
    row.description = checked.description
    row.address = checked.address
    row.location = Point(draft.longitude, draft.latitude)
    row.opening_hours = checked.opening_hours
    row.is_accessible_for_free = draft.is_accessible_for_free
    row.available_languages = checked.available_languages
    row.accessibility = checked.accessibility
    row.photos = checked.photos
    row.audio_guides = checked.audio_guides
    row.machine_translated = checked.machine_translated
    row.parent_id = draft.parent_id
    row.search_text = search_text(checked.name, checked.alternate_names, checked.address)


# --- events --------------------------------------------------------------------------------------


async def save_event(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    event_id: uuid.UUID | None,
    draft: EventDraft,
    now: datetime,
) -> Event:
    """Create (unpublished) or replace an event; new dates of a published event are pushed to
    the people who saved it."""
    session = uow.session
    await require_staff(session, staff_id)
    name, description, organizer, machine = check_event(draft, at="input")
    row = await existing(session, Event, event_id, "id")
    await _require_free_slug(session, Event, draft.slug, row, "input")
    venue = None
    if draft.venue_id is not None:
        venue = await existing(session, Attraction, draft.venue_id, "input.venue")
    if draft.super_event_id is not None:
        await _require_no_cycle(session, Event, event_id, draft.super_event_id, "input.superEvent")
    moved = (
        row is not None
        and row.published
        and (row.starts_at != draft.starts_at or row.ends_at != draft.ends_at)
    )
    if row is None:
        row = Event(id=uuid.uuid4(), published=False, created_at=now)
        session.add(row)
    row.slug = draft.slug
    row.category = draft.category
    row.status = draft.status
    row.name = name
    row.description = description
    row.organizer = organizer
    row.starts_at = draft.starts_at
    row.ends_at = draft.ends_at
    row.venue_id = draft.venue_id
    row.location = None if venue is None else venue.location
    row.super_event_id = draft.super_event_id
    row.is_accessible_for_free = draft.is_accessible_for_free
    row.machine_translated = machine
    row.search_text = search_text(name, ())
    await session.flush()
    if moved:
        await _tell_savers(uow, row, now)
    return row


async def _tell_savers(uow: UnitOfWork, event: Event, now: datetime) -> None:
    savers = await favourite_rows.savers_of(uow.session, event.id)
    if not savers:
        return
    shown = await repository.event_row(uow.session, event.id)
    await notify(uow, user_ids=savers, message=notices.event_moved(shown), now=now)


# --- itineraries ---------------------------------------------------------------------------------


async def save_itinerary(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    itinerary_id: uuid.UUID | None,
    draft: ItineraryDraft,
    now: datetime,
) -> Itinerary:
    """Create (unpublished) or replace an itinerary and its stops."""
    session = uow.session
    await require_staff(session, staff_id)
    name, description, machine = check_itinerary(draft, at="input")
    row = await existing(session, Itinerary, itinerary_id, "id")
    await _require_free_slug(session, Itinerary, draft.slug, row, "input")
    for index, stop in enumerate(draft.stops):
        await existing(
            session, Attraction, stop.attraction_id, f"input.stops[{index}].attractionId"
        )
    if row is None:
        row = Itinerary(id=uuid.uuid4(), published=False, created_at=now)
        session.add(row)
    else:
        await repository.delete_stops(session, row.id)
    row.slug = draft.slug
    row.name = name
    row.description = description
    row.travel_mode = draft.travel_mode
    row.machine_translated = machine
    await session.flush()
    session.add_all(
        ItineraryStop(
            itinerary_id=row.id,
            position=position,
            attraction_id=stop.attraction_id,
            suggested_minutes=stop.suggested_minutes,
        )
        for position, stop in enumerate(draft.stops, start=1)
    )
    await session.flush()
    return row


# --- publishing ----------------------------------------------------------------------------------


async def set_published(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    kind: type[Content],
    content_id: uuid.UUID,
    published: bool,
) -> Content:
    """Show (or withdraw) one attraction, event or itinerary; doing it twice changes nothing."""
    await require_staff(uow.session, staff_id)
    row = await existing(uow.session, kind, content_id, "id")
    assert row is not None
    row.published = published
    await uow.session.flush()
    return row


# --- shared checks -------------------------------------------------------------------------------


@overload
async def existing(
    session: AsyncSession, kind: type[Content], row_id: uuid.UUID, field: str
) -> Content: ...


@overload
async def existing(
    session: AsyncSession, kind: type[Content], row_id: uuid.UUID | None, field: str
) -> Content | None: ...


async def existing(
    session: AsyncSession, kind: type[Content], row_id: uuid.UUID | None, field: str
) -> Content | None:
    """The row by id (published or not) for an edit; None when creating."""
    if row_id is None:
        return None
    found = await session.get(kind, row_id)
    if found is None:
        raise NotFound("not_found", field=field, what=_what(kind))
    return found


async def _require_no_cycle(
    session: AsyncSession,
    kind: type[Attraction] | type[Event],
    row_id: uuid.UUID | None,
    parent_id: uuid.UUID,
    field: str,
) -> None:
    """A site (an event) cannot be inside itself, however far up: walk the parents' chain."""
    seen: set[uuid.UUID] = set()
    current: uuid.UUID | None = parent_id
    while current is not None and current not in seen:
        if current == row_id:
            raise Conflict("tourism.parent_cycle", field=field)
        seen.add(current)
        parent = await existing(session, kind, current, field)
        current = parent.parent_id if isinstance(parent, Attraction) else parent.super_event_id


def _what(kind: type[object]) -> str:
    names: dict[type[object], str] = {
        Attraction: "attraction",
        Event: "event",
        Itinerary: "itinerary",
    }
    return names[kind]


async def _require_free_slug(
    session: AsyncSession, kind: type[Content], slug: str, row: Content | None, at: str
) -> None:
    owner = (await session.execute(select(kind.id).where(kind.slug == slug))).scalar_one_or_none()
    if owner is not None and (row is None or owner != row.id):
        raise Conflict("tourism.slug_taken", field=f"{at}.slug")
