"""Cached answers to anonymous, public queries: many people asking the same thing get one
execution.

An answer is cached only for one of the app's own operations (the trusted-documents manifest:
nobody can fill the cache with variants), when nobody is signed in, the operation is a query,
and every field at its root is one a domain declared public (`GraphQLParts.public_fields`:
places, facilities, slots — nothing under them reaches personal data). The key is the
document's hash, the operation's name, its variables and the language. An app POST is looked up
before Strawberry runs (`PublicAnswers.stored`): an answer is stored only after its document with
the same variables passed parsing, validation and the limits, which depend on nothing else. A
GET is looked up by the schema extension, after validation.

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
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, NamedTuple, Protocol, cast

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
    parse,
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
    """Serve a public query's answer from the store, or store the answer it produced.

    The GraphQL router asks `stored` first, before Strawberry parses anything: an app operation
    is known by its hash, its document was parsed once here, and an answer is only ever stored
    after that document with the same variables passed parsing, validation and the limits, which
    depend on nothing else. A hit there skips Strawberry's stages (two fifths of a hit's CPU);
    this extension serves what the router did not look up."""

    store: AnswerStore
    trusted: Mapping[str, str]  # the app's operations: body by hash
    # By hash, then the name a request gives: the public operation it runs. Worked out once.
    public: dict[str, dict[str | None, _Named]]

    @classmethod
    def using(cls, store: AnswerStore, trusted: Mapping[str, str]) -> type[PublicAnswers]:
        """The extension for a schema: its store, and the app's operations by hash."""
        attributes = {"store": store, "trusted": trusted, "public": {}}
        return type(cls.__name__, (cls,), attributes)

    @classmethod
    async def stored(
        cls,
        request: object,
        query: str | None,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        extensions: dict[str, Any] | None,
    ) -> bytes | None:
        """The stored answer of an anonymous request for a public app operation, if any."""
        key = await cls._key_of(request, _digest(query, extensions), operation_name, variables)
        return await cls.store.get(key) if key is not None else None

    @classmethod
    def _public_operation(cls, digest: str, operation_name: str | None) -> _Named | None:
        """The public operation of an app document a request runs, by the name it gives."""
        by_name = cls.public.get(digest)
        if by_name is None:
            body = cls.trusted.get(digest)
            if body is None:
                return None
            document = parse(body)
            names = {
                definition.name.value if definition.name else None
                for definition in document.definitions
                if isinstance(definition, OperationDefinitionNode)
            }
            by_name = {}
            for name in {*names, None}:
                operation = selected_operation(document, name)
                if operation is not None and is_public(document, operation):
                    own = operation.name.value if operation.name else None
                    by_name[name] = _Named(own)
            cls.public[digest] = by_name
        return by_name.get(operation_name)

    @classmethod
    async def _key_of(
        cls,
        request: object,
        digest: str | None,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> str | None:
        """An answer's key, if the request is anonymous and runs a public app operation."""
        if digest is None or getattr(request, "access_token", None) is not None:
            return None
        operation = cls._public_operation(digest, operation_name)
        if operation is None:
            return None
        locale = getattr(request, "locale", "")
        generation = await cls.store.generation()
        material = f"{generation}\n{locale}\n{operation.name}\n{_canonical(variables or {})}"
        return hashlib.sha256(f"{material}\n{digest}".encode()).hexdigest()

    async def on_execute(self) -> Any:
        key = await self._key()
        cached: bytes | None = None
        if key is not None:
            cached = await self.store.get(key)
            if cached is not None:
                answer = ExecutionResult(data=stored_data(cached))
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
        if context.graphql_document is None or context.query is None:
            return None
        digest = _sha256(context.query)
        return await self._key_of(
            context.context, digest, context.operation_name, context.variables
        )


class _Named(NamedTuple):
    name: str | None  # the operation's own name, part of an answer's key


def stored_data(answer: bytes) -> dict[str, Any]:
    """A stored answer's data as the answer's `data`, still encoded (orjson writes a Fragment as
    it is): decoding it to encode it again was a sixth of a cached answer's CPU. Nothing after
    this reads the data but the encoder."""
    return cast(dict[str, Any], orjson.Fragment(answer))


def _digest(query: str | None, extensions: dict[str, Any] | None) -> str | None:
    """The hash of the document a request names: its text's, or the persisted query's it asks
    for by hash alone (a text and a hash both given are left to the persisted-query check)."""
    if query is not None:
        return None if extensions and "persistedQuery" in extensions else _sha256(query)
    requested = (extensions or {}).get("persistedQuery")
    if not isinstance(requested, dict) or requested.get("version") != 1:
        return None
    digest = requested.get("sha256Hash")
    return digest if isinstance(digest, str) else None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _canonical(variables: dict[str, Any]) -> str:
    """The variables as one text whatever their order: by orjson, the standard library for
    what orjson refuses (an integer past 64 bits)."""
    try:
        return orjson.dumps(variables, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return json.dumps(variables, sort_keys=True, separators=(",", ":"))
