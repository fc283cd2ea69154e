"""Mutations of the push pipeline: devices, read receipts, preferences."""

from __future__ import annotations

import uuid
from datetime import time

import strawberry
from strawberry import relay

from backend.errors import BadUserInput
from backend.graphql_api.context import Info
from backend.graphql_api.identity.types import UserRef, user_node
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.notifications.types import (
    DeviceType,
    NotificationNode,
    NotificationPreferences,
)
from backend.i18n import Locale
from notifications import service
from notifications.models import Category, Platform, TargetKind
from notifications.service import DeviceRegistration

MAX_IDS = service.MAX_MARK_READ


@strawberry.input
class ReadNotificationsInput:
    ids: list[relay.GlobalID]


@strawberry.type(description="The entries marked read, and the viewer with the new unread count.")
class ReadNotificationsPayload:
    notifications: list[NotificationNode]
    viewer: UserRef


def _notification_ids(ids: list[relay.GlobalID], *, field: str = "ids") -> list[uuid.UUID]:
    if len(ids) > MAX_IDS:
        raise BadUserInput("input.list_size", field=field, max=MAX_IDS)
    return [decode_id(global_id, "Notification", field=field) for global_id in ids]


@strawberry.input(description="Give exactly one of token (FCM registration token) or fid.")
class RegisterDeviceInput:
    platform: Platform
    locale: Locale
    app_version: str
    token: str | None = None
    fid: str | None = strawberry.field(default=None, description="Firebase installation id.")
    home_ward: str | None = strawberry.field(
        default=None,
        description="Slug of the ward whose public alerts (floods, air quality) this phone gets.",
    )


@strawberry.input
class UnregisterDeviceInput:
    token: str = strawberry.field(description="The registration token or installation id.")


@strawberry.input
class CategoryPreferenceInput:
    category: Category
    enabled: bool


@strawberry.input
class QuietHoursInput:
    start: time
    end: time


@strawberry.input
class NotificationPreferencesInput:
    categories: list[CategoryPreferenceInput] = strawberry.field(default_factory=list)
    quiet_hours: QuietHoursInput | None = None
    clear_quiet_hours: bool = False


@strawberry.type
class NotificationsMutation:
    @strawberry.mutation(description="Register (or refresh) this phone for pushes; call at start.")
    async def register_device(self, info: Info, input: RegisterDeviceInput) -> DeviceType | None:
        viewer = await info.context.require_viewer()
        if (input.token is None) == (input.fid is None):
            raise BadUserInput("input.token_or_fid", field="token")
        registration = DeviceRegistration(
            target=input.token or input.fid or "",
            target_kind=TargetKind.TOKEN if input.token is not None else TargetKind.FID,
            platform=input.platform,
            locale=input.locale,
            app_version=input.app_version,
            home_ward=input.home_ward,
        )
        async with info.context.unit_of_work() as uow:
            device = await service.register_device(uow, viewer.id, registration, info.context.now())
        return DeviceType.from_row(device)

    @strawberry.mutation(description="Stop pushes to this phone (on sign-out).")
    async def unregister_device(self, info: Info, input: UnregisterDeviceInput) -> bool | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            return await service.unregister_device(uow, viewer.id, input.token)

    @strawberry.mutation(
        description="Mark inbox entries read; returns the unread count after.",
        deprecation_reason="Use `readNotifications`: it returns the notifications and the "
        "viewer, so a client's cache learns both.",
    )
    async def mark_notifications_read(self, info: Info, ids: list[relay.GlobalID]) -> int | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            await service.mark_read(uow, viewer.id, _notification_ids(ids), info.context.now())
            counts = await service.unread_counts(uow.session, [viewer.id])
        return counts.get(viewer.id, 0)

    @strawberry.mutation(
        description="Mark inbox entries read, all or none (an id that is not yours is "
        "NOT_FOUND): the entries and your new unread count come back."
    )
    async def read_notifications(
        self, info: Info, input: ReadNotificationsInput
    ) -> ReadNotificationsPayload | None:
        viewer = await info.context.require_viewer()
        wanted = _notification_ids(input.ids, field="input.ids")
        async with info.context.unit_of_work() as uow:
            await service.mark_read(uow, viewer.id, wanted, info.context.now())
        found = await NotificationNode.fetch(info, wanted)
        return ReadNotificationsPayload(
            notifications=[node for node in found if node is not None], viewer=user_node(viewer)
        )

    @strawberry.mutation
    async def update_notification_preferences(
        self, info: Info, input: NotificationPreferencesInput
    ) -> NotificationPreferences | None:
        viewer = await info.context.require_viewer()
        if len(input.categories) > len(Category):
            raise BadUserInput("input.list_size", field="categories", max=len(Category))
        quiet = input.quiet_hours
        async with info.context.unit_of_work() as uow:
            preferences = await service.update_preferences(
                uow,
                viewer.id,
                categories={item.category: item.enabled for item in input.categories},
                quiet_hours=(quiet.start, quiet.end) if quiet is not None else None,
                clear_quiet_hours=input.clear_quiet_hours,
            )
        return NotificationPreferences.from_preferences(viewer.id, preferences)
