"""Per-request DataLoaders: each domain has a `LoaderSet`, built on its first use in a request.

A domain's GraphQL types reach theirs as `HealthLoaders.of(info).facility_by_id`, typed end to
end, without a central list of every domain's loaders.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, Self, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from backend.db.reads import RequestReads

if TYPE_CHECKING:
    from backend.graphql_api.context import Info

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class HasId(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


R = TypeVar("R", bound=HasId)


class LoaderSet:
    """Base of a domain's loaders; subclasses create their DataLoaders in `__init__`."""

    def __init__(self, reads: RequestReads, now: Callable[[], datetime]) -> None:
        """Build this request's loaders over its reads; `now` is the request's clock."""

    @classmethod
    def of(cls, info: Info) -> Self:
        """This request's instance, made on first use."""
        return info.context.loader_set(cls)


def by_ids(
    reads: RequestReads,
    fetch: Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[Sequence[R]]],
) -> DataLoader[uuid.UUID, R | None]:
    """One statement per batch for rows by id; an absent id loads as None."""

    async def load(ids: list[uuid.UUID]) -> list[R | None]:
        async with reads.session() as session:
            rows = {row.id: row for row in await fetch(session, ids)}
        return [rows.get(key) for key in ids]

    return DataLoader(load_fn=load)


def by_keys(
    reads: RequestReads,
    fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[Mapping[K, V]]],
    missing: Callable[[], V],
) -> DataLoader[K, V]:
    """One statement per batch for a value per key (a list, a count); `missing()` for none."""

    async def load(keys: list[K]) -> list[V]:
        async with reads.session() as session:
            found = await fetch(session, keys)
        return [found[key] if key in found else missing() for key in keys]

    return DataLoader(load_fn=load)
