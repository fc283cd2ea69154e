"""Queries of the cards domain: the holder's cards."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from backend.cards import passkeys, repository
from backend.graphql_api.cards.types import CardNode, CardRow
from backend.graphql_api.context import Info
from backend.graphql_api.pagination import Keyset
from backend.identity.models import User

CARDS_BY_TIME = Keyset("cards.mine.created", datetime)


@strawberry.type
class CardsViewerFields:
    """The cards domain's fields of the `User` type."""

    row: strawberry.Private[User]

    @strawberry.field(description="Your digital cards, newest first.")
    async def cards(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[CardNode]:
        page = CARDS_BY_TIME.page(first, after)
        async with info.context.read() as session:
            rows = await repository.cards_of(
                session, self.row.id, after=page.after, limit=page.limit
            )
        return page.connection(
            [CardRow.of(row) for row in rows],
            node=CardNode.from_row,
            key=lambda row: (row.created_at, row.id),
        )

    @strawberry.field(
        description="Whether this session was opened with more than a password (a card or a "
        "passkey): civil-servant work on the web needs it."
    )
    async def signed_in_with_second_factor(self, info: Info) -> bool:
        token = info.context.access_token
        if token is None:
            return False
        family_id = info.context.auth.keyring.verify(token).session_id
        async with info.context.read() as session:
            return await passkeys.has_second_factor(session, family_id)
