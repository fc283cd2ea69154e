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
        last_key, last_id = after
        if descending:
            beyond = or_(key < last_key, and_(key == last_key, row_id < last_id))
        else:
            beyond = or_(key > last_key, and_(key == last_key, row_id > last_id))
        statement = statement.where(beyond)
    order = (key.desc(), row_id.desc()) if descending else (key, row_id)
    return statement.order_by(*order).limit(limit)
