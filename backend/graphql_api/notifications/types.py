"""GraphQL types of the push pipeline: the inbox, devices, preferences."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, time
from typing import Self

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

import backend.graphql_api.i18n  # noqa: F401 - registers Locale with strawberry
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import RowNode
from backend.graphql_api.pagination import Keyset
from backend.i18n import Locale
from backend.identity.models import User
from notifications import service
from notifications.models import Category, Device, Notification, Platform
from notifications.service import Preferences

strawberry.enum(Category, name="NotificationCategory")
strawberry.enum(Platform, name="Platform")


@strawberry.type(name="Notification", description="An entry of the signed-in person's inbox.")
class NotificationNode(RowNode):
    row: strawberry.Private[Notification]

    @strawberry.field
    def category(self) -> Category:
        return self.row.category

    @strawberry.field(description="What happened, e.g. appointment.booked; the app routes on it.")
    def type(self) -> str:
        return self.row.type

    @strawberry.field
    def title(self, info: Info, locale: Locale | None = None) -> str:
        return self.row.title.get(locale or info.context.locale)

    @strawberry.field
    def body(self, info: Info, locale: Locale | None = None) -> str:
        return self.row.body.get(locale or info.context.locale)

    @strawberry.field
    def deep_link(self) -> str:
        return self.row.deep_link

    @strawberry.field(description="Ids the deep link needs, e.g. {appointmentId: …}.")
    def data(self) -> JSON:
        return JSON(dict(self.row.data))

    @strawberry.field
    def urgent(self) -> bool:
        return self.row.urgent

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    def read_at(self) -> datetime | None:
        return self.row.read_at

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        """A notification is visible to its recipient only."""
        viewer = await info.context.viewer()
        if viewer is None:
            return [None for _ in ids]
        async with info.context.read() as session:
            rows = {row.id: row for row in await service.own_notifications(session, viewer.id, ids)}
        return [cls.from_row(rows[key]) if key in rows else None for key in ids]


INBOX_BY_TIME = Keyset("notifications.inbox", datetime)


@strawberry.type(name="Device", description="A phone (or browser) that receives pushes.")
class DeviceType:
    id: relay.GlobalID
    platform: Platform
    locale: Locale
    app_version: str
    last_seen_at: datetime

    @classmethod
    def from_row(cls, row: Device) -> DeviceType:
        return cls(
            id=relay.GlobalID("Device", str(row.id)),
            platform=row.platform,
            locale=row.locale,
            app_version=row.app_version,
            last_seen_at=row.last_seen_at,
        )


@strawberry.type
class CategoryPreference:
    category: Category
    enabled: bool


@strawberry.type(description="Local time (Asia/Ho_Chi_Minh); may span midnight, e.g. 22:00–06:30.")
class QuietHours:
    start: time
    end: time


@strawberry.type
class NotificationPreferences:
    id: relay.GlobalID = strawberry.field(
        description="Whose preferences these are: one object per account in a client's cache."
    )
    categories: list[CategoryPreference]
    quiet_hours: QuietHours | None = strawberry.field(
        description="Non-urgent pushes wait until they end; urgent public-safety alerts do not."
    )

    @classmethod
    def from_preferences(
        cls, user_id: uuid.UUID, preferences: Preferences
    ) -> NotificationPreferences:
        quiet = (
            QuietHours(start=preferences.quiet_start, end=preferences.quiet_end)
            if preferences.quiet_start is not None and preferences.quiet_end is not None
            else None
        )
        return cls(
            id=relay.GlobalID("NotificationPreferences", str(user_id)),
            categories=[
                CategoryPreference(category=category, enabled=preferences.allows(category))
                for category in Category
            ],
            quiet_hours=quiet,
        )


@strawberry.type
class NotificationViewerFields:
    """The push pipeline's fields of the `User` type."""

    row: strawberry.Private[User]

    @strawberry.field(description="The inbox, newest first.")
    async def notifications(
        self,
        info: Info,
        unread_only: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[NotificationNode]:
        page = INBOX_BY_TIME.page(first, after)
        async with info.context.read() as session:
            rows = await service.inbox(
                session, self.row.id, unread_only=unread_only, after=page.after, limit=page.limit
            )
        return page.connection(
            rows, node=NotificationNode.from_row, key=lambda row: (row.created_at, row.id)
        )

    @strawberry.field
    async def unread_notification_count(self, info: Info) -> int:
        async with info.context.read() as session:
            counts = await service.unread_counts(session, [self.row.id])
        return counts.get(self.row.id, 0)

    @strawberry.field
    async def notification_preferences(self, info: Info) -> NotificationPreferences:
        async with info.context.read() as session:
            preferences = await service.preferences(session, self.row.id)
        return NotificationPreferences.from_preferences(self.row.id, preferences)
