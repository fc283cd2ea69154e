"""Per-request DataLoaders; each batch opens its own short read session."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from backend.graphql_api.health.loaders import HealthLoaders
from backend.identity import service as identity
from backend.identity.models import RoleAssignment
from backend.places import service as places
from backend.places.models import Place, Ward


class HasId(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


R = TypeVar("R", bound=HasId)


def _by_id(
    sessions: async_sessionmaker[AsyncSession],
    fetch: Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[Sequence[R]]],
) -> DataLoader[uuid.UUID, R | None]:
    async def load(ids: list[uuid.UUID]) -> list[R | None]:
        async with sessions() as session:
            rows = {row.id: row for row in await fetch(session, ids)}
        return [rows.get(key) for key in ids]

    return DataLoader(load_fn=load)


class Loaders:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], now: Callable[[], datetime]
    ) -> None:
        self.place_by_id: DataLoader[uuid.UUID, Place | None] = _by_id(
            sessions, places.places_by_ids
        )
        self.ward_by_id: DataLoader[uuid.UUID, Ward | None] = _by_id(sessions, places.wards_by_ids)

        async def load_roles(user_ids: list[uuid.UUID]) -> list[list[RoleAssignment]]:
            async with sessions() as session:
                found = await identity.roles_of(session, user_ids)
            return [found[user_id] for user_id in user_ids]

        self.roles_by_user_id: DataLoader[uuid.UUID, list[RoleAssignment]] = DataLoader(
            load_fn=load_roles
        )
        self.health = HealthLoaders(sessions, now)
