"""Query limits that run at validation, before any resolver or SQL: depth, aliases, tokens, cost."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

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
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.schema import validate_document

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
    """A bounded LRU of parsed documents and their validation errors, keyed by query text."""

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._entries: OrderedDict[str, tuple[DocumentNode, list[GraphQLError] | None]] = (
            OrderedDict()
        )

    def get(self, query: str) -> tuple[DocumentNode, list[GraphQLError] | None] | None:
        entry = self._entries.get(query)
        if entry is not None:
            self._entries.move_to_end(query)
        return entry

    def put(self, query: str, document: DocumentNode, errors: list[GraphQLError] | None) -> None:
        self._entries[query] = (document, errors)
        if len(self._entries) > self._maxsize:
            self._entries.popitem(last=False)


def document_checks(settings: Settings) -> type[SchemaExtension]:
    """Parsing and validation with the limits, each done once per query text.

    One extension for what Strawberry's MaxTokensLimiter, AddValidationRules, ValidationCache and
    DisableIntrospection do: Strawberry wraps every hook of every extension per request, which
    cost more than executing `{ __typename }`. A miss is parsed by Strawberry itself, so syntax
    errors take the normal error path (and get their codes).
    """
    # The rule classes are made once (QueryDepthLimiter and MaxAliasesLimiter make one per
    # request, which would defeat the cache).
    rules: tuple[type[ASTValidationRule], ...] = (
        depth_rule(settings.graphql_max_depth, should_ignore=None),
        alias_rule(settings.graphql_max_aliases),
        cost_rule(settings.graphql_max_cost),
    )
    if not settings.introspection_enabled:
        rules += (NoSchemaIntrospectionCustomRule,)
    cache = DocumentCache(maxsize=512)

    class DocumentChecks(SchemaExtension):
        def on_parse(self) -> Iterator[None]:
            context = self.execution_context
            query = context.query
            hit = cache.get(query) if query else None
            if hit is not None:
                context.graphql_document = hit[0]
            else:
                context.parse_options["max_tokens"] = settings.graphql_max_tokens
            yield
            if hit is None and query and context.graphql_document is not None:
                cache.put(query, context.graphql_document, None)

        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            document = context.graphql_document
            assert document is not None
            hit = cache.get(context.query) if context.query else None
            if hit is not None and hit[0] is document and hit[1] is not None:
                context.pre_execution_errors = hit[1]
            else:
                errors = validate_document(
                    context.schema._schema, document, (*context.validation_rules, *rules)
                )
                context.pre_execution_errors = errors
                if hit is not None and hit[0] is document:
                    cache.put(context.query or "", document, errors)
            yield

    return DocumentChecks
