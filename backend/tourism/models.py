"""Tables of the tourism domain: attractions (schema.org TouristAttraction), ticket offers,
events (schema.org Event) and curated itineraries. Content texts are `Translated` values in up to
six languages; `machine_translated` lists the languages of a row that are machine quality.

These entities serve writes (seed, import, staff edits); reads go through typed rows
(`backend.tourism.repository.rows`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from shapely.geometry import Point
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column

from backend.db.base import Base, CreatedAtMixin
from backend.db.types import Geography, TranslatedText, UTCDateTime, string_enum
from backend.i18n import Translated


class AttractionCategory(StrEnum):
    IMPERIAL_MONUMENT = "imperial_monument"
    ROYAL_TOMB = "royal_tomb"
    PAGODA = "pagoda"
    MUSEUM = "museum"
    MARKET = "market"
    BRIDGE = "bridge"
    NATURE = "nature"
    CRAFT_VILLAGE = "craft_village"
    FOOD = "food"


class EventCategory(StrEnum):
    FESTIVAL = "festival"
    SEASON = "season"
    PERFORMANCE = "performance"
    RITUAL = "ritual"
    EXHIBITION = "exhibition"


class EventStatus(StrEnum):
    """schema.org EventStatusType."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"
    RESCHEDULED = "rescheduled"


class TravelMode(StrEnum):
    WALK = "walk"
    BICYCLE = "bicycle"
    CAR = "car"
    BOAT = "boat"


class Attraction(CreatedAtMixin, Base):
    __tablename__ = "tourism_attractions"
    __table_args__ = (
        Index(None, "location", postgresql_using="gist"),
        Index(None, "category"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[AttractionCategory] = mapped_column(
        string_enum(AttractionCategory, "attraction_category")
    )
    name: Mapped[Translated] = mapped_column(TranslatedText())
    # Other names people use, in any language ("Kinh thành Huế", "Tomb of Minh Mang").
    alternate_names: Mapped[list[str]] = mapped_column(JSON())
    description: Mapped[Translated] = mapped_column(TranslatedText())
    address: Mapped[str] = mapped_column(String(300))
    location: Mapped[Point] = mapped_column(Geography("POINT"))
    # OpenStreetMap `opening_hours` syntax, in Asia/Ho_Chi_Minh time; null when unknown.
    opening_hours: Mapped[str | None] = mapped_column(String(500))
    is_accessible_for_free: Mapped[bool] = mapped_column(Boolean())
    # Languages a visit can be made in (guides, signs, audio): codes of `Locale`.
    available_languages: Mapped[list[str]] = mapped_column(JSON())
    accessibility: Mapped[Translated | None] = mapped_column(TranslatedText())
    # [{"url": …, "credit": …}]
    photos: Mapped[list[dict[str, str]]] = mapped_column(JSON())
    # {"vi": url, "en": url, …}
    audio_guides: Mapped[dict[str, str]] = mapped_column(JSON())
    machine_translated: Mapped[list[str]] = mapped_column(JSON())
    # schema.org containedInPlace: a gate inside the Imperial City.
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tourism_attractions.id", ondelete="SET NULL"), index=True
    )
    # The `places` row of the same site, where one exists.
    place_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("places.id", ondelete="SET NULL"), index=True
    )
    # Every name, alternate name and the address, for search (see backend/db/text_search.py).
    search_text: Mapped[str] = mapped_column(Text())
    published: Mapped[bool] = mapped_column(Boolean())


class Offer(CreatedAtMixin, Base):
    """A ticket (schema.org Offer): prices per visitor type for the sites it covers, valid
    between two dates; `on_dates` narrows it to some days (the free days for citizens)."""

    __tablename__ = "tourism_offers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())
    # {"adult": 200000, "child": 40000} in VND; a visitor type absent is not covered.
    prices: Mapped[dict[str, int]] = mapped_column(JSON())
    citizens_only: Mapped[bool] = mapped_column(Boolean())
    # ISO dates the offer applies on; empty means every day of its validity.
    on_dates: Mapped[list[str]] = mapped_column(JSON())
    valid_from: Mapped[date] = mapped_column(Date())
    valid_through: Mapped[date | None] = mapped_column(Date())
    # How many consecutive days one ticket admits (a combo: 5).
    valid_days: Mapped[int] = mapped_column(Integer())
    # Whether the amounts are unconfirmed by a published price list.
    unconfirmed: Mapped[bool] = mapped_column(Boolean())


