"""Give every GraphQL error a machine-readable code and a message in the viewer's language.

Domain errors keep their code; GraphQL's own failures are classified; anything unexpected is
masked as INTERNAL (and logged with its traceback by `CitizenSchema.process_errors`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension
from strawberry.relay.types import GlobalIDValueError

from backend.errors import DomainError, ErrorCode
from backend.i18n import DEFAULT_LOCALE, Locale, translate

QUERY_TOO_COMPLEX_MARK = "query_too_complex"

_VARIABLE_VALUE = re.compile(r"^Variable '\$(?P<name>\w+)' got invalid value .*?(?: at '(?P<at>[^']+)')?;")
_BAD_LITERAL = re.compile(r"^(?:Argument '(?P<arg>\w+)'|.*does not exist in '\w+' enum)")
_LIMITERS = (
    re.compile(r"exceeds maximum operation depth"),
    re.compile(r"aliases found\. Allowed"),
    re.compile(r"Document contains more than \d+ tokens"),
)


def is_expected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is None or isinstance(original, DomainError | GlobalIDValueError)


class ErrorFormatter(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not getattr(result, "errors", None):
            return
        context = self.execution_context.context
        locale = getattr(context, "locale", DEFAULT_LOCALE)
        result.errors = [format_error(error, locale) for error in result.errors]


def format_error(error: GraphQLError, locale: Locale) -> GraphQLError:
    original = error.original_error
    if isinstance(original, DomainError):
        message = translate(original.message_key, locale, **original.params)
        return _with(error, message, original.extensions())
    if isinstance(original, GlobalIDValueError):
        return _with(
            error, translate("input.id_invalid", locale), {"code": ErrorCode.BAD_USER_INPUT.value}
        )
    if original is not None:
        return _with(error, translate("internal", locale), {"code": ErrorCode.INTERNAL.value})
    return _with(error, error.message, _classify(error))


def _classify(error: GraphQLError) -> dict[str, Any]:
    if (error.extensions or {}).get("code"):
        return dict(error.extensions or {})
    message = error.message
    if any(pattern.search(message) for pattern in _LIMITERS):
        return {"code": ErrorCode.QUERY_TOO_COMPLEX.value}
    if isinstance(error, GraphQLSyntaxError):
        return {"code": ErrorCode.GRAPHQL_PARSE_FAILED.value}
    if match := _VARIABLE_VALUE.match(message):
        return {"code": ErrorCode.BAD_USER_INPUT.value, "field": match["at"] or match["name"]}
    if match := _BAD_LITERAL.match(message):
        extensions: dict[str, Any] = {"code": ErrorCode.BAD_USER_INPUT.value}
        if match["arg"]:
            extensions["field"] = match["arg"]
        return extensions
    return {"code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value}


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
