"""The domains of citizen-hub and what each declares about itself.

Every composition root (the GraphQL schema, the Celery app, Alembic's metadata, the demo seed)
loops over `DOMAIN_PACKAGES`. Adding a domain means writing its package with a `domain.py` that
holds one `Domain`, and adding one line here. Declarations name modules as strings so that a
process imports only what it needs: the worker never loads Strawberry, Alembic never loads Celery.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from typing import Any, cast

# Order matters where data depends on other data: the demo seed runs in this order.
DOMAIN_PACKAGES = (
    "backend.identity",
    "backend.places",
    "backend.files",
    "backend.health",
    "backend.tourism",
    "backend.business",
    "backend.traffic",
    "backend.cards",
    "backend.alerts",
    "backend.environment",
    "backend.schools",
    "notifications",
)


@dataclass(frozen=True, slots=True)
class Periodic:
    """A Celery task the scheduler sends every `every`."""

    task: str
    every: timedelta


@dataclass(frozen=True, slots=True)
class Domain:
    """One domain's declaration: the modules that hold its parts, by import path."""

    name: str
    models: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    # Names of tasks that must not wait behind a backlog (public alerts): routed to the queue
    # workers take from first.
    urgent_tasks: tuple[str, ...] = ()
    periodic: dict[str, Periodic] = field(default_factory=dict)
    # A module holding `PARTS`, a `backend.graphql_api.parts.GraphQLParts`.
    graphql: str | None = None
    # The gettext domain of its interface texts (backend/locales/<lang>/LC_MESSAGES/<name>.po).
    catalogue: str | None = None
    # "module:function", an async function (AsyncSession) -> Mapping[str, int] of rows added.
    seed: str | None = None
    # "module:function" returning a FastAPI APIRouter: HTTP endpoints for other systems (feeds).
    http: str | None = None


@cache
def all_domains() -> tuple[Domain, ...]:
    """Every declaration, in `DOMAIN_PACKAGES` order; names must be unique."""
    found = tuple(_declaration(package) for package in DOMAIN_PACKAGES)
    names = [domain.name for domain in found]
    if len(set(names)) != len(names):
        raise ValueError(f"domain names declared twice: {names}")
    return found


def _declaration(package: str) -> Domain:
    module = importlib.import_module(f"{package}.domain")
    declared = getattr(module, "DOMAIN", None)
    if not isinstance(declared, Domain):
        raise TypeError(f"{package}.domain must define DOMAIN = Domain(...)")
    return declared


def model_modules() -> Iterator[str]:
    for domain in all_domains():
        yield from domain.models


def task_modules() -> list[str]:
    return [module for domain in all_domains() for module in domain.tasks]


def urgent_tasks() -> list[str]:
    return [name for domain in all_domains() for name in domain.urgent_tasks]


def periodic_tasks() -> dict[str, Periodic]:
    """Every domain's periodic entries; an entry name may be declared once."""
    schedule: dict[str, Periodic] = {}
    for domain in all_domains():
        clashes = schedule.keys() & domain.periodic.keys()
        if clashes:
            raise ValueError(f"periodic entries declared twice: {sorted(clashes)}")
        schedule.update(domain.periodic)
    return schedule


def import_attribute(path: str) -> object:
    """Import `module:attribute`."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


def domain_routers() -> list[Any]:
    """Every domain's HTTP router (FastAPI `APIRouter`s), in declaration order."""
    return [
        cast(Callable[[], Any], import_attribute(domain.http))()
        for domain in all_domains()
        if domain.http is not None
    ]
