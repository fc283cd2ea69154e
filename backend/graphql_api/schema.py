"""The schema: every domain's queries and mutations, limits, error formatting.

`Query` and `Mutation` are composed from the parts each domain declares (`backend/domains.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext

from backend.graphql_api.context import Info
from backend.graphql_api.errors import ErrorFormatter, is_expected
from backend.graphql_api.hooks import LeanRunner, StageHooks
from backend.graphql_api.limits import document_checks
from backend.graphql_api.parts import compose, domain_parts
from backend.graphql_api.persisted import (
    MANIFEST,
    DocumentStore,
    MemoryDocumentStore,
    RedisDocumentStore,
    TrustedDocuments,
    persisted_queries,
)
from backend.graphql_api.plans import QueryPlans
from backend.graphql_api.public_answers import AnswerStore, PublicAnswers
from backend.settings import Settings

log = logging.getLogger("backend.graphql")


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id; null if absent or not yours.")
    async def node(self, info: Info, id: relay.GlobalID) -> relay.Node | None:
        return await id.resolve_node(info, required=False)


Query = compose("Query", [NodeQuery, *(p.query for p in domain_parts() if p.query)])
Mutation = compose("Mutation", [p.mutation for p in domain_parts() if p.mutation])
Subscription = compose("Subscription", [p.subscription for p in domain_parts() if p.subscription])


class CitizenSchema(strawberry.Schema):
    def __init__(
        self,
        *args: Any,
        query_plans: bool = True,
        public_answers: type[PublicAnswers] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.plans = QueryPlans(self) if query_plans else None
        # Also one of the extensions; the router looks an answer up before Strawberry runs.
        self.public_answers = public_answers
        self.stage_hooks = None if self.directives else StageHooks.of(self.extensions)

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        """The extensions' hooks run by `LeanRunner` (see `hooks`) where it covers them."""
        if self.stage_hooks is None:
            return super().create_extensions_runner(execution_context, extensions)
        return LeanRunner(execution_context, extensions, self.stage_hooks)

    def _get_execute_function(self) -> Callable[..., Any]:
        """Queries run as compiled plans (see `plans`); the rest through graphql-core."""
        return self.plans.execute if self.plans else super()._get_execute_function()

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log what went wrong unexpectedly, with its traceback; expected refusals are not news."""
        for error in errors:
            if not is_expected(error):
                log.error("graphql.unexpected_error", exc_info=error.original_error)


def build_schema(settings: Settings, answers: AnswerStore | None = None) -> CitizenSchema:
    store: DocumentStore = (
        RedisDocumentStore(settings.cache_redis_url)
        if settings.cache_redis_url
        else MemoryDocumentStore()
    )
    trusted = TrustedDocuments.load(MANIFEST, *settings.graphql_extra_manifests)
    persisted = persisted_queries(
        store, trusted, trusted_only=settings.graphql_trusted_documents_only
    )
    extensions: list[Any] = [persisted, document_checks(settings), ErrorFormatter.using(settings)]
    public_answers = None
    if answers is not None and settings.public_answer_ttl_seconds > 0:
        public_answers = PublicAnswers.using(answers, trusted.by_hash)
        extensions.append(public_answers)
    return CitizenSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        query_plans=settings.graphql_query_plans,
        public_answers=public_answers,
    )
