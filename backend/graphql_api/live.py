"""What every subscription field shares: the signed-in viewer's events of one kind.

Events carry ids only (backend/live); each field loads the object again through the same
`fetch` as `node(id:)`, so a subscriber sees exactly what a query would show it, and the payload
is the object the app already caches under that id.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

from backend.graphql_api.context import Info
from backend.identity.models import User
from backend.live import personal_channel


async def personal_events(info: Info, kind: str) -> AsyncIterator[tuple[User, uuid.UUID]]:
    """The viewer's events of `kind` as (viewer, object id). Between two events the operation
    holds no database connection: each one is loaded with fresh loaders."""
    context = info.context
    viewer = await context.require_viewer()
    async with context.services.live.listen(personal_channel(viewer.id)) as events:
        await context.renew()
        async for event in events:
            if event.kind == kind:
                yield viewer, event.object_id
                await context.renew()
