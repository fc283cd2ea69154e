"""Persisted queries.

- Automatic persisted queries (Apollo's protocol) save bandwidth: the app sends
  `extensions.persistedQuery.sha256Hash`; an unknown hash gets `PersistedQueryNotFound` and the
  app retries with the text, which is then remembered (Redis in production, memory otherwise).
  Queries can also come by GET, so public answers can be cached by a CDN.
- The trusted-documents manifest (`mobile_contract/persisted-queries.json`) is the security
  control: with `GRAPHQL_TRUSTED_DOCUMENTS_ONLY`, only its operations run, whoever asks.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import redis.asyncio as redis
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from backend.errors import ErrorCode
from backend.graphql_api.public_answers import is_public, selected_operation

# `contract` links to mobile_contract/ in the source tree and is a copy of it in an installed wheel.
MANIFEST = Path(__file__).resolve().parent / "contract" / "persisted-queries.json"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
PUBLIC_MAX_AGE_SECONDS = 60
# The app's largest operation is under 1 KB; a longer document still runs, it is just not
# remembered (the client sends its text again), so padding cannot fill a store.
MAX_STORED_DOCUMENT = 16 * 1024


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


class DocumentStore(Protocol):
    async def get(self, digest: str) -> str | None: ...

    async def put(self, digest: str, query: str) -> None: ...


class MemoryDocumentStore:
    """The embedded mode's store: an LRU in the one API process, bounded in entries and bytes."""

    def __init__(self, maxsize: int = 10_000, max_bytes: int = 16 * 1024 * 1024) -> None:
        self._maxsize = maxsize
        self._max_bytes = max_bytes
        self._bytes = 0
        self._queries: OrderedDict[str, str] = OrderedDict()

    async def get(self, digest: str) -> str | None:
        query = self._queries.get(digest)
        if query is not None:
            self._queries.move_to_end(digest)
        return query

    async def put(self, digest: str, query: str) -> None:
        if len(query) > MAX_STORED_DOCUMENT or digest in self._queries:
            return
        self._queries[digest] = query
        self._bytes += len(query)
        while len(self._queries) > self._maxsize or self._bytes > self._max_bytes:
            _, evicted = self._queries.popitem(last=False)
            self._bytes -= len(evicted)

    @property
    def size_in_bytes(self) -> int:
        return self._bytes


class RedisDocumentStore:
    """Shared by every API process; entries expire when no app has used them for a week."""

    def __init__(self, url: str, ttl_seconds: int = 7 * 24 * 3600) -> None:
        self._client = redis.Redis.from_url(url)
        self._ttl = ttl_seconds

    async def get(self, digest: str) -> str | None:
        value = await self._client.getex(f"apq:{digest}", ex=self._ttl)
        return value.decode() if isinstance(value, bytes) else value

    async def put(self, digest: str, query: str) -> None:
        if len(query) <= MAX_STORED_DOCUMENT:
            await self._client.set(f"apq:{digest}", query, ex=self._ttl)


class ManifestError(ValueError):
    """A manifest the server must not start with: it would trust something nobody reviewed."""


@dataclass(frozen=True)
class TrustedDocuments:
    by_hash: dict[str, str]

    @classmethod
    def load(cls, path: Path = MANIFEST, *extra: Path) -> TrustedDocuments:
        """The app's manifest and any native builds' manifests, merged. Every id must be the
        sha256 of its body: that is what a client's text is checked against, so an entry whose id
        were anything else would let its id run a document its text does not show."""
        by_hash: dict[str, str] = {}
        for manifest_path in (path, *extra):
            for operation in _operations(manifest_path):
                if sha256(operation["body"]) != operation["id"]:
                    raise ManifestError(
                        f"{manifest_path}: the id of {operation.get('name', '?')} "
                        "is not the sha256 of its body"
                    )
                by_hash[operation["id"]] = operation["body"]
        return cls(by_hash)


def _operations(path: Path) -> list[dict[str, str]]:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ManifestError(f"{path}: {error}") from error
    if manifest.get("format") != "apollo-persisted-query-manifest" or manifest.get("version") != 1:
        raise ManifestError(f"{path}: not an apollo-persisted-query-manifest, version 1")
    operations: list[dict[str, str]] = manifest.get("operations", [])
    return operations


def _error(message: str, code: ErrorCode) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.value})


def persisted_queries(
    store: DocumentStore, trusted: TrustedDocuments, *, trusted_only: bool
) -> type[SchemaExtension]:
    class PersistedQueries(SchemaExtension):
        async def on_operation(self) -> AsyncIterator[None]:
            context = self.execution_context
            requested = (context.operation_extensions or {}).get("persistedQuery")
            register: str | None = None
            if requested is not None:
                digest = _requested_hash(requested)
                if context.query:
                    if sha256(context.query) != digest:
                        raise _error("provided sha does not match query", ErrorCode.BAD_USER_INPUT)
                    if not trusted_only:
                        register = digest
                else:
                    known = trusted.by_hash.get(digest)
                    if known is None and not trusted_only:
                        known = await store.get(digest)
                    if known is None:
                        raise _error("PersistedQueryNotFound", ErrorCode.PERSISTED_QUERY_NOT_FOUND)
                    context.query = known
            if trusted_only and sha256(context.query or "") not in trusted.by_hash:
                raise _error(
                    "only the app's own operations are accepted", ErrorCode.OPERATION_NOT_ALLOWED
                )
            yield
            failed = bool(context.pre_execution_errors)
            # Only a document that parsed and passed validation and the limits is remembered:
            # garbage must not fill the store, nor be served back by its hash.
            if register is not None and not failed and context.graphql_document is not None:
                await store.put(register, context.query or "")
            if not failed and _shareable(context):
                _allow_shared_caching(context.context)

    return PersistedQueries


def _requested_hash(requested: object) -> str:
    if not isinstance(requested, dict) or requested.get("version") != 1:
        raise _error("unsupported persisted query version", ErrorCode.BAD_USER_INPUT)
    digest = requested.get("sha256Hash")
    if not isinstance(digest, str) or not SHA256.match(digest):
        raise _error("sha256Hash must be 64 lower-case hex digits", ErrorCode.BAD_USER_INPUT)
    return digest


def _shareable(context: ExecutionContext) -> bool:
    """An anonymous GET of a document that selects only public fields (never `viewer`)."""
    request = getattr(context.context, "request", None)
    document = context.graphql_document
    if request is None or document is None or getattr(request, "method", None) != "GET":
        return False
    if "authorization" in request.headers or getattr(context.context, "access_token", None):
        return False
    operation = selected_operation(document, context.operation_name)
    return operation is not None and is_public(document, operation)


def _allow_shared_caching(context: object) -> None:
    """Every answer is `private, no-store` (set before execution, see `http.py`) but this one:
    a CDN may keep it a minute, per language and media type."""
    response = getattr(context, "response", None)
    if response is not None:
        response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE_SECONDS}"
        response.headers["Vary"] = "Accept, Accept-Language"
