"""Read statements built once, compiled once per dialect, and run on PostgreSQL straight through
asyncpg.

SQLAlchemy's execution of a freshly built statement (its cache key, an execution context, result
rows) cost 1.4 ms of CPU for a facility search statement that asyncpg runs in 0.3 ms; the search's
two statements were 3 of the request's 7.7 ms (bench/README.md). A `Prepared` read is built once
per *shape* (which optional filters it has) with every value a bind parameter, so the builder
cannot bake a request's value into the cached statement: it never sees one. On PostgreSQL its SQL
and type processors are worked out on first use and each run is one asyncpg `fetch` whose values
pass through the processors SQLAlchemy itself would apply. SQLite runs the same statement through
SQLAlchemy (its cache then hits, as the statement object is the same).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import ARRAY, ColumnElement, any_, bindparam, inspect
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import manager_of_class
from sqlalchemy.sql import Select
from sqlalchemy.types import TypeEngine

S = TypeVar("S", bound=Hashable)
E = TypeVar("E")
Processor = Callable[[Any], Any] | None

# Where `remember_connection` leaves a session's connection (SQLAlchemy's, and asyncpg's under
# it) in `session.info`.
_CONNECTION = "citizen.connection"
_DRIVER = "citizen.driver_connection"


def one_of(column: Any, name: str, item_type: TypeEngine[Any], dialect: str) -> ColumnElement[bool]:
    """`column IN (the list bound as name)`: one array parameter on PostgreSQL, so the SQL text
    is the same for any length; SQLite expands the list when it runs."""
    if dialect == "postgresql":
        return cast(ColumnElement[bool], column == any_(bindparam(name, type_=ARRAY(item_type))))
    return cast(ColumnElement[bool], column.in_(bindparam(name, expanding=True)))


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    required: frozenset[str]
    # In the order asyncpg takes them: (name, the value bound at build time, processor).
    binds: tuple[tuple[str, Any, Processor], ...]
    # (column index, processor) of the result columns that have one.
    processed: tuple[tuple[int, Callable[[Any], Any]], ...]


class Prepared(Generic[S]):
    """A read statement per shape; `build(shape, dialect_name)` returns it with bind parameters
    named after the values `rows` is given."""

    def __init__(self, build: Callable[[S, str], Select[*tuple[Any, ...]]]) -> None:
        self._build = build
        self._statements: dict[tuple[S, str], Select[*tuple[Any, ...]]] = {}
        self._compiled: dict[tuple[S, str], _Compiled] = {}

    def statement(self, shape: S, dialect: str) -> Select[*tuple[Any, ...]]:
        key = (shape, dialect)
        found = self._statements.get(key)
        if found is None:
            found = self._statements[key] = self._build(shape, dialect)
        return found

    async def rows(
        self, session: AsyncSession, shape: S, values: Mapping[str, Any]
    ) -> Sequence[Sequence[Any]]:
        """The rows for these values, as tuples in the statement's column order."""
        connection, driver = await _connection_of(session)
        dialect = connection.dialect
        if driver is None:
            result = await session.execute(self.statement(shape, dialect.name), values)
            rows: Sequence[Sequence[Any]] = result.all()
            return rows
        compiled = self._compiled.get((shape, dialect.name))
        if compiled is None:
            compiled = await self._compile(shape, dialect, driver)
        if not compiled.required <= values.keys():
            raise KeyError(f"values missing: {sorted(compiled.required - values.keys())}")
        arguments = [
            (process(values[name]) if process else values[name]) if name in values else fixed
            for name, fixed, process in compiled.binds
        ]
        if connection._has_events or connection.engine._has_events:
            # Statement listeners (logs, counts in tests) see it as they see every other.
            for listener in connection.dispatch.before_cursor_execute:
                listener(connection, None, compiled.sql, tuple(arguments), None, False)
        records = await driver.fetch(compiled.sql, *arguments)
        processed = compiled.processed
        if not processed:
            return [tuple(record) for record in records]
        found = []
        for record in records:
            row = list(record)
            for index, process in processed:
                row[index] = process(row[index])
            found.append(tuple(row))
        return found

    async def _compile(self, shape: S, dialect: Dialect, driver: Any) -> _Compiled:
        compiled = self.statement(shape, dialect.name).compile(dialect=dialect)
        processors = cast(dict[str, Processor], compiled._bind_processors)
        binds = tuple(
            (name, compiled.binds[name].effective_value, processors.get(name))
            for name in compiled.positiontup or ()
        )
        # Result processors may depend on the column's type in the database, as SQLAlchemy's
        # own cursor result asks for them.
        attributes = (await driver.prepare(compiled.string)).get_attributes()
        results = tuple(
            column.type._cached_result_processor(dialect, attribute.type.oid)
            for column, attribute in zip(compiled._result_columns, attributes, strict=True)
        )
        required = frozenset(name for name, bind in compiled.binds.items() if bind.required)
        processed = tuple((i, p) for i, p in enumerate(results) if p is not None)
        found = _Compiled(compiled.string, required, binds, processed)
        self._compiled[(shape, dialect.name)] = found
        return found


def remember_connection(session: AsyncSession, connection: Connection) -> None:
    """For a session bound to one connection for its whole life (a request's reads): prepared
    reads then find it, and the asyncpg connection under it, without asking the session."""
    session.info[_CONNECTION] = connection
    session.info[_DRIVER] = driver_of(connection)


async def _connection_of(session: AsyncSession) -> tuple[Connection, Any]:
    """The session's connection, and the asyncpg connection under it (None on other drivers)."""
    info = session.info
    if _CONNECTION in info:
        return info[_CONNECTION], info[_DRIVER]
    connection = (await session.connection()).sync_connection
    assert connection is not None  # the session has just checked it out
    return connection, driver_of(connection)


def driver_of(connection: Connection) -> Any:
    """The asyncpg connection under a checked-out SQLAlchemy one, or None on another driver."""
    if connection.dialect.driver != "asyncpg":
        return None
    return connection.connection.driver_connection


@dataclass(frozen=True, slots=True)
class EntityColumns(Generic[E]):
    """Every column of an ORM model, for a prepared read whose rows become its entities."""

    model: type[E]
    keys: tuple[str, ...]
    columns: tuple[Any, ...]

    @classmethod
    def of(cls, model: type[E]) -> EntityColumns[E]:
        keys = tuple(column.key for column in inspect(model).column_attrs)
        return cls(model, keys, tuple(getattr(model, key) for key in keys))

    def entity(self, row: Sequence[Any]) -> E:
        """The entity as a session that has ended leaves it: detached, every column loaded.
        For reads only; a service that changes data loads it in its unit of work.

        Built as the ORM's own loading builds one (a new instance, its values put in place
        without attribute events): the model's constructor set each column through its
        instrumentation, 0.4 ms of Home's CPU for four entities."""
        found = manager_of_class(self.model).new_instance()
        found.__dict__.update(zip(self.keys, row, strict=True))
        make_transient_to_detached(found)
        return found
