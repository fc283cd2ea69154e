"""Queries of the identity domain."""

from __future__ import annotations

import strawberry

from backend.graphql_api.context import Info
from backend.graphql_api.identity.types import UserRef, user_node


@strawberry.type
class IdentityQuery:
    @strawberry.field(description="The signed-in user; null when no token is sent.")
    async def viewer(self, info: Info) -> UserRef | None:
        user = await info.context.viewer()
        return user_node(user) if user else None
