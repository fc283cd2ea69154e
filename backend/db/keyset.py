"""Keyset pagination in SQL: the one place that turns a sort key and a cursor into WHERE and
ORDER BY, so every list pages the same way (ties broken by id, in the key's direction)."""

from __future__ import annotations

import uuid
from typing import Any, TypeVarTuple

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

Ts = TypeVarTuple("Ts")


def page(
    statement: Select[*Ts],
    *,
    key: ColumnElement[Any] | QueryableAttribute[Any],
    row_id: ColumnElement[uuid.UUID] | QueryableAttribute[uuid.UUID],
    after: tuple[Any, Any] | None,
    limit: int | ColumnElement[int],
    descending: bool = False,
) -> Select[*Ts]:
    """Rows strictly after `after` in (key, id) order, at most `limit` of them."""
    if after is not None:
        statement = statement.where(
            beyond(key=key, row_id=row_id, after=after, descending=descending)
        )
    order = (key.desc(), row_id.desc()) if descending else (key, row_id)
    return statement.order_by(*order).limit(limit)


def beyond(
    *,
    key: ColumnElement[Any] | QueryableAttribute[Any],
    row_id: ColumnElement[uuid.UUID] | QueryableAttribute[uuid.UUID],
    after: tuple[Any, Any],
    descending: bool = False,
) -> ColumnElement[bool]:
    """The rows strictly after `after` in (key, id) order, for statements that page several
    lists at once (a window per parent) and so cannot take `page`'s LIMIT."""
    last_key, last_id = after
    if descending:
        return or_(key < last_key, and_(key == last_key, row_id < last_id))
    return or_(key > last_key, and_(key == last_key, row_id > last_id))
