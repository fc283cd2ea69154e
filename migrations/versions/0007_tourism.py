"""Tourism: attractions, ticket offers, events and itineraries; accent-insensitive search.

On PostgreSQL: the `unaccent` and `pg_trgm` extensions, `citizen_fold(text)` (unaccent and lower
case, declared IMMUTABLE so that an index may hold it) and trigram GIN indexes on the folded
search text of attractions and events. SQLite registers a `citizen_fold` of its own on every
connection (backend/db/text_search.py).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.types import Geography, TranslatedText, UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Indexes on expressions, PostgreSQL only (see backend/db/migrate.py: EXPRESSION_INDEXES).
SEARCH_INDEXES = {
    "ix_tourism_attractions_search_trgm": "tourism_attractions",
    "ix_tourism_events_search_trgm": "tourism_events",
}


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _created_at() -> sa.Column[object]:
    return sa.Column("created_at", UTCDateTime(), nullable=False)


def _translated(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, TranslatedText(), nullable=nullable)


def _json(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.JSON(), nullable=False)


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _slug(table: str) -> list[sa.Column[object] | sa.UniqueConstraint]:
    return [
        sa.Column("slug", sa.String(64), nullable=False),
        sa.UniqueConstraint("slug", name=op.f(f"uq_{table}_slug")),
    ]


def _index(table: str, column: str, **kw: str) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False, **kw)


def upgrade() -> None:
    if _is_postgres():
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE OR REPLACE FUNCTION citizen_fold(text) RETURNS text "
            "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
            "$$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$"
        )

    op.create_table(
        "tourism_attractions",
        sa.Column("id", sa.Uuid(), nullable=False),
        *_slug("tourism_attractions"),
        sa.Column(
            "category",
            _enum(
                "attraction_category",
                "imperial_monument",
                "royal_tomb",
                "pagoda",
                "museum",
                "market",
                "bridge",
                "nature",
                "craft_village",
                "food",
            ),
            nullable=False,
        ),
        _translated("name"),
        _json("alternate_names"),
        _translated("description"),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("location", Geography("POINT"), nullable=False),
        sa.Column("opening_hours", sa.String(500), nullable=True),
        sa.Column("is_accessible_for_free", sa.Boolean(), nullable=False),
        _json("available_languages"),
        _translated("accessibility", nullable=True),
        _json("photos"),
        _json("audio_guides"),
        _json("machine_translated"),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("place_id", sa.Uuid(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        _created_at(),
        _fk("tourism_attractions", "parent_id", "tourism_attractions", "SET NULL"),
        _fk("tourism_attractions", "place_id", "places", "SET NULL"),
        _pk("tourism_attractions", "id"),
    )
    _index("tourism_attractions", "category")
    _index("tourism_attractions", "location", postgresql_using="gist")
    _index("tourism_attractions", "parent_id")
    _index("tourism_attractions", "place_id")

    op.create_table(
        "tourism_offers",
        sa.Column("id", sa.Uuid(), nullable=False),
        *_slug("tourism_offers"),
        _translated("name"),
        _json("prices"),
        sa.Column("citizens_only", sa.Boolean(), nullable=False),
        _json("on_dates"),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_through", sa.Date(), nullable=True),
        sa.Column("valid_days", sa.Integer(), nullable=False),
        sa.Column("unconfirmed", sa.Boolean(), nullable=False),
        _created_at(),
        _pk("tourism_offers", "id"),
    )
    op.create_table(
        "tourism_offer_attractions",
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("attraction_id", sa.Uuid(), nullable=False),
        _fk("tourism_offer_attractions", "offer_id", "tourism_offers", "CASCADE"),
        _fk("tourism_offer_attractions", "attraction_id", "tourism_attractions", "CASCADE"),
        _pk("tourism_offer_attractions", "offer_id", "attraction_id"),
    )
    _index("tourism_offer_attractions", "attraction_id")

    op.create_table(
        "tourism_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        *_slug("tourism_events"),
        sa.Column(
            "category",
            _enum("event_category", "festival", "season", "performance", "ritual", "exhibition"),
            nullable=False,
        ),
        sa.Column(
            "status",
            _enum("event_status", "scheduled", "cancelled", "postponed", "rescheduled"),
            nullable=False,
        ),
        _translated("name"),
        _translated("description"),
        sa.Column("organizer", sa.String(200), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("venue_id", sa.Uuid(), nullable=True),
        sa.Column("location", Geography("POINT"), nullable=True),
        sa.Column("super_event_id", sa.Uuid(), nullable=True),
        sa.Column("is_accessible_for_free", sa.Boolean(), nullable=False),
        _json("machine_translated"),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        _created_at(),
        _fk("tourism_events", "super_event_id", "tourism_events", "CASCADE"),
        _fk("tourism_events", "venue_id", "tourism_attractions", "SET NULL"),
        _pk("tourism_events", "id"),
    )
    _index("tourism_events", "location", postgresql_using="gist")
    _index("tourism_events", "starts_at")
    _index("tourism_events", "super_event_id")
    _index("tourism_events", "venue_id")

    op.create_table(
        "tourism_itineraries",
        sa.Column("id", sa.Uuid(), nullable=False),
        *_slug("tourism_itineraries"),
        _translated("name"),
        _translated("description"),
        sa.Column(
            "travel_mode", _enum("travel_mode", "walk", "bicycle", "car", "boat"), nullable=False
        ),
        _json("machine_translated"),
        _created_at(),
        _pk("tourism_itineraries", "id"),
    )
    op.create_table(
        "tourism_itinerary_stops",
        sa.Column("itinerary_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("attraction_id", sa.Uuid(), nullable=False),
        sa.Column("suggested_minutes", sa.Integer(), nullable=False),
        _fk("tourism_itinerary_stops", "attraction_id", "tourism_attractions", "RESTRICT"),
        _fk("tourism_itinerary_stops", "itinerary_id", "tourism_itineraries", "CASCADE"),
        _pk("tourism_itinerary_stops", "itinerary_id", "position"),
    )
    _index("tourism_itinerary_stops", "attraction_id")

    if _is_postgres():
        for index, table in SEARCH_INDEXES.items():
            op.execute(
                f"CREATE INDEX {index} ON {table} "
                "USING gin (citizen_fold(search_text) gin_trgm_ops)"
            )


def downgrade() -> None:
    for table in (
        "tourism_itinerary_stops",
        "tourism_itineraries",
        "tourism_events",
        "tourism_offer_attractions",
        "tourism_offers",
        "tourism_attractions",
    ):
        op.drop_table(table)
    if _is_postgres():
        # The extensions stay: other schemas of the database may use them.
        op.execute("DROP FUNCTION IF EXISTS citizen_fold(text)")
