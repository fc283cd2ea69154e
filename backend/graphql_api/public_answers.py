"""Cached answers to anonymous, public queries: many people asking the same thing get one
execution.

An answer is cached only for one of the app's own operations (the trusted-documents manifest:
nobody can fill the cache with variants), when nobody is signed in, the operation is a query,
and every field at its root is one a domain declared public (`GraphQLParts.public_fields`:
places, facilities, slots — nothing under them reaches personal data). The key is the
document's hash, its variables and the language. Parsing, validation and the query limits still
run on every request; only execution is skipped.

Entries live for a few seconds, and every committed mutation moves a generation number that is
part of the key, so a change made through the API (a booking takes a seat) shows at once. With
Redis the entries and the generation are shared by every API process; without it each process
keeps its own.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Iterator
from functools import cache
from typing import Any, Protocol, cast

import orjson
import redis.asyncio as redis
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

from backend.graphql_api.parts import domain_parts
from backend.settings import Settings

GENERATION_KEY = "public:generation"


class AnswerStore(Protocol):
    async def get(self, key: str) -> bytes | None: ...

    async def put(self, key: str, answer: bytes) -> None: ...

    async def generation(self) -> int: ...

    async def invalidate(self) -> None: ...


class MemoryAnswerStore:
    """One process's answers: a bounded LRU whose entries expire after `ttl_seconds`."""

    def __init__(self, ttl_seconds: float, maxsize: int = 5_000) -> None:
        self._ttl = ttl_seconds
        self._maxsize = maxsize
        self._answers: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._generation = 0

    async def get(self, key: str) -> bytes | None:
        found = self._answers.get(key)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    async def put(self, key: str, answer: bytes) -> None:
        self._answers[key] = (time.monotonic() + self._ttl, answer)
        self._answers.move_to_end(key)
        if len(self._answers) > self._maxsize:
            self._answers.popitem(last=False)

    async def generation(self) -> int:
        return self._generation

    async def invalidate(self) -> None:
        self._generation += 1
        self._answers.clear()


class RedisAnswerStore:
    """Answers shared by every API process; the generation is one Redis counter."""

    def __init__(self, url: str, ttl_seconds: float) -> None:
        self._client = redis.Redis.from_url(url)
        self._ttl_ms = max(1, int(ttl_seconds * 1000))

    async def get(self, key: str) -> bytes | None:
        value = await self._client.get(f"public:{key}")
        return value if isinstance(value, bytes) else None

    async def put(self, key: str, answer: bytes) -> None:
        await self._client.set(f"public:{key}", answer, px=self._ttl_ms)

    async def generation(self) -> int:
        value = await self._client.get(GENERATION_KEY)
        return int(value) if value is not None else 0

    async def invalidate(self) -> None:
        await self._client.incr(GENERATION_KEY)


def answer_store(settings: Settings) -> AnswerStore:
    ttl = settings.public_answer_ttl_seconds
    if settings.cache_redis_url:
        return RedisAnswerStore(settings.cache_redis_url, ttl)
    return MemoryAnswerStore(ttl)


@cache
def public_fields() -> frozenset[str]:
    """Every domain's public query fields, and `__typename`."""
    return frozenset(
        {"__typename", *(name for parts in domain_parts() for name in parts.public_fields)}
    )


def selected_operation(
    document: DocumentNode, operation_name: str | None
) -> OperationDefinitionNode | None:
    """The operation a request runs, if the document and name pick exactly one."""
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
        and (
            operation_name is None
            or (definition.name is not None and definition.name.value == operation_name)
        )
    ]
    return operations[0] if len(operations) == 1 else None


def is_public(document: DocumentNode, operation: OperationDefinitionNode) -> bool:
    """Whether every root field of the query is public (fragments at the root included)."""
    if operation.operation is not OperationType.QUERY:
        return False
    allowed = public_fields()
    fragments = {
        definition.name.value: definition.selection_set
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    names = list(_root_fields(operation.selection_set, fragments, depth=0))
    return bool(names) and all(name in allowed for name in names)


def _root_fields(
    selections: SelectionSetNode, fragments: dict[str, SelectionSetNode], depth: int
) -> Iterator[str]:
    if depth > 10:
        yield "?"  # a fragment cycle is refused by validation; never cache it
        return
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection.name.value
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(selection.selection_set, fragments, depth + 1)
        elif isinstance(selection, FragmentSpreadNode):
            spread = fragments.get(selection.name.value)
            yield from _root_fields(spread, fragments, depth + 1) if spread else iter(["?"])


class PublicAnswers(SchemaExtension):
    """Serve a public query's answer from the store, or store the answer it produced."""

    store: AnswerStore
    trusted: frozenset[str]

    @classmethod
    def using(cls, store: AnswerStore, trusted: frozenset[str]) -> type[PublicAnswers]:
        """The extension for a schema: its store, and the hashes of the app's operations."""
        return type(cls.__name__, (cls,), {"store": store, "trusted": trusted})

    async def on_execute(self) -> Any:
        key = await self._key()
        cached: bytes | None = None
        if key is not None:
            cached = await self.store.get(key)
            if cached is not None:
                # Written into the answer as it was stored, still encoded (orjson embeds a
                # Fragment as it is): decoding it to encode it again was a sixth of a cached
                # answer's CPU. Nothing after this reads the data but the encoder.
                stored = cast(dict[str, Any], orjson.Fragment(cached))
                answer = ExecutionResult(data=stored)
                self.execution_context.result = answer
        yield
        result = self.execution_context.result
        if key is None or cached is not None or not isinstance(result, ExecutionResult):
            return
        if not result.errors and result.data is not None:
            try:
                encoded = orjson.dumps(result.data)
            except TypeError:  # what orjson refuses (an integer past 64 bits) is not cached
                return
            await self.store.put(key, encoded)

    async def _key(self) -> str | None:
        context = self.execution_context
        request = context.context
        if getattr(request, "access_token", None) is not None:
            return None
        document, query = context.graphql_document, context.query
        if document is None or query is None:
            return None
        digest = hashlib.sha256(query.encode()).hexdigest()
        if digest not in self.trusted:
            return None
        operation = selected_operation(document, context.operation_name)
        if operation is None or not is_public(document, operation):
            return None
        variables = _canonical(context.variables or {})
        locale = getattr(request, "locale", "")
        generation = await self.store.generation()
        material = f"{generation}\n{locale}\n{context.operation_name}\n{variables}\n{digest}"
        return hashlib.sha256(material.encode()).hexdigest()


def _canonical(variables: dict[str, Any]) -> str:
    """The variables as one text whatever their order: by orjson, the standard library for
    what orjson refuses (an integer past 64 bits)."""
    try:
        return orjson.dumps(variables, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return json.dumps(variables, sort_keys=True, separators=(",", ":"))
