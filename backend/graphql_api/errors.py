"""Give every GraphQL error a machine-readable code and a message in the viewer's language.

Domain errors keep their code; GraphQL's own failures are classified; anything unexpected is
masked as INTERNAL (and logged with its traceback by `CitizenSchema.process_errors`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import ArgumentNode, DocumentNode, GraphQLError, GraphQLSyntaxError, Visitor, visit
from strawberry.extensions import SchemaExtension
from strawberry.relay.types import GlobalIDValueError

from backend.errors import DomainError, ErrorCode
from backend.i18n import DEFAULT_LOCALE, Locale, field_label, translate

QUERY_TOO_COMPLEX_MARK = "query_too_complex"

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


def is_expected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is None or isinstance(original, DomainError | GlobalIDValueError | GraphQLError)


class ErrorFormatter(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        context = self.execution_context.context
        locale = getattr(context, "locale", DEFAULT_LOCALE)
        document = self.execution_context.graphql_document
        result.errors = [format_error(error, locale, document) for error in result.errors]


def format_error(
    error: GraphQLError, locale: Locale, document: DocumentNode | None = None
) -> GraphQLError:
    original = error.original_error
    if isinstance(original, DomainError):
        params = dict(original.params)
        if original.field:
            params["field"] = field_label(original.field, locale)
        message = translate(original.message_key, locale, **params)
        return _with(error, message, original.extensions())
    if isinstance(original, GlobalIDValueError):
        return _with(
            error, translate("input.id_invalid", locale), {"code": ErrorCode.BAD_USER_INPUT.value}
        )
    if original is not None and not isinstance(original, GraphQLError):
        return _with(error, translate("internal", locale), {"code": ErrorCode.INTERNAL.value})
    return _with(error, error.message, _classify(error, document))


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
