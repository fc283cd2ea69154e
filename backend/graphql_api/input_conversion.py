"""Argument values turned into Python as Strawberry's `convert_argument` turns them, by a
function worked out once per argument type.

`convert_argument` works the type out again for every value: each field of an input object
costs a name conversion and a type resolution. A point argument (`GeoPointInput`) took 4 % of
the Home screen's CPU that way (py-spy). `converter(type_)` does that work once and returns
a function that only builds the value. Anything it does not model (`Maybe`, an input type that
builds itself with `from_input`) is left to `convert_argument`, for the whole argument.
`tests/graphql_api/test_input_conversion.py` checks every argument of the schema against
`convert_argument`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING
from typing import Any

from strawberry.relay import GlobalID
from strawberry.relay.types import GlobalIDValueError, InvalidGlobalIDError
from strawberry.scalars import is_scalar
from strawberry.schema.config import StrawberryConfig
from strawberry.types.arguments import convert_argument
from strawberry.types.base import (
    StrawberryList,
    StrawberryMaybe,
    StrawberryOptional,
    has_object_definition,
)
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.lazy_type import LazyType
from strawberry.types.unset import UNSET

# (value, info) → the Python value; None where values pass as they are.
Converter = Callable[[Any, Any], Any]
Registry = Mapping[object, Any]


class _Unmodelled(Exception):
    """A type this module leaves to `convert_argument`."""


def converter(
    type_: Any, registry: Registry, config: StrawberryConfig, name: str
) -> Converter | None:
    """The conversion of argument `name`'s values, or None where they pass as they are."""
    try:
        return _converter(type_, registry, config)
    except _Unmodelled:

        def general(value: Any, info: Any) -> Any:
            return convert_argument(value, type_, registry, config, info, path=(name,))

        return general


def _converter(type_: Any, registry: Registry, config: StrawberryConfig) -> Converter | None:
    # null and UNSET pass as they are at every level, as in `convert_argument`.
    if isinstance(type_, StrawberryMaybe):
        raise _Unmodelled("Maybe")
    if isinstance(type_, StrawberryOptional):
        return _converter(type_.of_type, registry, config)
    if isinstance(type_, LazyType):
        return _converter(type_.resolve_type(), registry, config)
    if isinstance(type_, StrawberryList):
        return _list(type_.of_type, registry, config)
    if type_ is GlobalID:
        return _global_id
    if _is_leaf(type_, registry) or has_enum_definition(type_):
        return None
    if has_object_definition(type_):
        return _input_object(type_, registry, config)
    raise _Unmodelled(repr(type_))


def _is_leaf(type_: Any, registry: Registry) -> bool:
    return is_scalar(type_, registry) or isinstance(type_, StrawberryEnumDefinition)


def _list(item_type: Any, registry: Registry, config: StrawberryConfig) -> Converter:
    inner = item_type.of_type if isinstance(item_type, StrawberryOptional) else item_type
    if type(item_type) is not StrawberryMaybe and inner is not GlobalID:
        while isinstance(inner, LazyType):
            inner = inner.resolve_type()
        if _is_leaf(inner, registry):
            return _COPY
    item = _converter(item_type, registry, config)
    if item is None:
        return _COPY
    return _passing(lambda value, info: [_apply(item, x, info) for x in value])


def _input_object(cls: Any, registry: Registry, config: StrawberryConfig) -> Converter:
    definition = cls.__strawberry_definition__
    if definition.from_input is not None:
        raise _Unmodelled("from_input")
    # Input fields without a default of their own are null unless given.
    defaults = (
        {
            f.python_name: None
            for f in definition.fields
            if f.default_value is MISSING and f.default_factory is MISSING
        }
        if definition.is_input
        else {}
    )
    fields = tuple(
        (
            config.name_converter.from_field(f),
            f.python_name,
            _converter(f.resolve_type(type_definition=definition), registry, config),
        )
        for f in definition.fields
    )

    def build(value: Any, info: Any) -> Any:
        kwargs = dict(defaults)
        for graphql_name, python_name, convert in fields:
            if graphql_name in value:
                given = value[graphql_name]
                kwargs[python_name] = given if convert is None else _apply(convert, given, info)
        return cls(**kwargs)

    return _passing(build)


def _global_id(value: Any, _: Any) -> Any:
    if value is None or value is UNSET:
        return value
    try:
        return GlobalID.from_id(value)
    except GlobalIDValueError as error:
        # As the built-in scalars say it, not the decoding error.
        raise InvalidGlobalIDError(f'Value cannot represent a GlobalID: "{value}".') from error


def _passing(convert: Converter) -> Converter:
    """`convert`, for values that are neither null nor UNSET."""

    def converting(value: Any, info: Any) -> Any:
        if value is None or value is UNSET:
            return value
        return convert(value, info)

    return converting


# A list whose items pass as they are is copied all the same: graphql-core gives every request
# that omits the value the same default list.
_COPY = _passing(lambda value, _: list(value))


def _apply(convert: Converter | None, value: Any, info: Any) -> Any:
    return value if convert is None else convert(value, info)
