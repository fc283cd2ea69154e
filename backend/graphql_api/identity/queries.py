"""Queries of the identity domain."""

from __future__ import annotations

import strawberry

from backend.graphql_api.viewer import UserNode


@strawberry.type
class IdentityQuery:
    @strawberry.field(description="The signed-in user; null when no token is sent.")
    async def viewer(self, info: strawberry.Info) -> UserNode | None:
        user = await info.context.viewer()
        return UserNode.from_row(user) if user else None
