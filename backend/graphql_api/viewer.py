"""The `User` type, composed from the fields each domain contributes about the signed-in person."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Self

import strawberry

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import RowNode
from backend.graphql_api.parts import compose, domain_parts
from backend.identity.models import User


class UserBase(RowNode):
    """What every `User` is, whatever the domains add: a node only its owner can fetch."""

    row: User

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        viewer = await info.context.viewer()
        return [cls.from_row(viewer) if viewer and key == viewer.id else None for key in ids]


if TYPE_CHECKING:

    class UserNode(UserBase):
        """What mypy knows of the composed type: a `UserBase`."""

else:
    UserNode = compose(
        "User",
        [*(parts.viewer for parts in domain_parts() if parts.viewer), UserBase],
        description="An account. Visible only to its owner.",
        namespace={"__annotations__": {"row": strawberry.Private[User]}},
    )