class OfferAttraction(Base):
    __tablename__ = "tourism_offer_attractions"

    offer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tourism_offers.id", ondelete="CASCADE"), primary_key=True
    )
    attraction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tourism_attractions.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Event(CreatedAtMixin, Base):
    __tablename__ = "tourism_events"
    __table_args__ = (
        Index(None, "location", postgresql_using="gist"),
        Index(None, "starts_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[EventCategory] = mapped_column(string_enum(EventCategory, "event_category"))
    status: Mapped[EventStatus] = mapped_column(string_enum(EventStatus, "event_status"))
    name: Mapped[Translated] = mapped_column(TranslatedText())
    description: Mapped[Translated] = mapped_column(TranslatedText())
    organizer: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    venue_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tourism_attractions.id", ondelete="SET NULL"), index=True
    )
    location: Mapped[Point | None] = mapped_column(Geography("POINT"))
    super_event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tourism_events.id", ondelete="CASCADE"), index=True
    )
    is_accessible_for_free: Mapped[bool] = mapped_column(Boolean())
    machine_translated: Mapped[list[str]] = mapped_column(JSON())
    search_text: Mapped[str] = mapped_column(Text())
    published: Mapped[bool] = mapped_column(Boolean())


class Itinerary(CreatedAtMixin, Base):
    __tablename__ = "tourism_itineraries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())
    description: Mapped[Translated] = mapped_column(TranslatedText())
    travel_mode: Mapped[TravelMode] = mapped_column(string_enum(TravelMode, "travel_mode"))
    machine_translated: Mapped[list[str]] = mapped_column(JSON())
    published: Mapped[bool] = mapped_column(Boolean())


class ItineraryStop(Base):
    __tablename__ = "tourism_itinerary_stops"

    itinerary_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tourism_itineraries.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer(), primary_key=True)
    attraction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tourism_attractions.id", ondelete="RESTRICT"), index=True
    )
    suggested_minutes: Mapped[int] = mapped_column(Integer())


class Favourite(CreatedAtMixin, Base):
    """An attraction or an event someone saved; a saved event is reminded a day before."""

    __tablename__ = "tourism_favourites"
    __table_args__ = (
        UniqueConstraint("user_id", "attraction_id"),
        UniqueConstraint("user_id", "event_id"),
        CheckConstraint("(attraction_id IS NULL) <> (event_id IS NULL)", name="one_target"),
        Index(None, "user_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    attraction_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tourism_attractions.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tourism_events.id", ondelete="CASCADE"), index=True
    )
    # The start of the event a reminder was pushed for; a moved event is reminded again.
    reminded_for: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SearchWord(Base):
    """A folded word of some published attraction's or event's names (`backend.tourism.words`).
    Words are never removed: one no row holds any more matches nothing."""

    __tablename__ = "tourism_search_words"

    id: Mapped[int] = mapped_column(Integer(), primary_key=True, autoincrement=True)
    word: Mapped[str] = mapped_column(String(100), unique=True)
    # Published attractions and events holding the word, kept by every reindex: a search reads
    # its words from the rarest (a deleted row's words are not counted down, which only
    # changes that order, never an answer).
    attraction_rows: Mapped[int] = mapped_column(Integer(), default=0, server_default="0")
    event_rows: Mapped[int] = mapped_column(Integer(), default=0, server_default="0")


# The ids of a row's words: an integer array on PostgreSQL, a JSON list on SQLite.
WORD_IDS = postgresql.ARRAY(Integer()).with_variant(JSON(), "sqlite")


class AttractionWord(Base):
    """One word of a published attraction, with all the attraction's word ids beside it, so a
    search reads a word's rows in id order and scores them without visiting the attraction."""

    __tablename__ = "tourism_attraction_words"
    # A word's rows in id order, with their words: read without visiting the table.
    __table_args__ = (Index(None, "word_id", "attraction_id", postgresql_include=["words"]),)

    attraction_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tourism_attractions.id", ondelete="CASCADE"),
        primary_key=True,
    )
    word_id: Mapped[int] = mapped_column(
        ForeignKey("tourism_search_words.id", ondelete="CASCADE"), primary_key=True
    )
    words: Mapped[list[int]] = mapped_column(WORD_IDS)


class EventWord(Base):
    """One word of a published event (as `AttractionWord`)."""

    __tablename__ = "tourism_event_words"
    # A word's rows in id order, with their words: read without visiting the table.
    __table_args__ = (Index(None, "word_id", "event_id", postgresql_include=["words"]),)

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tourism_events.id", ondelete="CASCADE"),
        primary_key=True,
    )
    word_id: Mapped[int] = mapped_column(
        ForeignKey("tourism_search_words.id", ondelete="CASCADE"), primary_key=True
    )
    words: Mapped[list[int]] = mapped_column(WORD_IDS)


@event.listens_for(Session, "after_flush")
def _keep_search_words(session: Session, _context: UOWTransaction) -> None:
    """Every write of an attraction or event, whatever the path (staff, import, seed), keeps
    its search words in step in the same transaction."""
    from backend.tourism.repository.words import reindex_flushed  # it imports these models

    reindex_flushed(session)
