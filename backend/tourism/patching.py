"""Partial edits by the tourism department's staff: only the fields given change, and a text
changes only in the languages given (a language given as null is removed). The stored content
and the patch make a whole draft, which goes through the same checks and the same save as a
full edit, so a patch can never store what a full edit would refuse."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TypeVar

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput
from backend.i18n import Translated
from backend.tourism import editing
from backend.tourism.drafts import AttractionDraft, EventDraft
from backend.tourism.models import (
    Attraction,
    AttractionCategory,
    Event,
    EventCategory,
    EventStatus,
)


class Keep(Enum):
    """A field the patch does not give: its stored value stays."""

    KEEP = "keep"


KEEP = Keep.KEEP
T = TypeVar("T")
# The languages a patch gives for one text: a text, or None to remove that language.
TextPatch = Mapping[str, str | None]


@dataclass(frozen=True, slots=True)
class AttractionPatch:
    """None on a field that must have a value is refused; on an optional one, clears it."""

    slug: str | Keep | None = KEEP
    category: AttractionCategory | Keep | None = KEEP
    name: TextPatch | Keep | None = KEEP
    description: TextPatch | Keep | None = KEEP
    address: str | Keep | None = KEEP
    location: tuple[float, float] | Keep | None = KEEP
    is_accessible_for_free: bool | Keep | None = KEEP
    alternate_names: Sequence[str] | Keep | None = KEEP
    opening_hours: str | Keep | None = KEEP
    available_languages: Sequence[str] | Keep | None = KEEP
    accessibility: TextPatch | Keep | None = KEEP
    photos: Sequence[tuple[str, str]] | Keep | None = KEEP
    audio_guides: Mapping[str, str] | Keep | None = KEEP
    machine_translated: Sequence[str] | Keep | None = KEEP
    parent_id: uuid.UUID | Keep | None = KEEP


@dataclass(frozen=True, slots=True)
class EventPatch:
    slug: str | Keep | None = KEEP
    category: EventCategory | Keep | None = KEEP
    status: EventStatus | Keep | None = KEEP
    name: TextPatch | Keep | None = KEEP
    description: TextPatch | Keep | None = KEEP
    organizer: str | Keep | None = KEEP
    starts_at: datetime | Keep | None = KEEP
    ends_at: datetime | Keep | None = KEEP
    is_accessible_for_free: bool | Keep | None = KEEP
    venue_id: uuid.UUID | Keep | None = KEEP
    super_event_id: uuid.UUID | Keep | None = KEEP
    machine_translated: Sequence[str] | Keep | None = KEEP


def _required(value: T | Keep | None, stored: T, *, field: str) -> T:
    """The patched value of a field that cannot be empty."""
    if value is KEEP:
        return stored
    if value is None:
        raise BadUserInput("input.required", field=field)
    return value


def _optional(value: T | Keep | None, stored: T | None) -> T | None:
    return stored if value is KEEP else value


def _listed(value: Sequence[T] | Keep | None, stored: Sequence[T]) -> Sequence[T]:
    """A list given replaces the stored one; null empties it."""
    if value is KEEP:
        return stored
    return () if value is None else value


def _texts(patch: TextPatch | Keep | None, stored: Translated | None) -> dict[str, str] | None:
    """The languages of a text after the patch: given ones set (or removed when null), the
    others as stored; None for no text. The checks then refuse a text left without Vietnamese
    or English."""
    if patch is None or (patch is KEEP and stored is None):
        return None
    texts: dict[str, str | None] = {} if stored is None else dict(stored.texts)
    if not isinstance(patch, Keep):
        texts.update(patch)
    return {code: text for code, text in texts.items() if text is not None}


def _text_required(
    patch: TextPatch | Keep | None, stored: Translated, *, field: str
) -> dict[str, str]:
    texts = _texts(patch, stored)
    if texts is None:
        raise BadUserInput("input.required", field=field)
    return texts


async def patch_attraction(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    attraction_id: uuid.UUID,
    patch: AttractionPatch,
    now: datetime,
) -> Attraction:
    """Change the given fields of an attraction, published or not."""
    await editing.require_staff(uow.session, staff_id)
    row = await editing.existing(uow.session, Attraction, attraction_id, "id")
    at = "input"
    latitude, longitude = _required(
        patch.location, (row.location.y, row.location.x), field=f"{at}.location"
    )
    accessibility = _texts(patch.accessibility, row.accessibility)
    draft = AttractionDraft(
        slug=_required(patch.slug, row.slug, field=f"{at}.slug"),
        category=_required(patch.category, row.category, field=f"{at}.category"),
        name=_text_required(patch.name, row.name, field=f"{at}.name"),
        description=_text_required(patch.description, row.description, field=f"{at}.description"),
        address=_required(patch.address, row.address, field=f"{at}.address"),
        latitude=latitude,
        longitude=longitude,
        is_accessible_for_free=_required(
            patch.is_accessible_for_free,
            row.is_accessible_for_free,
            field=f"{at}.isAccessibleForFree",
        ),
        alternate_names=_listed(patch.alternate_names, row.alternate_names),
        opening_hours=_optional(patch.opening_hours, row.opening_hours),
        available_languages=_listed(patch.available_languages, row.available_languages),
        accessibility=accessibility,
        photos=_listed(patch.photos, [(photo["url"], photo["credit"]) for photo in row.photos]),
        audio_guides=_optional(patch.audio_guides, row.audio_guides) or {},
        machine_translated=_listed(patch.machine_translated, row.machine_translated),
        parent_id=_optional(patch.parent_id, row.parent_id),
    )
    return await editing.save_attraction(
        uow, staff_id=staff_id, attraction_id=attraction_id, draft=draft, now=now
    )


async def patch_event(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    event_id: uuid.UUID,
    patch: EventPatch,
    now: datetime,
) -> Event:
    """Change the given fields of an event, published or not; new dates of a published event
    are pushed to the people who saved it, as with a full edit."""
    await editing.require_staff(uow.session, staff_id)
    row = await editing.existing(uow.session, Event, event_id, "id")
    at = "input"
    draft = EventDraft(
        slug=_required(patch.slug, row.slug, field=f"{at}.slug"),
        category=_required(patch.category, row.category, field=f"{at}.category"),
        status=_required(patch.status, row.status, field=f"{at}.status"),
        name=_text_required(patch.name, row.name, field=f"{at}.name"),
        description=_text_required(patch.description, row.description, field=f"{at}.description"),
        organizer=_required(patch.organizer, row.organizer, field=f"{at}.organizer"),
        starts_at=_required(patch.starts_at, row.starts_at, field=f"{at}.startDate"),
        ends_at=_required(patch.ends_at, row.ends_at, field=f"{at}.endDate"),
        is_accessible_for_free=_required(
            patch.is_accessible_for_free,
            row.is_accessible_for_free,
            field=f"{at}.isAccessibleForFree",
        ),
        venue_id=_optional(patch.venue_id, row.venue_id),
        super_event_id=_optional(patch.super_event_id, row.super_event_id),
        machine_translated=_listed(patch.machine_translated, row.machine_translated),
    )
    return await editing.save_event(uow, staff_id=staff_id, event_id=event_id, draft=draft, now=now)
