"""Give every GraphQL error a machine-readable code and a message in the viewer's language.

Domain errors keep their code; GraphQL's own failures are classified; a database or broker that
cannot be reached is SERVICE_UNAVAILABLE (retryable); anything else unexpected is masked as
INTERNAL (and logged with its traceback by `CitizenSchema.process_errors`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import asyncpg  # type: ignore[import-untyped]
import kombu.exceptions
import redis.exceptions
from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSyntaxError,
    Visitor,
    visit,
)
from sqlalchemy import exc as sa_exc
from strawberry.extensions import SchemaExtension
from strawberry.relay.types import GlobalIDValueError

from backend.errors import DomainError, ErrorCode
from backend.graphql_api.parts import field_catalogues
from backend.i18n import DEFAULT_LOCALE, Locale, field_label, translate

if TYPE_CHECKING:
    from strawberry.types import ExecutionContext
    from strawberry.types.execution import StreamExecutionResult

    from backend.settings import Settings

# What an outage answer suggests waiting (extensions.retryAfterSeconds, and Retry-After).
OUTAGE_RETRY_AFTER_SECONDS = 5

# graphql-core 3.2 and 3.3 word variable coercion errors differently; both name the path.
_VARIABLE_VALUE = re.compile(
    r"^Variable '\$(?P<name>\w+)' (?:got invalid value .*? at '(?P<at>[^']+)'"
    r"|has invalid value at (?P<suffix>[\w.\[\]]+):|got invalid value|has invalid value)"
)
_BAD_LITERAL = re.compile(
    r"^(?:Argument '(?P<arg>\w+)'|.*does not exist in '\w+' enum"
    r"|.* cannot represent |Expected value of type)"
)
_LIMITERS = (
    re.compile(r"exceeds maximum operation depth"),
    re.compile(r"aliases found\. Allowed"),
    re.compile(r"Document contains more than \d+ tokens"),
)
# graphql-core's `did_you_mean` always ends a message with " Did you mean …?".
_SUGGESTION = re.compile(r" Did you mean .*\?$", re.DOTALL)

# Failures that mean "cannot reach the database or the broker right now", not a bug.
_OUTAGES: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,  # no pooled connection came free in time
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,  # shutting down, starting up, timed out
    asyncpg.exceptions.InsufficientResourcesError,  # too many connections, disk full
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
    ConnectionError,
)
# An OSError (a timeout, a host name that does not resolve) is an outage when a driver raised it.
_DRIVERS = frozenset({"asyncpg", "aiosqlite", "sqlite3", "sqlalchemy", "redis", "kombu", "amqp"})


def is_outage(error: BaseException) -> bool:
    """Whether `error`, or what it was raised from, says a backing service is out of reach."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _OUTAGES):
            return True
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, OSError) and _raised_by_driver(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _raised_by_driver(error: BaseException) -> bool:
    frame = error.__traceback__
    while frame is not None:
        module = frame.tb_frame.f_globals.get("__name__", "")
        if isinstance(module, str) and module.partition(".")[0] in _DRIVERS:
            return True
        frame = frame.tb_next
    return False


def without_suggestions(message: str) -> str:
    """Drop graphql-core's "Did you mean …?": in production it would spell out the schema."""
    return _SUGGESTION.sub("", message)


def is_expected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is None or isinstance(original, DomainError | GlobalIDValueError | GraphQLError)


class ErrorFormatter(SchemaExtension):
    hide_suggestions: ClassVar[bool] = False

    @classmethod
    def using(cls, settings: Settings) -> type[ErrorFormatter]:
        """The formatter for these settings: production hides "Did you mean …?" suggestions."""
        hide = settings.is_production

        class ConfiguredErrorFormatter(cls):  # type: ignore[valid-type,misc]
            hide_suggestions = hide

        return ConfiguredErrorFormatter

    def __init__(self, *, execution_context: ExecutionContext | None = None) -> None:
        super().__init__(execution_context=execution_context)
        self._formatted: set[int] = set()

    def on_operation(self) -> Iterator[None]:
        yield
        self._format(self.execution_context.result)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        """Each result of a subscription (WebSocket) is coded like a query's."""
        self._format(result)
        yield

    def _format(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        # A stream's first result may also be the operation's: format each result once.
        if not errors or id(result) in self._formatted:
            return
        self._formatted.add(id(result))
        context = self.execution_context.context
        locale = getattr(context, "locale", DEFAULT_LOCALE)
        document = self.execution_context.graphql_document
        result.errors = [  # type: ignore[attr-defined]
            format_error(error, locale, document, hide_suggestions=self.hide_suggestions)
            for error in errors
        ]


def format_error(
    error: GraphQLError,
    locale: Locale,
    document: DocumentNode | None = None,
    *,
    hide_suggestions: bool = False,
) -> GraphQLError:
    original = error.original_error
    if isinstance(original, DomainError):
        params = dict(original.params)
        if original.field:
            params["field"] = field_label(original.field, locale, catalogue_of(error.path))
        message = translate(original.message_key, locale, **params)
        extensions = original.extensions()
        if original.field:
            extensions["field"] = input_path(original.field, error.nodes)
        return _with(error, message, extensions)
    if isinstance(original, GlobalIDValueError):
        return _with(
            error, translate("input.id_invalid", locale), {"code": ErrorCode.BAD_USER_INPUT.value}
        )
    if original is not None and not isinstance(original, GraphQLError):
        if is_outage(original):
            return _with(error, translate("service.unavailable", locale), outage_extensions())
        return _with(error, translate("internal", locale), {"code": ErrorCode.INTERNAL.value})
    extensions = _classify(error, document)
    message = without_suggestions(error.message) if hide_suggestions else error.message
    return _with(error, message, extensions)


def catalogue_of(path: Any) -> str | None:
    """The catalogue of the domain whose field failed: its root field's, or under `viewer`, the
    viewer field's."""
    names = [step for step in path or () if isinstance(step, str)]
    catalogues = field_catalogues()
    for name in names[:2]:
        if name in catalogues and name != "viewer":
            return catalogues[name]
    return None


def input_path(field: str, nodes: Any) -> str:
    """Where the named input sits in the request, as variable errors report it: a service names
    `phone`, the app sent it as `input.phone` (or as the argument `phone` itself)."""
    if not nodes or not isinstance(nodes[0], FieldNode):
        return field
    arguments = {argument.name.value for argument in nodes[0].arguments or ()}
    if "input" not in arguments or re.split(r"[.\[]", field, maxsplit=1)[0] in arguments:
        return field
    return f"input.{field}"


def outage_extensions() -> dict[str, Any]:
    return {
        "code": ErrorCode.SERVICE_UNAVAILABLE.value,
        "retryAfterSeconds": OUTAGE_RETRY_AFTER_SECONDS,
    }


def has_code(error: GraphQLError) -> bool:
    return bool((error.extensions or {}).get("code"))


def _classify(error: GraphQLError, document: DocumentNode | None) -> dict[str, Any]:
    if (error.extensions or {}).get("code"):
        return dict(error.extensions or {})
    message = error.message
    if any(pattern.search(message) for pattern in _LIMITERS):
        return {"code": ErrorCode.QUERY_TOO_COMPLEX.value}
    if isinstance(error, GraphQLSyntaxError):
        return {"code": ErrorCode.GRAPHQL_PARSE_FAILED.value}
    if match := _VARIABLE_VALUE.match(message):
        field = match["at"] or match["name"] + (match["suffix"] or "")
        return {"code": ErrorCode.BAD_USER_INPUT.value, "field": field}
    if match := _BAD_LITERAL.match(message):
        extensions: dict[str, Any] = {"code": ErrorCode.BAD_USER_INPUT.value}
        field = match["arg"] or _argument_around(document, error.nodes)
        if field:
            extensions["field"] = field
        return extensions
    return {"code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value}


def _argument_around(document: DocumentNode | None, nodes: Any) -> str | None:
    """The name of the argument whose literal value holds the offending node."""
    if document is None or not nodes or nodes[0].loc is None:
        return None
    start = nodes[0].loc.start
    found: list[str] = []

    class Finder(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
            if node.loc is not None and node.loc.start <= start < node.loc.end:
                found.append(node.name.value)

    visit(document, Finder())
    return found[-1] if found else None


def _with(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )
