"""Query limits that run at validation, before any resolver or SQL: depth, aliases, tokens, cost."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from backend.errors import ErrorCode
from backend.graphql_api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from backend.settings import Settings


def cost_rule(max_cost: int) -> type[ValidationRule]:
    """Each field costs 1, times the page size of every list around it. `first` given as a
    variable counts as the maximum page size: the check must hold before variables are read."""

    class QueryCostRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            document = context.document
            fragments = {
                definition.name.value: definition
                for definition in document.definitions
                if isinstance(definition, FragmentDefinitionNode)
            }
            for definition in document.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                cost = _selection_cost(definition.selection_set, fragments, frozenset())
                if cost > max_cost:
                    name = definition.name.value if definition.name else "anonymous"
                    context.report_error(
                        GraphQLError(
                            f"operation '{name}' costs {cost}; the limit is {max_cost}",
                            definition,
                            extensions={"code": ErrorCode.QUERY_TOO_COMPLEX.value},
                        )
                    )

    return QueryCostRule


def _selection_cost(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    visiting: frozenset[str],
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            children = _selection_cost(selection.selection_set, fragments, visiting)
            total += 1 + _multiplier(selection) * children
        elif isinstance(selection, InlineFragmentNode):
            total += _selection_cost(selection.selection_set, fragments, visiting)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in visiting:  # cycles are another rule's error
                total += _selection_cost(fragment.selection_set, fragments, visiting | {name})
    return total


def _multiplier(field: FieldNode) -> int:
    for argument in field.arguments or ():
        if argument.name.value == "first":
            if isinstance(argument.value, IntValueNode):
                return max(1, min(int(argument.value.value), MAX_PAGE_SIZE))
            return MAX_PAGE_SIZE
    return DEFAULT_PAGE_SIZE if _is_connection(field) else 1


def _is_connection(field: FieldNode) -> bool:
    return any(
        isinstance(selection, FieldNode) and selection.name.value in {"edges", "nodes"}
        for selection in (field.selection_set.selections if field.selection_set else ())
    )


class DocumentCache:
    """A bounded LRU of parsed documents, keyed by query text."""

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._documents: OrderedDict[str, DocumentNode] = OrderedDict()

    def get(self, query: str) -> DocumentNode | None:
        document = self._documents.get(query)
        if document is not None:
            self._documents.move_to_end(query)
        return document

    def put(self, query: str, document: DocumentNode) -> None:
        self._documents[query] = document
        if len(self._documents) > self._maxsize:
            self._documents.popitem(last=False)


def parser_cache(cache: DocumentCache) -> type[SchemaExtension]:
    """Reuse parsed documents. Unlike strawberry's ParserCache, a miss is parsed by strawberry
    itself, so syntax errors go through the normal error path (and get their codes)."""

    class CachedParsing(SchemaExtension):
        def on_parse(self) -> Iterator[None]:
            context = self.execution_context
            query = context.query
            hit = cache.get(query) if query else None
            if hit is not None:
                context.graphql_document = hit
            yield
            if hit is None and query and context.graphql_document is not None:
                cache.put(query, context.graphql_document)

    return CachedParsing


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension] | Any]:
    # The rule classes are made once: the validation cache is keyed by them, so a class made
    # per request (as QueryDepthLimiter and MaxAliasesLimiter do) would never hit the cache.
    rules: list[type[ASTValidationRule]] = [
        depth_rule(settings.graphql_max_depth, should_ignore=None),
        alias_rule(settings.graphql_max_aliases),
        cost_rule(settings.graphql_max_cost),
    ]
    return [
        lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
        parser_cache(DocumentCache(maxsize=512)),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=512),
    ]
