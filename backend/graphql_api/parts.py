"""What a domain contributes to the schema, and how contributions are composed into one type."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any

import strawberry
from strawberry.types.private import is_private

from backend.domains import all_domains


@dataclass(frozen=True, slots=True)
class GraphQLParts:
    """Strawberry types whose fields join `Query`, `Mutation` and the signed-in `User`."""

    query: type | None = None
    mutation: type | None = None
    viewer: type | None = None


@cache
def domain_parts() -> tuple[GraphQLParts, ...]:
    """Every domain's GraphQL parts, in the order the domains are declared."""
    found: list[GraphQLParts] = []
    for domain in all_domains():
        if domain.graphql is not None:
            parts = importlib.import_module(domain.graphql).PARTS
            if not isinstance(parts, GraphQLParts):
                raise TypeError(f"{domain.graphql}.PARTS must be a GraphQLParts")
            found.append(parts)
    return tuple(found)


def compose(
    name: str,
    bases: list[type],
    *,
    description: str | None = None,
    namespace: dict[str, Any] | None = None,
) -> Any:
    """A Strawberry type with the fields of every base; a field two domains define fails here,
    at start-up, instead of one silently hiding the other."""
    seen: dict[str, type] = {}
    for base in bases:
        definition = getattr(base, "__strawberry_definition__", None)
        for field in definition.fields if definition else ():
            if is_private(field.type_annotation.annotation if field.type_annotation else None):
                continue
            if field.python_name in seen and seen[field.python_name] is not base:
                raise TypeError(
                    f"{name}.{field.python_name} is defined by both "
                    f"{seen[field.python_name].__qualname__} and {base.__qualname__}"
                )
            seen[field.python_name] = base
    composed = type(name, tuple(bases), dict(namespace or {}))
    return strawberry.type(composed, name=name, description=description)
