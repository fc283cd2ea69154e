"""Typed read rows: frozen dataclasses (named tuples on the hottest lists) built from a Core
SELECT of the columns named like their fields, so list paths never build ORM entities."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Self

from sqlalchemy import ColumnElement

from backend.db import spatial


class Row:
    """A row built from a SELECT of `columns(...)`, in field order."""

    @classmethod
    def of(cls, values: Any) -> Self:
        return cls(*values)


def columns(row: type, table: Any, computed: dict[str, ColumnElement[Any]]) -> list[Any]:
    """The table's columns named like the row's fields (a dataclass's, or a named tuple's),
    computed ones where given."""
    names = getattr(row, "_fields", None) or [field.name for field in fields(row)]
    return [computed[name] if name in computed else getattr(table, name) for name in names]


def coordinates(column: Any) -> dict[str, ColumnElement[Any]]:
    """`latitude` and `longitude` of a point column, as numbers."""
    return {"latitude": spatial.latitude(column), "longitude": spatial.longitude(column)}
