"""The schema: every domain's queries and mutations, limits, error formatting."""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import DisableIntrospection
from strawberry.types import ExecutionContext

from backend.graphql_api.errors import ErrorFormatter, is_expected
from backend.graphql_api.health.mutations import HealthMutation
from backend.graphql_api.health.queries import HealthQuery
from backend.graphql_api.identity.mutations import IdentityMutation
from backend.graphql_api.identity.queries import IdentityQuery
from backend.graphql_api.limits import limit_extensions
from backend.graphql_api.notifications.mutations import NotificationsMutation
from backend.graphql_api.persisted import (
    DocumentStore,
    MemoryDocumentStore,
    RedisDocumentStore,
    TrustedDocuments,
    persisted_queries,
)
from backend.graphql_api.places.queries import PlacesQuery
from backend.settings import Settings

log = logging.getLogger("backend.graphql")


@strawberry.type
class Query(IdentityQuery, PlacesQuery, HealthQuery):
    @strawberry.field(description="Any object by its global id; null if absent or not yours.")
    async def node(self, info: strawberry.Info, id: relay.GlobalID) -> relay.Node | None:
        return await id.resolve_node(info, required=False)


@strawberry.type
class Mutation(IdentityMutation, NotificationsMutation, HealthMutation):
    pass


class CitizenSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log what went wrong unexpectedly, with its traceback; expected refusals are not news."""
        for error in errors:
            if not is_expected(error):
                log.error("graphql.unexpected_error", exc_info=error.original_error)


def build_schema(settings: Settings) -> CitizenSchema:
    store: DocumentStore = (
        RedisDocumentStore(settings.cache_redis_url)
        if settings.cache_redis_url
        else MemoryDocumentStore()
    )
    persisted = persisted_queries(
        store, TrustedDocuments.load(), trusted_only=settings.graphql_trusted_documents_only
    )
    extensions: list[Any] = [persisted, *limit_extensions(settings), ErrorFormatter]
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    return CitizenSchema(query=Query, mutation=Mutation, extensions=extensions)
