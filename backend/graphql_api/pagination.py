"""Forward keyset pagination: opaque cursors tied to one ordering, a hard cap on `first`.

A cursor holds the ordering's name, the sort key and the row id. Decoding checks all three, so a
hand-made cursor, one of another list, a naive time or a NaN is `BAD_USER_INPUT`, never a crash.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import orjson
from strawberry import relay

from backend.errors import BadUserInput

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_CURSOR_LENGTH = 512

K = TypeVar("K", float, str, datetime, int)
N = TypeVar("N", bound=relay.Node)
R = TypeVar("R")
E = TypeVar("E", bound=relay.Edge[Any])


def page_size(first: int | None) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadUserInput("input.page_size", field="first", max=MAX_PAGE_SIZE)
    return size


@dataclass(frozen=True, slots=True)
class Keyset(Generic[K]):
    """One ordering of one list: `name` is unique per list, `key_type` the sort key's type."""

    name: str
    key_type: type[K]
    # A further rule a key must meet (a distance is never negative).
    valid: Callable[[K], bool] | None = None

    def encode(self, key: K, row_id: uuid.UUID) -> str:
        value: Any = key.isoformat() if isinstance(key, datetime) else key
        # By orjson: every edge of a page gets a cursor, and `json.dumps` was a tenth of a
        # facility search. Decoding reads both (older cursors were written by `json`).
        payload = orjson.dumps([self.name, value, row_id.hex])
        return base64.urlsafe_b64encode(payload).decode()

    def decode(self, cursor: str | None) -> tuple[K, uuid.UUID] | None:
        if cursor is None:
            return None
        try:
            if len(cursor) > MAX_CURSOR_LENGTH:
                raise ValueError("cursor too long")
            name, value, row_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
            if name != self.name or not isinstance(row_id, str):
                raise ValueError("a cursor of another list")
            key = self._key(value)
            if self.valid is not None and not self.valid(key):
                raise ValueError("a sort key this list cannot hold")
            return key, uuid.UUID(hex=row_id)
        except (ValueError, TypeError, OverflowError, binascii.Error) as exc:
            raise BadUserInput("input.cursor_invalid", field="after") from exc

    def _key(self, value: object) -> K:
        if self.key_type is datetime:
            if not isinstance(value, str):
                raise TypeError("time expected")
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError("a cursor's time must carry an offset")
            return moment.astimezone(UTC)  # type: ignore[return-value]  # K is datetime here
        if isinstance(value, bool):
            raise TypeError("not a sort key")
        if self.key_type is float and isinstance(value, int | float):
            if not math.isfinite(value):
                raise ValueError("not a finite number")
            return float(value)  # type: ignore[return-value]  # K is float here
        if isinstance(value, self.key_type):
            return value
        raise TypeError("a sort key of another type")

    def page(self, first: int | None, after: str | None) -> Page[K]:
        """Check `first` and `after` of a request for this list."""
        return Page(self, page_size(first), self.decode(after), after is not None)


@dataclass(frozen=True, slots=True)
class Page(Generic[K]):
    """A requested page: fetch `limit` rows (one more than shown, to know if more follow)."""

    keyset: Keyset[K]
    size: int
    after: tuple[K, uuid.UUID] | None
    has_previous: bool

    @property
    def limit(self) -> int:
        return self.size + 1

    def connection(
        self,
        rows: Sequence[R],
        *,
        node: Callable[[R], N],
        key: Callable[[R], tuple[K, uuid.UUID]],
    ) -> relay.Connection[N]:
        """A Relay connection from the fetched rows; each edge's cursor is its row's key."""
        edges, page_info = self.edges_of(
            rows, edge=lambda row, cursor: relay.Edge(node=node(row), cursor=cursor), key=key
        )
        return relay.Connection(edges=edges, page_info=page_info)

    def edges_of(
        self,
        rows: Sequence[R],
        *,
        edge: Callable[[R, str], E],
        key: Callable[[R], tuple[K, uuid.UUID]],
    ) -> tuple[list[E], relay.PageInfo]:
        """Edges of a richer type, for connections whose edges carry what depends on the search
        (a distance, a next slot): the node stays the same object in every list."""
        edges = [edge(row, self.keyset.encode(*key(row))) for row in rows[: self.size]]
        return edges, self.page_info(rows, edges)

    def page_info(self, rows: Sequence[object], edges: Sequence[relay.Edge[Any]]) -> relay.PageInfo:
        return relay.PageInfo(
            has_next_page=len(rows) > self.size,
            has_previous_page=self.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
