"""The `User` type, composed from the fields each domain contributes about the signed-in person."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

import strawberry
from strawberry import relay

from backend.graphql_api.health.queries import HealthViewerFields
from backend.graphql_api.identity.types import AccountFields
from backend.graphql_api.node_ids import parse_uuid
from backend.graphql_api.notifications.types import NotificationViewerFields
from backend.identity.models import User


@strawberry.type(name="User", description="An account. Visible only to its owner.")
class UserNode(HealthViewerFields, NotificationViewerFields, AccountFields, relay.Node):
    user_id: relay.NodeID[str]

    @classmethod
    def from_row(cls, row: User) -> Self:
        return cls(user_id=str(row.id), row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # async; strawberry awaits it
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False
    ) -> Iterable[Self | None]:
        """Only the owner can fetch their account by id; anyone else gets null."""
        viewer = await info.context.viewer()
        return [
            cls.from_row(viewer) if viewer and parse_uuid(node_id) == viewer.id else None
            for node_id in node_ids
        ]
