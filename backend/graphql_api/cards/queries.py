"""Queries of the cards domain: the holder's cards."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from backend.cards import passkey_repository, repository
from backend.graphql_api.cards.types import CardNode, CardRow, PasskeyNode
from backend.graphql_api.context import Info
from backend.graphql_api.pagination import Keyset
from backend.identity.models import User

CARDS_BY_TIME = Keyset("cards.mine.created", datetime)
PASSKEYS_BY_TIME = Keyset("cards.passkeys.created", datetime)


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

    @strawberry.field(description="Your passkeys (civil servants), newest first.")
    async def passkeys(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[PasskeyNode]:
        page = PASSKEYS_BY_TIME.page(first, after)
        async with info.context.read() as session:
            rows = await passkey_repository.passkey_page(
                session, self.row.id, after=page.after, limit=page.limit
            )
        return page.connection(
            rows, node=PasskeyNode.from_row, key=lambda row: (row.created_at, row.id)
        )

    @strawberry.field(
        description="Whether this session was opened with more than a password (a card or a "
        "passkey): civil-servant work needs it (see `secondFactorRequired`)."
    )
    async def signed_in_with_second_factor(self, info: Info) -> bool:
        return await info.context.second_factor() is not None
