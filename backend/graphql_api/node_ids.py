"""Relay global IDs, decoded with a check that they name the expected type."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from strawberry import relay
from strawberry.dataloader import DataLoader

from backend.errors import BadUserInput


def decode_id(global_id: relay.GlobalID, expected_type: str, *, field: str = "id") -> uuid.UUID:
    if global_id.type_name != expected_type:
        raise BadUserInput("input.id_invalid", field=field)
    return parse_uuid(global_id.node_id, field=field)


def parse_uuid(value: str, *, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise BadUserInput("input.id_invalid", field=field) from exc


R = TypeVar("R")
N = TypeVar("N")


async def load_nodes(
    loader: DataLoader[uuid.UUID, R | None], node_ids: Iterable[str], build: Callable[[R], N]
) -> list[N | None]:
    """`Node.resolve_nodes` through a per-request loader: one batch for every id in the request."""
    rows = await loader.load_many([parse_uuid(node_id) for node_id in node_ids])
    return [build(row) if row is not None else None for row in rows]
