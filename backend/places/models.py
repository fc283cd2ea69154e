"""Wards (polygons) and public places (points) of the province."""

from __future__ import annotations

import uuid
from enum import StrEnum

from shapely.geometry import Point, Polygon
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAtMixin
from backend.db.types import Geography, TranslatedText, string_enum
from backend.i18n import Translated


class PlaceKind(StrEnum):
    HOSPITAL = "hospital"
    CLINIC = "clinic"
    SCHOOL = "school"
    UNIVERSITY = "university"
    MONUMENT = "monument"
    PAGODA = "pagoda"
    MARKET = "market"
    GOVERNMENT_OFFICE = "government_office"


class Ward(CreatedAtMixin, Base):
    __tablename__ = "wards"
    __table_args__ = (Index(None, "boundary", postgresql_using="gist"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[Translated] = mapped_column(TranslatedText())
    boundary: Mapped[Polygon] = mapped_column(Geography("POLYGON"))


class Place(CreatedAtMixin, Base):
    __tablename__ = "places"
    __table_args__ = (
        Index(None, "location", postgresql_using="gist"),
        Index(None, "kind"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[PlaceKind] = mapped_column(string_enum(PlaceKind, "place_kind"))
    name: Mapped[Translated] = mapped_column(TranslatedText())
    address: Mapped[str] = mapped_column(String(300))
    location: Mapped[Point] = mapped_column(Geography("POINT"))
    ward_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("wards.id", ondelete="SET NULL"), index=True
    )
