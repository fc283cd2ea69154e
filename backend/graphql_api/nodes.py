"""Relay nodes over rows, and global ids decoded with a check of their type.

A `RowNode` computes its global id from its row, and `node(id:)` fetches it through the type's
`fetch`, usually one per-request loader batch for every id in the document.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Literal, Self, TypeVar, overload

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.dataloader import DataLoader

from backend.errors import BadUserInput
from backend.graphql_api.context import Info
from backend.graphql_api.loaders import HasId

R = TypeVar("R", bound=HasId)
N = TypeVar("N")
K = TypeVar("K")


def decode_id(global_id: relay.GlobalID, expected_type: str, *, field: str = "id") -> uuid.UUID:
    if global_id.type_name != expected_type:
        raise BadUserInput("input.id_invalid", field=field)
    return parse_uuid(global_id.node_id, field=field)


def parse_uuid(value: str, *, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise BadUserInput("input.id_invalid", field=field) from exc


def global_id(type_name: str, row_id: uuid.UUID | None) -> relay.GlobalID | None:
    """The global id of a row another field refers to (null stays null)."""
    return None if row_id is None else relay.GlobalID(type_name, str(row_id))


def owned(
    rows: Iterable[R], owner_id: uuid.UUID | None, owner: Callable[[R], uuid.UUID]
) -> dict[uuid.UUID, R]:
    """The rows whose owner is `owner_id`, by id: what a viewer may see of their own data."""
    if owner_id is None:
        return {}
    return {row.id: row for row in rows if owner(row) == owner_id}


class RowNode(relay.Node):
    """A node over one row (each type declares `row: strawberry.Private[TheRow]`).

    Its global id is the row's id. Subclasses implement `fetch`, which returns the nodes for some
    ids with None for any that is absent or that the viewer may not see.
    """

    row: Any

    @classmethod
    def from_row(cls, row: Any) -> Self:
        return cls(row=row)  # type: ignore[call-arg]  # every subclass is a dataclass with `row`

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return str(root.row.id)

    @classmethod
    def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Awaitable[Sequence[Self | None]]:
        raise NotImplementedError(f"{cls.__name__} cannot be fetched by id")

    @overload
    @classmethod
    def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: Literal[True]
    ) -> Awaitable[Iterable[Self]]: ...

    @overload
    @classmethod
    def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: Literal[False] = ...
    ) -> Awaitable[Iterable[Self | None]]: ...

    @overload
    @classmethod
    def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool
    ) -> Awaitable[Iterable[Self]] | Awaitable[Iterable[Self | None]]: ...

    @classmethod
    def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> Awaitable[Iterable[Self]] | Awaitable[Iterable[Self | None]]:
        """`node(id:)`: absent or hidden objects are null."""
        return cls.fetch(info, [parse_uuid(node_id) for node_id in node_ids])


async def nodes_from(
    loader: DataLoader[uuid.UUID, R | None], ids: Sequence[uuid.UUID], build: Callable[[R], N]
) -> list[N | None]:
    """Nodes for ids through a per-request loader: one batch for every id in the request."""
    rows = await loader.load_many(ids)
    return [None if row is None else build(row) for row in rows]


async def nodes_by_level(
    loader: DataLoader[K, R | None], keys: list[K], build: Callable[[R], N]
) -> list[N | None]:
    """Nodes for a whole level of parents (see `plans.by_level`), by the loader's own batch
    function: one read, without a future and the loader's bookkeeping per key."""
    rows = await loader.load_fn(keys)
    return [
        build(row) if row is not None and not isinstance(row, BaseException) else None
        for row in rows
    ]


async def node_from(
    loader: DataLoader[uuid.UUID, R | None], row_id: uuid.UUID | None, build: Callable[[R], N]
) -> N | None:
    """The node a field refers to by id (null when the id is null or the row is gone)."""
    if row_id is None:
        return None
    row = await loader.load(row_id)
    return None if row is None else build(row)


async def visible_nodes(
    info: Info,
    ids: Sequence[uuid.UUID],
    fetch: Callable[[AsyncSession, uuid.UUID | None, Sequence[uuid.UUID]], Awaitable[Sequence[R]]],
    build: Callable[[R], N],
) -> list[N | None]:
    """`node(id:)` for rows only some viewers may see: `fetch` keeps the viewer's."""
    viewer = await info.context.viewer()
    async with info.context.read() as session:
        rows = await fetch(session, None if viewer is None else viewer.id, ids)
    found = {row.id: row for row in rows}
    return [build(found[key]) if key in found else None for key in ids]
