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
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
    get_nullable_type,
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

# What a plain list (not a connection) is assumed to hold when costing a document: lists have no
# `first`, and a facility's practitioners or specialties run to a few dozen. Counting them as 1
# let `practitioners { facility { practitioners { … } } }` grow as P⁴ inside the depth limit.
PLAIN_LIST_SIZE = 20


def cost_rule(max_cost: int) -> type[ValidationRule]:
    """Each field costs 1, times the size of every list around it: a connection's page size
    (`first`, or the default; a variable counts as the maximum, since the check must hold before
    variables are read) and `PLAIN_LIST_SIZE` for a plain list, whose type says it is one."""

    class QueryCostRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            document = context.document
            fragments = {
                definition.name.value: definition
                for definition in document.definitions
                if isinstance(definition, FragmentDefinitionNode)
            }
            schema = context.schema
            for definition in document.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                root = schema.get_root_type(definition.operation)
                cost = _Costing(schema, fragments).selection(definition.selection_set, root)
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


class _Costing:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.fragments = fragments

    def selection(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        visiting: frozenset[str] = frozenset(),
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                definition = _field(parent, selection.name.value)
                child = get_named_type(definition.type) if definition else None
                children = self.selection(selection.selection_set, child, visiting)
                total += 1 + _multiplier(selection, definition, parent) * children
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection(selection.selection_set, inner, visiting)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in visiting:  # cycles: another rule's error
                    inner = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.selection(fragment.selection_set, inner, visiting | {name})
        return total


def _field(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        found: GraphQLField | None = parent.fields.get(name)
        return found
    return None


def _multiplier(
    field: FieldNode, definition: GraphQLField | None, parent: GraphQLNamedType | None
) -> int:
    for argument in field.arguments or ():
        if argument.name.value == "first":
            if isinstance(argument.value, IntValueNode):
                return max(1, min(int(argument.value.value), MAX_PAGE_SIZE))
            return MAX_PAGE_SIZE
    if _is_connection(field):
        return DEFAULT_PAGE_SIZE
    in_connection = parent is not None and parent.name.endswith("Connection")
    plain_list = definition is not None and isinstance(
        get_nullable_type(definition.type), GraphQLList
    )
    # A connection's `edges` are the page its `first` already counted.
    return PLAIN_LIST_SIZE if plain_list and not in_connection else 1


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
