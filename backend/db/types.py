"""Column types that behave the same on PostgreSQL+PostGIS and on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

import shapely
from geoalchemy2 import Geography as PostgisGeography
from geoalchemy2.elements import WKBElement, WKTElement
from geoalchemy2.shape import to_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import JSON, DateTime, Dialect, Enum, Text, type_coerce
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator, TypeEngine

from backend.i18n import Translated

SRID = 4326


def utcnow() -> datetime:
    return datetime.now(UTC)


def string_enum(enum: type[StrEnum], name: str) -> Enum:
    """An enum stored as its string values under a CHECK constraint: portable across dialects,
    and a value is added with a migration that rewrites only the constraint."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps; SQLite stores them naive, so tzinfo is restored on load."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: store UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        zone = value.tzinfo
        if zone is UTC:  # as asyncpg reads a timestamptz: nothing to convert
            return value
        return value.replace(tzinfo=UTC) if zone is None else value.astimezone(UTC)


class Geography(TypeDecorator[BaseGeometry]):
    """A WGS84 geography: PostGIS `geography` on PostgreSQL, WKT text on SQLite.

    Python code sees shapely geometries with (longitude, latitude) coordinates.
    """

    impl = Text
    cache_ok = True
    # Read by GeoAlchemy2's DDL hooks; our GiST indexes are declared explicitly instead.
    spatial_index = False
    srid = SRID

    def __init__(
        self,
        geometry_type: Literal["POINT", "LINESTRING", "POLYGON", "MULTIPOLYGON", "GEOMETRY"],
    ) -> None:
        super().__init__()
        self.geometry_type = geometry_type

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(
                PostgisGeography(self.geometry_type, srid=SRID, spatial_index=False)
            )
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: BaseGeometry | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        # GEOMETRY holds any kind (a point or a line along a road).
        if self.geometry_type != "GEOMETRY" and value.geom_type.upper() != self.geometry_type:
            raise ValueError(f"expected {self.geometry_type}, got {value.geom_type}")
        if dialect.name == "postgresql":
            return WKTElement(value.wkt, srid=SRID)
        return value.wkt

    def process_result_value(self, value: Any, dialect: Dialect) -> BaseGeometry | None:
        if value is None:
            return None
        if isinstance(value, WKBElement | WKTElement):
            return to_shape(value)
        return shapely.from_wkt(value)


class TranslatedText(TypeDecorator[Translated]):
    """A text in several languages, stored as one JSON object `{"vi": …, "en": …, …}`.

    Sort or filter on one language with `in_language(column, "vi")`.
    """

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Translated | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Translated):
            raise TypeError(f"expected a Translated text, got {type(value).__name__}")
        return value.as_json()

    def process_result_value(self, value: Any, dialect: Dialect) -> Translated | None:
        if value is None:
            return None
        return Translated({str(code): str(text) for code, text in dict(value).items()})


def in_language(column: Any, language: str) -> ColumnElement[str]:
    """The text of a `TranslatedText` column in one language, as SQL (`->>` / `json_extract`)."""
    text: ColumnElement[str] = type_coerce(column, JSON)[language].as_string()
    return text
