"""What every subscription field shares: the signed-in viewer's events of one kind, or the
public events of one channel.

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


async def public_events(info: Info, channel: str, kind: str) -> AsyncIterator[uuid.UUID]:
    """The ids of `kind` events on a public `channel` (`public_channel(topic)`); no viewer is
    needed, and each object is still loaded with the socket's own permissions."""
    context = info.context
    async with context.services.live.listen(channel) as events:
        await context.renew()
        async for event in events:
            if event.kind == kind:
                yield event.object_id
                await context.renew()
