"""The tourism demo: Huế's monuments, tickets, the 2026 festival and three itineraries.
Idempotent like every seed: rows are keyed by stable ids and added only when missing."""

from __future__ import annotations

from datetime import UTC, datetime

from shapely.geometry import Point
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.i18n import Translated
from backend.places.models import Place
from backend.seed.demo import stable_id
from backend.seed.tourism_data import (
    ATTRACTIONS,
    EVENTS,
    ITINERARIES,
    MACHINE,
    OFFERS,
    AttractionSeed,
    EventSeed,
)
from backend.tourism import hours
from backend.tourism.drafts import search_text
from backend.tourism.models import (
    Attraction,
    Event,
    EventStatus,
    Itinerary,
    ItineraryStop,
    Offer,
    OfferAttraction,
)

AUDIO_BASE = "https://hueworldheritage.org.vn/audio"
PHOTO_CREDIT = "Trung tâm Bảo tồn Di tích Cố đô Huế"


def _local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=hours.ZONE).astimezone(UTC)


async def seed_tourism(session: AsyncSession) -> dict[str, int]:
    known = set(await session.scalars(select(Attraction.slug)))
    places = set(await session.scalars(select(Place.slug)))
    added = {"attractions": 0, "ticket offers": 0, "events": 0, "itineraries": 0}
    for seed in ATTRACTIONS:
        if seed.slug not in known:
            session.add(_attraction(seed, places))
            added["attractions"] += 1
    await session.flush()
    offers = set(await session.scalars(select(Offer.slug)))
    for offer in OFFERS:
        if offer.slug in offers:
            continue
        offer_id = stable_id("tourism-offer", offer.slug)
        session.add(
            Offer(
                id=offer_id,
                slug=offer.slug,
                name=Translated(offer.name),
                prices=dict(offer.prices),
                citizens_only=offer.citizens_only,
                on_dates=list(offer.on_dates),
                valid_from=offer.valid_from,
                valid_through=offer.valid_through,
                valid_days=offer.valid_days,
                unconfirmed=offer.unconfirmed,
            )
        )
        await session.flush()
        session.add_all(
            OfferAttraction(offer_id=offer_id, attraction_id=stable_id("attraction", site))
            for site in offer.sites
        )
        added["ticket offers"] += 1
    events = set(await session.scalars(select(Event.slug)))
    for event in EVENTS:  # parents come before their parts
        if event.slug not in events:
            session.add(_event(event))
            await session.flush()
            added["events"] += 1
    itineraries = set(await session.scalars(select(Itinerary.slug)))
    for itinerary in ITINERARIES:
        if itinerary.slug in itineraries:
            continue
        itinerary_id = stable_id("itinerary", itinerary.slug)
        session.add(
            Itinerary(
                id=itinerary_id,
                slug=itinerary.slug,
                name=Translated(itinerary.name),
                description=Translated(itinerary.description),
                travel_mode=itinerary.mode,
                machine_translated=list(MACHINE),
                published=True,
            )
        )
        await session.flush()
        session.add_all(
            ItineraryStop(
                itinerary_id=itinerary_id,
                position=position,
                attraction_id=stable_id("attraction", slug),
                suggested_minutes=minutes,
            )
            for position, (slug, minutes) in enumerate(itinerary.stops, start=1)
        )
        added["itineraries"] += 1
    await session.flush()
    return added


def _attraction(seed: AttractionSeed, places: set[str]) -> Attraction:
    name = Translated(seed.name)
    return Attraction(
        id=stable_id("attraction", seed.slug),
        slug=seed.slug,
        category=seed.category,
        name=name,
        alternate_names=list(seed.alternate_names),
        description=Translated(seed.description),
        address=seed.address,
        location=Point(seed.lng, seed.lat),
        opening_hours=None if seed.hours is None else hours.checked(seed.hours),
        is_accessible_for_free=seed.free,
        available_languages=list(seed.languages),
        accessibility=None if seed.accessibility is None else Translated(seed.accessibility),
        photos=[
            {
                "url": f"https://hueworldheritage.org.vn/photos/{seed.slug}.jpg",
                "credit": PHOTO_CREDIT,
            }
        ],
        audio_guides=(
            {lang: f"{AUDIO_BASE}/{seed.slug}-{lang}.mp3" for lang in ("vi", "en", "fr")}
            if seed.audio
            else {}
        ),
        machine_translated=list(MACHINE),
        parent_id=None if seed.parent is None else stable_id("attraction", seed.parent),
        place_id=stable_id("place", seed.place) if seed.place in places else None,
        search_text=search_text(name, seed.alternate_names, seed.address),
        published=True,
    )


def _event(seed: EventSeed) -> Event:
    name = Translated(seed.name)
    venue = next((a for a in ATTRACTIONS if a.slug == seed.venue), None)
    return Event(
        id=stable_id("event", seed.slug),
        slug=seed.slug,
        category=seed.category,
        status=EventStatus.SCHEDULED,
        name=name,
        description=Translated(seed.description),
        organizer="Trung tâm Festival Huế",
        starts_at=_local(seed.starts),
        ends_at=_local(seed.ends),
        venue_id=None if venue is None else stable_id("attraction", venue.slug),
        location=None if venue is None else Point(venue.lng, venue.lat),
        super_event_id=None if seed.parent is None else stable_id("event", seed.parent),
        is_accessible_for_free=seed.free,
        machine_translated=list(MACHINE),
        search_text=search_text(name, ()),
        published=True,
    )
