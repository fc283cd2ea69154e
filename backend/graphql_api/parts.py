"""What a domain contributes to the schema, and how contributions are composed into one type."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import strawberry
from strawberry.schema.name_converter import NameConverter
from strawberry.types.private import is_private

from backend.domains import Domain, all_domains


@dataclass(frozen=True, slots=True)
class GraphQLParts:
    """Strawberry types whose fields join `Query`, `Mutation` and the signed-in `User`."""

    query: type | None = None
    mutation: type | None = None
    # Fields of `Subscription`: async generators over the domain's live events (backend/live).
    subscription: type | None = None
    viewer: type | None = None
    # The node type a role of this domain is scoped to, e.g. {"health_staff": "HealthFacility"}.
    role_scopes: dict[str, str] = field(default_factory=dict)
    # Query fields whose answers hold nothing personal at any depth: cacheable when anonymous.
    public_fields: frozenset[str] = frozenset()


@cache
def parts_by_domain() -> tuple[tuple[Domain, GraphQLParts], ...]:
    """Every domain's GraphQL parts, in the order the domains are declared."""
    found: list[tuple[Domain, GraphQLParts]] = []
    for domain in all_domains():
        if domain.graphql is not None:
            parts = importlib.import_module(domain.graphql).PARTS
            if not isinstance(parts, GraphQLParts):
                raise TypeError(f"{domain.graphql}.PARTS must be a GraphQLParts")
            found.append((domain, parts))
    return tuple(found)


def domain_parts() -> tuple[GraphQLParts, ...]:
    return tuple(parts for _, parts in parts_by_domain())


@cache
def field_catalogues() -> dict[str, str]:
    """The catalogue of the domain behind each field of `Query`, `Mutation` and `User`, by
    GraphQL name: whose labels name the inputs of a refusal."""
    names = NameConverter()
    found: dict[str, str] = {}
    for domain, parts in parts_by_domain():
        for part in (parts.query, parts.mutation, parts.subscription, parts.viewer):
            definition = getattr(part, "__strawberry_definition__", None)
            if definition is None or domain.catalogue is None:
                continue
            for member in definition.fields:
                found[names.get_graphql_name(member)] = domain.catalogue
    return found


@cache
def role_scopes() -> dict[str, str]:
    """Every domain's role → scoped node type."""
    return {
        role: type_name for parts in domain_parts() for role, type_name in parts.role_scopes.items()
    }


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
        for member in definition.fields if definition else ():
            if is_private(member.type_annotation.annotation if member.type_annotation else None):
                continue
            if member.python_name in seen and seen[member.python_name] is not base:
                raise TypeError(
                    f"{name}.{member.python_name} is defined by both "
                    f"{seen[member.python_name].__qualname__} and {base.__qualname__}"
                )
            seen[member.python_name] = base
    composed = type(name, tuple(bases), dict(namespace or {}))
    return strawberry.type(composed, name=name, description=description)
