"""The inbox, live."""

from __future__ import annotations

from collections.abc import AsyncIterator

import strawberry

from backend.graphql_api.context import Info
from backend.graphql_api.identity.types import UserRef, user_node
from backend.graphql_api.live import personal_events
from backend.graphql_api.notifications.types import NotificationNode
from notifications.service import NOTIFICATION_RECEIVED


@strawberry.type(description="A new entry of the viewer's inbox, and the viewer's unread count.")
class NotificationReceivedEvent:
    notification: NotificationNode
    viewer: UserRef


@strawberry.type
class NotificationsSubscription:
    @strawberry.subscription(
        description="Each notification the signed-in person receives, once it is committed."
    )
    async def notification_received(self, info: Info) -> AsyncIterator[NotificationReceivedEvent]:
        async for viewer, notification_id in personal_events(info, NOTIFICATION_RECEIVED):
            (found,) = await NotificationNode.fetch(info, [notification_id])
            if found is not None:
                yield NotificationReceivedEvent(notification=found, viewer=user_node(viewer))
