"""Forward keyset pagination: opaque cursors over a sort key, a hard cap on `first`."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from typing import TypeVar

from strawberry import relay

from backend.errors import BadUserInput

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

N = TypeVar("N", bound=relay.Node)
R = TypeVar("R")
K = TypeVar("K", float, str)


def page_size(first: int | None) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadUserInput("input.page_size", field="first", max=MAX_PAGE_SIZE)
    return size


def encode_cursor(key: float | str, row_id: uuid.UUID) -> str:
    payload = json.dumps([key, row_id.hex], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode()


def decode_cursor(cursor: str | None, key_type: type[K]) -> tuple[K, uuid.UUID] | None:
    """Read a cursor made by `encode_cursor` for the same ordering; anything else is bad input."""
    if cursor is None:
        return None
    try:
        if len(cursor) > 512:
            raise ValueError("cursor too long")
        key, row_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if key_type is float and isinstance(key, int) and not isinstance(key, bool):
            key = float(key)
        if not isinstance(key, key_type):
            raise ValueError("cursor of another ordering")
        return key, uuid.UUID(hex=row_id)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise BadUserInput("input.cursor_invalid", field="after") from exc


def connection(
    rows: Sequence[R],
    *,
    size: int,
    after: str | None,
    node: Callable[[R], N],
    cursor: Callable[[R], str],
) -> relay.Connection[N]:
    """Build a Relay connection from `size + 1` fetched rows (the extra one only says 'more')."""
    page = rows[:size]
    edges = [relay.Edge(node=node(row), cursor=cursor(row)) for row in page]
    return relay.Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=len(rows) > size,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
