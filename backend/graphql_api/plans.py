"""Query plans: a document's selections worked out once, then run over the resolvers' values
without graphql-core's per-field machinery.

graphql-core works out, for every field of every object of every request, what the document asks
for (collecting fields, coercing arguments, building resolve infos, checking types), and Strawberry
wraps each resolver call in a few more layers: about 10 µs per field, most of a list answer's CPU.
A plan does that work once per document, operation and `@skip`/`@include` values. Running it:

- the request's arguments are coerced once per field, not once per object;
- a plain field is one attribute read, a resolver one call, a leaf one `coerce_output_value`;
- objects are completed level by level: every resolver of one level runs before any of the next,
  and the level's awaitables are awaited together, so loaders batch across the whole level.

Same schema, resolvers, validation, limits and error handling: null propagation, error messages
and paths follow graphql-core. One difference a resolver could see: `info.path` is the path of the
first object its field is resolved for (one `Info` serves the field's whole level); a field
marked `by_level` is asked once per level for all its parents' values. Operations a
plan does not cover go to graphql-core: mutations of more than one root field (those run one
after another), subscriptions, introspection, directives other than `@skip`/`@include`,
fragment variables, and resolvers wrapped by field extensions, exception handlers or schema
middleware.
`tests/graphql_api/test_plans.py` runs every contract operation through both and compares.
"""

from __future__ import annotations

import asyncio
import math
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import GeneratorType
from typing import TYPE_CHECKING, Any, cast

from graphql import (
    BooleanValueNode,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    execute,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
)
from graphql.error import located_error
from graphql.execution import Executor, MiddlewareManager
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path
from graphql.pyutils.undefined import Undefined
from strawberry import relay
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.relay.utils import to_base64
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.field import StrawberryField

from backend.graphql_api.input_conversion import Converter, converter
from backend.graphql_api.nodes import RowNode
from backend.graphql_api.public_answers import selected_operation

if TYPE_CHECKING:
    from strawberry.schema.schema import Schema as StrawberrySchema

_SWITCHES = frozenset({"skip", "include"})
_STRAWBERRY = GraphQLCoreConverter.DEFINITION_BACKREF


class Unplannable(Exception):
    """The document uses something plans don't cover: graphql-core runs it."""


_BY_LEVEL = "__citizen_by_level__"


