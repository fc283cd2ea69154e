"""What staff and imports write: drafts of attractions, events and itineraries, checked field by
field before anything is stored. Each refusal is BAD_USER_INPUT naming the input's path
(`input.name.en`), so the app and the import report can point at the value."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from backend.errors import BadUserInput
from backend.free_text import check_printable
from backend.i18n import Locale, Translated
from backend.tourism import hours
from backend.tourism.models import AttractionCategory, EventCategory, EventStatus, TravelMode

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 64
MAX_NAME = 200
MAX_DESCRIPTION = 5_000
MAX_ADDRESS = 300
MAX_ORGANIZER = 200
MAX_URL = 500
MAX_LIST = 20
MAX_EVENT_LENGTH = timedelta(days=400)
MIN_STOP_MINUTES, MAX_STOP_MINUTES = 5, 600
# Languages every text must have: the default and the fallback.
REQUIRED_LANGUAGES = (Locale.VI, Locale.EN)


@dataclass(frozen=True, slots=True)
class AttractionDraft:
    slug: str
    category: AttractionCategory
    name: Mapping[str, str]
    description: Mapping[str, str]
    address: str
    latitude: float
    longitude: float
    is_accessible_for_free: bool
    alternate_names: Sequence[str] = ()
    opening_hours: str | None = None
    available_languages: Sequence[str] = ()
    accessibility: Mapping[str, str] | None = None
    photos: Sequence[tuple[str, str]] = ()
    audio_guides: Mapping[str, str] = field(default_factory=dict)
    machine_translated: Sequence[str] = ()
    parent_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class EventDraft:
    slug: str
    category: EventCategory
    status: EventStatus
    name: Mapping[str, str]
    description: Mapping[str, str]
    organizer: str
    starts_at: datetime
    ends_at: datetime
    is_accessible_for_free: bool
    venue_id: uuid.UUID | None = None
    super_event_id: uuid.UUID | None = None
    machine_translated: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class StopDraft:
    attraction_id: uuid.UUID
    suggested_minutes: int


@dataclass(frozen=True, slots=True)
class ItineraryDraft:
    slug: str
    name: Mapping[str, str]
    description: Mapping[str, str]
    travel_mode: TravelMode
    stops: Sequence[StopDraft]
    machine_translated: Sequence[str] = ()


def checked_slug(value: str, *, field: str) -> str:
    value = value.strip()
    if not (len(value) <= MAX_SLUG and SLUG.match(value)):
        raise BadUserInput("tourism.slug_invalid", field=field, max=MAX_SLUG)
    return value


def checked_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    value = check_printable(value, field=field).strip()
    if required and not value:
        raise BadUserInput("input.required", field=field)
    if len(value) > max_length:
        raise BadUserInput("input.too_long", field=field, max=max_length)
    return value


def checked_translated(
    texts: Mapping[str, str | None], *, field: str, max_length: int
) -> Translated:
    """A text in Vietnamese and English at least, and any other of the six languages."""
    kept: dict[str, str] = {}
    for locale in Locale:
        value = texts.get(locale.value)
        if value is None or (not value.strip() and locale not in REQUIRED_LANGUAGES):
            if locale in REQUIRED_LANGUAGES:
                raise BadUserInput("input.required", field=f"{field}.{locale.value}")
            continue
        kept[locale.value] = checked_text(
            value, field=f"{field}.{locale.value}", max_length=max_length
        )
    unknown = sorted(set(texts) - set(Locale._value2member_map_))
    if unknown:
        raise BadUserInput("tourism.language_unknown", field=f"{field}.{unknown[0]}")
    return Translated(kept)


def checked_languages(codes: Sequence[str], *, field: str) -> list[str]:
    if len(codes) > len(Locale):
        raise BadUserInput("input.list_size", field=field, max=len(Locale))
    for index, code in enumerate(codes):
        if code not in Locale._value2member_map_:
            raise BadUserInput("tourism.language_unknown", field=f"{field}[{index}]")
    return list(dict.fromkeys(codes))


def checked_url(value: str, *, field: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if len(value) > MAX_URL or parts.scheme != "https" or not parts.netloc:
        raise BadUserInput("tourism.url_invalid", field=field)
    return value


def checked_point(latitude: float, longitude: float, *, field: str) -> tuple[float, float]:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise BadUserInput("input.coordinates", field=field)
    return latitude, longitude


def checked_list(values: Sequence[object], *, field: str, max_size: int = MAX_LIST) -> None:
    if len(values) > max_size:
        raise BadUserInput("input.list_size", field=field, max=max_size)


@dataclass(frozen=True, slots=True)
class CheckedAttraction:
    """An attraction draft whose every value is clean, ready to store."""

    draft: AttractionDraft
    name: Translated
    description: Translated
    accessibility: Translated | None
    alternate_names: list[str]
    address: str
    opening_hours: str | None
    available_languages: list[str]
    machine_translated: list[str]
    photos: list[dict[str, str]]
    audio_guides: dict[str, str]


def check_attraction(draft: AttractionDraft, *, at: str) -> CheckedAttraction:
    """Every value of an attraction checked; `at` is the path of the draft in the input."""
    checked_slug(draft.slug, field=f"{at}.slug")
    checked_point(draft.latitude, draft.longitude, field=f"{at}.location")
    checked_list(draft.alternate_names, field=f"{at}.alternateNames")
    checked_list(draft.photos, field=f"{at}.photos")
    audio = checked_languages(list(draft.audio_guides), field=f"{at}.audioGuides")
    return CheckedAttraction(
        draft=draft,
        name=checked_translated(draft.name, field=f"{at}.name", max_length=MAX_NAME),
        description=checked_translated(
            draft.description, field=f"{at}.description", max_length=MAX_DESCRIPTION
        ),
        accessibility=None
        if draft.accessibility is None
        else checked_translated(
            draft.accessibility, field=f"{at}.accessibility", max_length=MAX_DESCRIPTION
        ),
        alternate_names=[
            checked_text(name, field=f"{at}.alternateNames[{index}]", max_length=MAX_NAME)
            for index, name in enumerate(draft.alternate_names)
        ],
        address=checked_text(draft.address, field=f"{at}.address", max_length=MAX_ADDRESS),
        opening_hours=None
        if draft.opening_hours is None or not draft.opening_hours.strip()
        else hours.checked(draft.opening_hours, field=f"{at}.openingHours"),
        available_languages=checked_languages(
            draft.available_languages, field=f"{at}.availableLanguages"
        ),
        machine_translated=checked_languages(
            draft.machine_translated, field=f"{at}.machineTranslated"
        ),
        photos=[
            {
                "url": checked_url(url, field=f"{at}.photos[{index}].url"),
                "credit": checked_text(
                    credit, field=f"{at}.photos[{index}].credit", max_length=MAX_NAME
                ),
            }
            for index, (url, credit) in enumerate(draft.photos)
        ],
        audio_guides={
            code: checked_url(draft.audio_guides[code], field=f"{at}.audioGuides.{code}")
            for code in audio
        },
    )


def check_event(draft: EventDraft, *, at: str) -> tuple[Translated, Translated, str, list[str]]:
    """(name, description, organizer, machine-translated languages) of a checked event."""
    checked_slug(draft.slug, field=f"{at}.slug")
    if draft.starts_at.tzinfo is None or draft.ends_at.tzinfo is None:
        raise BadUserInput("tourism.time_needs_offset", field=f"{at}.startDate")
    if not draft.starts_at < draft.ends_at <= draft.starts_at + MAX_EVENT_LENGTH:
        raise BadUserInput("tourism.event_dates", field=f"{at}.endDate", days=MAX_EVENT_LENGTH.days)
    return (
        checked_translated(draft.name, field=f"{at}.name", max_length=MAX_NAME),
        checked_translated(
            draft.description, field=f"{at}.description", max_length=MAX_DESCRIPTION
        ),
        checked_text(draft.organizer, field=f"{at}.organizer", max_length=MAX_ORGANIZER),
        checked_languages(draft.machine_translated, field=f"{at}.machineTranslated"),
    )


def check_itinerary(draft: ItineraryDraft, *, at: str) -> tuple[Translated, Translated, list[str]]:
    """(name, description, machine-translated languages) of a checked itinerary."""
    checked_slug(draft.slug, field=f"{at}.slug")
    if not 1 <= len(draft.stops) <= MAX_LIST:
        raise BadUserInput("input.list_size", field=f"{at}.stops", max=MAX_LIST)
    for index, stop in enumerate(draft.stops):
        if not MIN_STOP_MINUTES <= stop.suggested_minutes <= MAX_STOP_MINUTES:
            raise BadUserInput(
                "tourism.stop_minutes",
                field=f"{at}.stops[{index}].suggestedMinutes",
                min=MIN_STOP_MINUTES,
                max=MAX_STOP_MINUTES,
            )
    return (
        checked_translated(draft.name, field=f"{at}.name", max_length=MAX_NAME),
        checked_translated(
            draft.description, field=f"{at}.description", max_length=MAX_DESCRIPTION
        ),
        checked_languages(draft.machine_translated, field=f"{at}.machineTranslated"),
    )


def search_text(name: Translated, alternate_names: Sequence[str], address: str = "") -> str:
    """What search matches: every language's name, the other names and the address."""
    return " | ".join([*dict.fromkeys(name.texts.values()), *alternate_names, address])
