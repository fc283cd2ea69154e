"""Relay global IDs, decoded with a check that they name the expected type."""

from __future__ import annotations

import uuid

from strawberry import relay

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