def by_level(
    many: Callable[[Any, list[Any]], Awaitable[Sequence[Any]]],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Marks a resolver without arguments (but `info`) whose values a plan fetches for a whole
    level at once: `many(info, parents)` returns one value per parent, in order (or an exception
    in a parent's place). graphql-core still calls the resolver per object. A per-object
    resolver that awaits a loader costs a coroutine, a future and the loader's bookkeeping per
    object: a page of 20 facilities spent more on that than on its next slots' statement."""

    def mark(resolver: Callable[..., Any]) -> Callable[..., Any]:
        setattr(resolver, _BY_LEVEL, many)
        return resolver

    return mark


# How a field gets its value from its parent.
TYPENAME, ATTRIBUTE, CALL, GENERAL, ROW_ID, LEVEL = range(6)
# What a value of an output type becomes in the answer.
LEAF, LIST, COMPOSITE = range(3)
_INT_RANGE = range(-(2**31), 2**31)


@dataclass(eq=False, slots=True)
class Completion:
    """An output type worked out once: whether it may be null, what kind of value it holds,
    and for leaves the values that are their own output (a `str` of a `String`, a member of an
    enum by its name), which then skip graphql-core's serializers."""

    nullable: bool
    of_type: GraphQLOutputType  # without its non-null wrapper
    kind: int
    item: Completion | None = None
    plain: type[Any] | None = None
    names: dict[Any, str] | None = None
    # A composite's object type when it has one runtime type (not an interface or union).
    object_type: GraphQLObjectType | None = None

    def output(self, value: Any) -> Any:
        """A leaf's output, or `Undefined` where the serializer must decide."""
        if type(value) is not self.plain:
            return Undefined
        if self.names is not None:
            return self.names.get(value, Undefined)
        if self.plain is int and value not in _INT_RANGE:
            return Undefined
        if self.plain is float and not math.isfinite(value):
            return Undefined
        return value


_PLAIN_LEAVES: dict[GraphQLScalarType, type] = {
    GraphQLString: str,
    GraphQLID: str,
    GraphQLBoolean: bool,
    GraphQLInt: int,
    GraphQLFloat: float,
}


def completion_of(type_: GraphQLOutputType) -> Completion:
    nullable = not isinstance(type_, GraphQLNonNull)
    inner = type_ if nullable else type_.of_type  # type: ignore[union-attr]
    if isinstance(inner, GraphQLList):
        return Completion(nullable, inner, LIST, item=completion_of(inner.of_type))
    if not is_leaf_type(inner):
        object_type = inner if is_object_type(inner) else None
        return Completion(nullable, inner, COMPOSITE, object_type=object_type)
    enum = _enum_names(inner)
    if enum is not None:
        return Completion(nullable, inner, LEAF, plain=enum[0], names=enum[1])
    plain = _PLAIN_LEAVES.get(inner) if isinstance(inner, GraphQLScalarType) else None
    return Completion(nullable, inner, LEAF, plain=plain)


def _enum_names(type_: Any) -> tuple[type, dict[Any, str]] | None:
    """A Strawberry enum's class, and its members by the name each serializes to (its first
    GraphQL value of the same value, as `CustomGraphQLEnumType.coerce_output_value` picks)."""
    wrapped = getattr(type_, "wrapped_cls", None)
    if not isinstance(type_, GraphQLEnumType) or wrapped is None:
        return None
    names: dict[Any, str] = {}
    for member in wrapped:
        for name, value in type_.values.items():
            if member.value == value.value:
                names[member] = name
                break
    return wrapped, names


@dataclass(eq=False, slots=True)
class FieldPlan:
    key: str
    nodes: list[FieldNode]
    definition: GraphQLField
    parent_type: GraphQLObjectType
    kind: int
    attribute: str = ""
    strawberry: StrawberryField | None = None
    # Where a CALL resolver takes its parent: positionally (`self`) and/or by these names.
    passes_self: bool = False
    source_names: tuple[str, ...] = ()
    # A ROW_ID field's node class: `id` computed from the row, as Relay's resolver would.
    node_class: type | None = None
    # A LEVEL field's values for all its parents at once (`by_level`).
    many: Callable[[Any, list[Any]], Awaitable[Sequence[Any]]] | None = None
    # A CALL resolver's arguments: (GraphQL name, Python name, conversion to Python, or None
    # where values pass as they are).
    arguments: tuple[tuple[str, str, Converter | None], ...] = ()
    # Sub-plans by runtime object type, compiled on first use (abstract types have several).
    objects: dict[GraphQLObjectType, ObjectPlan] = field(default_factory=dict)
    completion: Completion = field(init=False)

    def __post_init__(self) -> None:
        self.completion = completion_of(self.definition.type)

    @property
    def description(self) -> str:
        return f"{self.parent_type.name}.{self.nodes[0].name.value}"


@dataclass(eq=False, slots=True)
class ObjectPlan:
    type: GraphQLObjectType
    fields: list[FieldPlan]


@dataclass(eq=False, slots=True)
class OperationPlan:
    root: ObjectPlan
    compiler: Compiler


class Compiler:
    """Turns selection sets into plans, for one document and one set of switch values."""

    def __init__(
        self,
        strawberry_schema: StrawberrySchema,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        switches: Mapping[str, Any],
    ) -> None:
        self.strawberry_schema = strawberry_schema
        self.schema = schema
        self.fragments = fragments
        self.switches = switches

    def object_plan(
        self, object_type: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode]
    ) -> ObjectPlan:
        grouped: dict[str, list[FieldNode]] = {}
        for selection_set in selection_sets:
            self._collect(object_type, selection_set, grouped, set())
        return ObjectPlan(
            object_type, [self._field_plan(object_type, k, n) for k, n in grouped.items()]
        )

    def sub_plan(self, field_plan: FieldPlan, object_type: GraphQLObjectType) -> ObjectPlan:
        plan = field_plan.objects.get(object_type)
        if plan is None:
            selection_sets = [n.selection_set for n in field_plan.nodes if n.selection_set]
            plan = field_plan.objects[object_type] = self.object_plan(object_type, selection_sets)
        return plan

    def _collect(
        self,
        object_type: GraphQLObjectType,
        selection_set: SelectionSetNode,
        grouped: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(condition.name.value, object_type):
                    self._collect(object_type, selection.selection_set, grouped, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name in visited or fragment is None:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition.name.value, object_type):
                    self._collect(object_type, fragment.selection_set, grouped, visited)

    def _included(self, selection: Any) -> bool:
        for directive in selection.directives or ():
            name = directive.name.value
            if name not in _SWITCHES:
                raise Unplannable(f"directive @{name}")
            (argument,) = directive.arguments
            value = argument.value
            if isinstance(value, VariableNode):
                on = bool(self.switches.get(value.name.value))
            elif isinstance(value, BooleanValueNode):
                on = value.value
            else:  # pragma: no cover - validation allows nothing else
                raise Unplannable("switch value")
            if on == (name == "skip"):
                return False
        return True

    def _applies(self, condition: str, object_type: GraphQLObjectType) -> bool:
        conditional = self.schema.get_type(condition)
        if conditional is object_type:
            return True
        return is_abstract_type(conditional) and self.schema.is_sub_type(
            conditional,
            object_type,
        )

    def _field_plan(self, parent: GraphQLObjectType, key: str, nodes: list[FieldNode]) -> FieldPlan:
        name = nodes[0].name.value
        if name == "__typename":
            return FieldPlan(key, nodes, _TYPENAME_FIELD, parent, TYPENAME)
        if name.startswith("__"):
            raise Unplannable("introspection")
        definition = parent.fields[name]
        found = definition.extensions.get(_STRAWBERRY)
        if not isinstance(found, StrawberryField) or not self._direct(found):
            return FieldPlan(key, nodes, definition, parent, GENERAL)
        if found.base_resolver is None:
            if found.default_resolver is not getattr:
                return FieldPlan(key, nodes, definition, parent, GENERAL)
            return FieldPlan(key, nodes, definition, parent, ATTRIBUTE, found.python_name)
        resolver = found.base_resolver
        node_class = _row_node_class(resolver.wrapped_func)
        many = getattr(resolver.wrapped_func, _BY_LEVEL, None)
        if many is not None and (found.arguments or resolver.info_parameter is None):
            raise TypeError(f"{found.python_name}: `by_level` takes a resolver of `info` alone")
        return FieldPlan(
            key,
            nodes,
            definition,
            parent,
            ROW_ID if node_class else LEVEL if many else CALL,
            strawberry=found,
            passes_self=resolver.self_parameter is not None,
            source_names=tuple(
                p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p
            ),
            node_class=node_class,
            many=many,
            arguments=tuple(self._argument(a) for a in found.arguments),
        )

    def _argument(self, argument: StrawberryArgument) -> tuple[str, str, Converter | None]:
        config = self.strawberry_schema.config
        registry = self.strawberry_schema.schema_converter.scalar_registry
        name = config.name_converter.from_argument(argument)
        return name, argument.python_name, converter(argument.type, registry, config, name)

    def _direct(self, found: StrawberryField) -> bool:
        """Whether the resolver may be called directly: nothing wraps it."""
        converter = self.strawberry_schema.schema_converter
        return not found.extensions and not converter._get_field_exception_handlers(found)


_TYPENAME_FIELD = GraphQLField(GraphQLNonNull(GraphQLString))
_RELAY_ID = relay.Node.__dict__["_id"].__func__
_ROW_RESOLVE_ID = RowNode.__dict__["resolve_id"].__func__
_RELAY_RESOLVE_TYPENAME = relay.Node.__dict__["resolve_typename"].__func__


def _row_node_class(resolver: Any) -> type | None:
    """The node class when `resolver` is Relay's `id` of a `RowNode` that keeps Relay's rules
    (its id is its row's, its type name the GraphQL type's): a plan then encodes the global id
    itself, as `to_base64(type name, row id)`, without building a `GlobalID` per node."""
    node_class = getattr(resolver, "__self__", None)
    if getattr(resolver, "__func__", None) is not _RELAY_ID or not isinstance(node_class, type):
        return None
    if not issubclass(node_class, RowNode):
        return None
    keeps_rules = (
        node_class.resolve_id.__func__ is _ROW_RESOLVE_ID  # type: ignore[attr-defined]
        and node_class.resolve_typename.__func__ is _RELAY_RESOLVE_TYPENAME  # type: ignore[attr-defined]
    )
    return node_class if keeps_rules else None


@dataclass(eq=False, slots=True)
class _Shape:
    """A document as plans see it: the variables its switches read (None if a plan can't run
    it), and its plans by operation name and switch values."""

    document: DocumentNode
    switch_variables: tuple[str, ...] | None
    plans: OrderedDict[tuple[str | None, tuple[Any, ...]], OperationPlan] = field(
        default_factory=OrderedDict
    )


# A document's plans differ only by their switch values: a few per document.
PLANS_PER_DOCUMENT = 8


class QueryPlans:
    """Plans by document (at most `maxsize` documents), operation and switch values; graphql-core
    for the rest. Documents are held here, so an id is never a dead document's."""

    def __init__(self, strawberry_schema: StrawberrySchema, maxsize: int = 512) -> None:
        self.strawberry_schema = strawberry_schema
        self.maxsize = maxsize
        self._shapes: OrderedDict[int, _Shape] = OrderedDict()

    def execute(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        root_value: Any = None,
        middleware: MiddlewareManager | None = None,
        variable_values: dict[str, Any] | None = None,
        operation_name: str | None = None,
        context_value: Any = None,
        is_awaitable: Any = None,
        **rest: Any,
    ) -> Any:
        """graphql-core's `execute`, as Strawberry calls it, running a plan where one applies."""
        general = {
            "root_value": root_value,
            "middleware": middleware,
            "variable_values": variable_values,
            "operation_name": operation_name,
            "context_value": context_value,
            "is_awaitable": is_awaitable,
            **rest,
        }
        shape = self._shape(document)
        executor_class = rest.pop("executor_class", Executor)
        wrapped = middleware is not None and middleware.middlewares
        if shape.switch_variables is None or wrapped or set(rest) - {"operation_extensions"}:
            return execute(schema, document, **general)
        operation = selected_operation(document, operation_name)
        if operation is not None and operation.operation is OperationType.SUBSCRIPTION:
            return execute(schema, document, **general)  # before building: it would build again
        if executor_class is StrawberryGraphQLCoreExecutionContext:
            executor_class = PlanExecutor
        executor = executor_class.build(
            schema,
            document,
            root_value=root_value,
            context_value=context_value,
            raw_variable_values=variable_values,
            operation_name=operation_name,
            is_awaitable=is_awaitable,
            **rest,
        )
        if isinstance(executor, list):
            return ExecutionResult(data=None, errors=executor)
        plan = self._plan(shape, executor)
        if plan is None:
            return execute(schema, document, **general)
        return Run(executor, plan).result()

    @property
    def plan_count(self) -> int:
        return sum(len(shape.plans) for shape in self._shapes.values())

    def _shape(self, document: DocumentNode) -> _Shape:
        key = id(document)
        shape = self._shapes.get(key)
        if shape is not None and shape.document is document:
            self._shapes.move_to_end(key)
            return shape
        try:
            shape = _Shape(document, _switch_variables(document))
        except Unplannable:
            shape = _Shape(document, None)
        self._shapes[key] = shape
        if len(self._shapes) > self.maxsize:
            self._shapes.popitem(last=False)
        return shape

    def _plan(self, shape: _Shape, executor: Executor[Any]) -> OperationPlan | None:
        assert shape.switch_variables is not None
        operation = executor.operation
        coerced = executor.variable_values.coerced
        switches = tuple(coerced.get(name) for name in shape.switch_variables)
        key = (operation.name.value if operation.name else None, switches)
        plan = shape.plans.get(key)
        if plan is not None:
            shape.plans.move_to_end(key)
            return plan
        if any(f.variable_definitions for f in executor.fragment_definitions.values()):
            return None
        compiler = Compiler(
            self.strawberry_schema,
            executor.schema,
            executor.fragment_definitions,
            dict(zip(shape.switch_variables, switches, strict=True)),
        )
        mutation = operation.operation is OperationType.MUTATION
        root = executor.schema.mutation_type if mutation else executor.schema.query_type
        assert root is not None
        try:
            plan = OperationPlan(compiler.object_plan(root, [operation.selection_set]), compiler)
        except Unplannable:
            return None
        if mutation and len(plan.root.fields) != 1:
            # graphql-core runs a mutation's root fields one after another; a plan runs a level
            # at once, the same only for one field.
            return None
        shape.plans[key] = plan
        if len(shape.plans) > PLANS_PER_DOCUMENT:
            shape.plans.popitem(last=False)
        return plan


def _switch_variables(document: DocumentNode) -> tuple[str, ...]:
    """The variables `@skip`/`@include` read; Unplannable for any other directive."""
    found: list[str] = []

    def walk(selection_set: SelectionSetNode | None) -> None:
        for selection in selection_set.selections if selection_set else ():
            for directive in selection.directives or ():
                if directive.name.value not in _SWITCHES:
                    raise Unplannable(f"directive @{directive.name.value}")
                for argument in directive.arguments or ():
                    if isinstance(argument.value, VariableNode):
                        found.append(argument.value.name.value)
            walk(getattr(selection, "selection_set", None))

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            if definition.directives:
                raise Unplannable("directive on a definition")
            walk(definition.selection_set)
    return tuple(dict.fromkeys(found))


class PlanExecutor(StrawberryGraphQLCoreExecutionContext):
    """What a plan's run reads of graphql-core's executor: the operation, its fragments and
    coerced variables, the resolvers' defaults and the `Info` each resolver gets. Without the
    state graphql-core's own execution keeps (incremental delivery, collected errors, memo
    maps): building that was a tenth of a `{ __typename }`."""

    def __init__(  # graphql-core's `Executor.build` passes all of these
        self,
        schema: GraphQLSchema,
        fragment_definitions: dict[str, FragmentDefinitionNode],
        fragments: dict[str, Any],
        root_value: Any,
        context_value: Any,
        operation: OperationDefinitionNode,
        variable_values: Any,
        field_resolver: Any,
        type_resolver: Any,
        subscribe_field_resolver: Any,
        enable_early_execution: bool = False,
        middleware_manager: MiddlewareManager | None = None,
        is_awaitable: Any = None,
        is_async_iterable: Any = None,
        hide_suggestions: bool = False,
        abort_signal: Any = None,
        hooks: Any = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> None:
        self.schema = schema
        self.fragment_definitions = fragment_definitions
        self.fragments = fragments
        self.root_value = root_value
        self.context_value = context_value
        self.operation = operation
        self.variable_values = variable_values
        self.field_resolver = field_resolver
        self.type_resolver = type_resolver
        self.is_awaitable = is_awaitable or optimized_is_awaitable  # type: ignore[assignment]
        self.abort_signal = abort_signal
        # Helpers to gather a resolver's background work into graphql-core's execution, which
        # a plan does not run: no resolver here uses them.
        self.async_helpers = None  # type: ignore[assignment]
        self.operation_extensions = operation_extensions


class _Cell:
    """A composite value of the response (object or list): where it sits, and whether that
    slot may hold null. A non-null violation below nulls the nearest nullable cell."""

    __slots__ = ("container", "dead", "key", "nullable", "parent")

    def __init__(self, parent: _Cell | None, container: Any, key: Any, nullable: bool) -> None:
        self.parent = parent
        self.container = container
        self.key = key
        self.nullable = nullable
        self.dead = False

    def alive(self) -> bool:
        cell: _Cell | None = self
        while cell is not None:
            if cell.dead:
                return False
            cell = cell.parent
        return True


# An object to complete: its plan, its value, its result dict, its cell and its path.
_Job = tuple[ObjectPlan, Any, dict[str, Any], _Cell, Path | None]
# A parent waiting for a LEVEL field's value: its value, cell, result dict, key and field path.
_Parent = tuple[Any, _Cell, dict[str, Any], str, Path]


class Run:
    """One execution of a plan."""

    def __init__(self, executor: Executor[Any], plan: OperationPlan) -> None:
        self.executor = executor
        self.plan = plan
        self.errors: list[GraphQLError] = []
        self.jobs: list[_Job] = []
        self.waiting: list[tuple[Awaitable[Any], FieldPlan, Completion, _Cell, Any, Any, Path]] = []
        self.nulled = False
        self._calls: dict[FieldPlan, tuple[Any, dict[str, Any]]] = {}
        # LEVEL fields of the level being resolved, with the parents waiting for their values.
        self.levels: dict[FieldPlan, list[_Parent]] = {}

    async def result(self) -> ExecutionResult:
        data: dict[str, Any] = {}
        root = _Cell(None, None, None, nullable=False)
        self.jobs.append((self.plan.root, self.executor.root_value, data, root, None))
        while self.jobs or self.waiting:
            jobs, self.jobs = self.jobs, []
            for job in jobs:
                if not self.nulled or job[3].alive():
                    self.resolve_fields(*job)
            if self.levels:
                self.call_levels()
            if self.waiting:
                waiting, self.waiting = self.waiting, []
                values = await settle([w[0] for w in waiting])
                for (_, plan, completion, owner, container, key, path), value in zip(
                    waiting, values, strict=True
                ):
                    if completion is None:  # a LEVEL field's values, for `container`'s parents
                        self.complete_level(value, plan, container)
                        continue
                    if self.nulled and not owner.alive():
                        continue
                    if isinstance(value, Exception):
                        self.field_error(
                            value, plan, completion.nullable, owner, container, key, path
                        )
                    else:
                        self.complete(value, plan, completion, owner, container, key, path)
        return ExecutionResult(data=None if root.dead else data, errors=self.errors or None)

    def resolve_fields(
        self, plan: ObjectPlan, source: Any, result: dict[str, Any], cell: _Cell, path: Path | None
    ) -> None:
        type_name = plan.type.name
        for field_plan in plan.fields:
            key = field_plan.key
            kind = field_plan.kind
            if kind is TYPENAME:
                result[key] = type_name
                continue
            completion = field_plan.completion
            if kind is ROW_ID and type(source) is field_plan.node_class:
                result[key] = to_base64(type_name, str(cast(RowNode, source).row.id))
                continue
            if kind is ATTRIBUTE:
                try:
                    value = getattr(source, field_plan.attribute)
                except Exception as error:
                    field_path = Path(path, key, type_name)
                    self.field_error(
                        error, field_plan, completion.nullable, cell, result, key, field_path
                    )
                    continue
                if completion.kind is LEAF:
                    # Most fields: a column's value, its own output.
                    output = completion.output(value)
                    if output is not Undefined:
                        result[key] = output
                        continue
                self.complete(
                    value, field_plan, completion, cell, result, key, Path(path, key, type_name)
                )
                continue
            field_path = Path(path, key, type_name)
            if kind is LEVEL:
                result[key] = None
                self.levels.setdefault(field_plan, []).append(
                    (source, cell, result, key, field_path)
                )
                continue
            try:
                if kind is CALL or kind is ROW_ID:
                    value = self.call(field_plan, source, field_path)
                else:
                    value = self.call_general(field_plan, source, field_path)
            except Exception as error:
                self.field_error(
                    error, field_plan, completion.nullable, cell, result, key, field_path
                )
                continue
            self.complete(value, field_plan, completion, cell, result, key, field_path)

    def call_levels(self) -> None:
        """Ask each LEVEL field of the level for all its parents' values at once."""
        levels, self.levels = self.levels, {}
        for plan, parents in levels.items():
            assert plan.many is not None
            try:
                values = plan.many(self.info(plan, parents[0][4]), [p[0] for p in parents])
            except Exception as error:
                self.complete_level(error, plan, parents)
                continue
            if _awaitable(values):
                self.waiting.append((values, plan, None, None, parents, None, None))  # type: ignore[arg-type]
            else:
                self.complete_level(values, plan, parents)

    def complete_level(self, values: Any, plan: FieldPlan, parents: list[_Parent]) -> None:
        one_each = isinstance(values, Sequence) and len(values) == len(parents)
        if not one_each and not isinstance(values, Exception):
            values = TypeError(f"{plan.description} gave no value for each of its objects.")
        completion = plan.completion
        for index, (_, cell, result, key, path) in enumerate(parents):
            if self.nulled and not cell.alive():
                continue
            value = values if isinstance(values, Exception) else values[index]
            if isinstance(value, Exception):
                self.field_error(value, plan, completion.nullable, cell, result, key, path)
            else:
                self.complete(value, plan, completion, cell, result, key, path)

    def call(self, plan: FieldPlan, source: Any, path: Path) -> Any:
        found = self._calls.get(plan)
        if found is None:
            found = self._calls[plan] = self._arguments(plan, path)
        function, kwargs = found
        if plan.source_names:
            kwargs = {**kwargs, **dict.fromkeys(plan.source_names, source)}
        return function(source, **kwargs) if plan.passes_self else function(**kwargs)

    def _arguments(self, plan: FieldPlan, path: Path) -> tuple[Any, dict[str, Any]]:
        """The resolver and its keyword arguments for this request: the document's arguments,
        coerced by graphql-core and converted by Strawberry once for the whole level."""
        assert plan.strawberry is not None
        resolver = plan.strawberry.base_resolver
        assert resolver is not None
        if not plan.definition.args:
            # Nothing to coerce or convert: only `info`, if the resolver asks for it (most
            # fields without arguments don't, and building it is the dearest part).
            wanted = resolver.info_parameter
            if wanted is None:
                return resolver.wrapped_func, {}
            return resolver.wrapped_func, {wanted.name: self.info(plan, path)}
        info = self.info(plan, path)
        raw = get_argument_values(plan.definition, plan.nodes[0], self.executor.variable_values)
        # Strawberry's `get_arguments`, each argument converted by a function made for its type.
        kwargs: dict[str, Any] = {}
        for name, python_name, convert in plan.arguments:
            if name in raw:
                value = raw[name]
                kwargs[python_name] = value if convert is None else convert(value, info)
        if resolver.info_parameter is not None:
            kwargs[resolver.info_parameter.name] = info
        return resolver.wrapped_func, kwargs

    def info(self, plan: FieldPlan, path: Path) -> Any:
        """Strawberry's `Info` for the field's resolver."""
        assert plan.strawberry is not None
        schema = self.plan.compiler.strawberry_schema
        raw_info = self.resolve_info(plan, path)
        return schema.config.info_class(_raw_info=raw_info, _field=plan.strawberry)

    def call_general(self, plan: FieldPlan, source: Any, path: Path) -> Any:
        resolve = plan.definition.resolve or self.executor.field_resolver
        arguments = get_argument_values(
            plan.definition, plan.nodes[0], self.executor.variable_values
        )
        return resolve(source, self.resolve_info(plan, path), **arguments)

    def resolve_info(self, plan: FieldPlan, path: Path) -> Any:
        return self.executor.build_resolve_info(plan.definition, plan.nodes, plan.parent_type, path)

    def complete(
        self,
        value: Any,
        plan: FieldPlan,
        completion: Completion,
        owner: _Cell,
        container: Any,
        key: Any,
        path: Path,
    ) -> None:
        """Put `value` (of the completion's type) at `container[key]`, inside `owner`."""
        kind = completion.kind
        if kind is LEAF:
            output = completion.output(value)
            if output is not Undefined:
                container[key] = output
                return
        if _awaitable(value):
            container[key] = None
            self.waiting.append((value, plan, completion, owner, container, key, path))
            return
        nullable = completion.nullable
        if value is None or value is Undefined:
            container[key] = None
            if not nullable:
                message = f"Cannot return null for non-nullable field {plan.description}."
                self.field_error(TypeError(message), plan, False, owner, container, key, path)
            return
        try:
            if isinstance(value, Exception):
                raise value
            if kind is LEAF:
                type_: Any = completion.of_type
                coerced = type_.coerce_output_value(value)
                if coerced is None or coerced is Undefined:
                    raise TypeError(
                        f"Expected `{type_}.coerce_output_value({value!r})` to return"
                        f" non-nullable value, returned: {coerced!r}"
                    )
                container[key] = coerced
            elif kind is LIST:
                self.complete_list(value, plan, completion, owner, container, key, path)
            else:
                object_type = completion.object_type or self.runtime_type(
                    value, plan, completion.of_type, path
                )
                result: dict[str, Any] = {}
                container[key] = result
                cell = _Cell(owner, container, key, nullable)
                sub_plan = plan.objects.get(object_type) or self.plan.compiler.sub_plan(
                    plan, object_type
                )
                self.jobs.append((sub_plan, value, result, cell, path))
        except Exception as error:
            container[key] = None
            self.field_error(error, plan, nullable, owner, container, key, path)

    def complete_list(
        self,
        value: Any,
        plan: FieldPlan,
        completion: Completion,
        owner: _Cell,
        container: Any,
        key: Any,
        path: Path,
    ) -> None:
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise GraphQLError(
                f"Expected Iterable, but did not find one for field '{plan.description}'."
            )
        items: list[Any] = []
        container[key] = items
        cell = _Cell(owner, container, key, completion.nullable)
        item = completion.item
        assert item is not None
        for index, entry in enumerate(value):
            items.append(None)
            self.complete(entry, plan, item, cell, items, index, Path(path, index, None))

    def runtime_type(
        self, value: Any, plan: FieldPlan, type_: Any, path: Path
    ) -> GraphQLObjectType:
        if is_object_type(type_):
            return type_
        abstract: GraphQLAbstractType = type_
        resolve_type = abstract.resolve_type or self.executor.type_resolver
        name = resolve_type(value, self.resolve_info(plan, path), abstract)
        if optimized_is_awaitable(name):
            raise GraphQLError(
                f"Abstract type '{abstract}' must resolve its runtime type synchronously.",
                plan.nodes,
            )
        schema = self.executor.schema
        runtime = schema.get_type(name) if isinstance(name, str) else None
        if not is_object_type(runtime) or not schema.is_sub_type(abstract, runtime):
            raise GraphQLError(
                f"Abstract type '{abstract}' must resolve to an Object type at runtime"
                f" for field '{plan.description}', received '{name!r}'.",
                plan.nodes,
            )
        return runtime

    def field_error(
        self,
        error: Exception,
        plan: FieldPlan,
        nullable: bool,
        owner: _Cell,
        container: Any,
        key: Any,
        path: Path,
    ) -> None:
        """Record the error; null the field, or its nearest nullable ancestor if it is non-null."""
        self.errors.append(located_error(error, plan.nodes, path.as_list()))
        container[key] = None
        if not nullable:
            self.propagate(owner)

    def propagate(self, cell: _Cell) -> None:
        self.nulled = True
        current: _Cell | None = cell
        while current is not None:
            if current.dead:
                return
            if current.nullable or current.parent is None:
                current.dead = True
                if current.parent is not None:
                    current.container[current.key] = None
                return
            current = current.parent


# Whether values of a type are awaitable, by type: asked for every value a resolver returns.
# A type that is not is never (`await` looks `__await__` up on the type), but for generators:
# those of a `types.coroutine` are.
_AWAITABLE_TYPES: dict[type, bool] = dict.fromkeys(
    (str, int, float, bool, type(None), dict, list), False
)


def _awaitable(value: Any) -> bool:
    kind = type(value)
    known = _AWAITABLE_TYPES.get(kind)
    if known is not None:
        return known
    awaitable = optimized_is_awaitable(value)
    if not awaitable and kind is not GeneratorType and len(_AWAITABLE_TYPES) < 4096:
        _AWAITABLE_TYPES[kind] = False
    return awaitable


async def settle(awaitables: list[Awaitable[Any]]) -> list[Any]:
    """Each awaitable's value, or the exception it raised, like `gather(return_exceptions=True)`
    but without a Task per coroutine: a level of a list has one coroutine per object (a loader
    call each), and a Task costs more than such a resolver.

    Every coroutine runs to its first wait before any is resumed, so their loader calls land in
    one batch; then whichever coroutines' futures are done are resumed, until all have ended.
    """
    if len(awaitables) == 1:
        # Nothing to batch: awaited as such, in the request's task (a timeout or a cancellation
        # inside it then lands where it would without a plan: a mutation's one root field).
        try:
            return [await awaitables[0]]
        except Exception as error:
            return [error]
    values: list[Any] = [None] * len(awaitables)
    waiting: list[_Waiting] = []
    for index, awaitable in enumerate(awaitables):
        coroutine = awaitable if isinstance(awaitable, Coroutine) else _awaiting(awaitable)
        _step(coroutine, index, values, waiting)
    alarm = _Alarm()
    while waiting:
        ready, waiting = _partition(waiting)
        if not ready:
            await alarm.first_of(w[2] for w in waiting)
            continue
        if any(w[2] is None for w in ready):
            await asyncio.sleep(0)  # a coroutine yielded control without a future
        for index, coroutine, _ in ready:
            _step(coroutine, index, values, waiting)
    return values


_Waiting = tuple[int, Coroutine[Any, Any, Any], Any]  # (index, coroutine, what it waits on)


class _Alarm:
    """Wakes `settle` when any future it waits on is done. Each future is hooked once, however
    often `settle` waits: coroutines taking turns on the request's read connection are woken
    one at a time, and `asyncio.wait` hooked and unhooked every waiting future on every turn
    (4 % of a Home request's CPU)."""

    def __init__(self) -> None:
        self._hooked: set[asyncio.Future[Any]] = set()
        self._bell: asyncio.Future[None] | None = None

    async def first_of(self, futures: Iterable[asyncio.Future[Any]]) -> None:
        self._bell = bell = asyncio.get_running_loop().create_future()
        hooked = self._hooked
        for future in futures:
            if future not in hooked:
                hooked.add(future)
                future.add_done_callback(self._ring)
        await bell

    def _ring(self, _: asyncio.Future[Any]) -> None:
        bell = self._bell
        if bell is not None and not bell.done():
            bell.set_result(None)


def _partition(waiting: list[_Waiting]) -> tuple[list[_Waiting], list[_Waiting]]:
    """(those that can go on, those still waiting on a future)."""
    ready: list[_Waiting] = []
    still: list[_Waiting] = []
    for entry in waiting:
        (ready if entry[2] is None or entry[2].done() else still).append(entry)
    return ready, still


def _step(
    coroutine: Coroutine[Any, Any, Any],
    index: int,
    values: list[Any],
    waiting: list[_Waiting],
) -> None:
    """Run a coroutine until it waits (then queue it) or ends (then record its outcome)."""
    try:
        future = coroutine.send(None)
    except StopIteration as done:
        values[index] = done.value
    except Exception as error:
        values[index] = error
    else:
        if future is not None:
            # Received, as a Task would: the future may now be awaited again, by `settle`.
            future._asyncio_future_blocking = False
        waiting.append((index, coroutine, future))


async def _awaiting(awaitable: Awaitable[Any]) -> Any:
    return await awaitable
