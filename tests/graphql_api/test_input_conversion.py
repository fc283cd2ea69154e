"""Every argument of the schema converts as Strawberry's `convert_argument` converts it: input
objects full and with only their required fields, lists, nulls, enums, global ids good and bad."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from strawberry.relay.utils import to_base64
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_argument
from strawberry.types.base import StrawberryList
from strawberry.types.field import StrawberryField

from backend.graphql_api.input_conversion import converter
from backend.graphql_api.schema import build_schema
from backend.settings import Settings

# What graphql-core hands over for a scalar: the conversion never looks inside but for ids.
OPAQUE = "2026-09-02T08:00:00+07:00"
GOOD_ID = to_base64("Attraction", "0b7a0f4e-2f0d-4a59-9a39-6f3c1f0f8c11")
BAD_ID = "not a global id"


def samples(type_: GraphQLInputType, depth: int = 0) -> list[Any]:
    """A few values of `type_` as graphql-core passes them to resolvers (already coerced)."""
    if isinstance(type_, GraphQLNonNull):
        return samples(type_.of_type, depth)
    found = _samples(type_, depth)
    return [*found[:3], None]


def _samples(type_: Any, depth: int) -> list[Any]:
    if isinstance(type_, GraphQLList):
        items = [s for s in samples(type_.of_type, depth) if s is not None][:2]
        return [items, []]
    if isinstance(type_, GraphQLEnumType):
        return [value.value for value in list(type_.values.values())[:2]]
    if isinstance(type_, GraphQLScalarType):
        return [GOOD_ID, BAD_ID] if type_.name == "ID" else [OPAQUE]
    assert isinstance(type_, GraphQLInputObjectType)
    if depth > 3:
        return []
    full: dict[str, Any] = {}
    required: dict[str, Any] = {}
    for name, input_field in type_.fields.items():
        choices = [s for s in samples(input_field.type, depth + 1) if s is not None]
        if not choices:
            continue
        full[name] = choices[0]
        if isinstance(input_field.type, GraphQLNonNull):
            required[name] = choices[0]
    return [full, required]


def outcome(convert: Any, *arguments: Any, **keywords: Any) -> Any:
    try:
        return ("value", convert(*arguments, **keywords))
    except Exception as error:  # both must fail alike
        return ("error", type(error), str(error))


def test_every_argument_converts_as_strawberry_does() -> None:
    schema = build_schema(Settings())
    registry = schema.schema_converter.scalar_registry
    config = schema.config
    checked = input_objects = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field_name, graphql_field in graphql_type.fields.items():
            found = graphql_field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(found, StrawberryField):
                continue
            for argument in found.arguments:
                name = config.name_converter.from_argument(argument)
                made = converter(argument.type, registry, config, name)
                for value in samples(graphql_field.args[name].type):
                    expected = outcome(
                        convert_argument,
                        value,
                        argument.type,
                        registry,
                        config,
                        None,
                        path=(name,),
                    )
                    got = ("value", value) if made is None else outcome(made, value, None)
                    where = f"{graphql_type.name}.{field_name}({name}: {value!r})"
                    assert got == expected, where
                    checked += 1
                    input_objects += isinstance(value, dict)
    assert checked > 500
    assert input_objects > 100


@pytest.mark.parametrize("value", [[GOOD_ID, GOOD_ID], [], None])
def test_a_list_given_is_a_new_list(value: Any) -> None:
    """graphql-core gives every request that omits a list the same default: a resolver that
    changed it would change the next request's."""
    schema = build_schema(Settings())
    made = converter(
        StrawberryList(str), schema.schema_converter.scalar_registry, schema.config, "x"
    )
    assert made is not None
    converted = made(value, None)
    assert converted == value
    if value is not None:
        assert converted is not value


@strawberry.input
class Note:
    text: str
    # Nullable without a default: Strawberry makes it null when left out.
    author: str | None
    tags: list[str] | None = None


@strawberry.input
class Notes:
    notes: list[Note]
    pinned: Note | None = None


@pytest.mark.parametrize(
    "value",
    [
        {"notes": [{"text": "a"}, {"text": "b", "author": "An", "tags": ["x"]}]},
        {"notes": [], "pinned": {"text": "c", "author": None}},
        {"notes": [{"text": "d", "tags": None}], "pinned": None},
    ],
)
def test_inputs_left_out_fields_and_nested_lists(value: dict[str, Any]) -> None:
    schema = build_schema(Settings())
    registry, config = schema.schema_converter.scalar_registry, schema.config
    made = converter(Notes, registry, config, "notes")
    assert made is not None
    converted = made(value, None)
    assert converted == convert_argument(value, Notes, registry, config, None, path=("notes",))
    assert converted.notes[0].author is None if value["notes"] else converted.notes == []
