"""The few statements whose SQL differs between PostgreSQL and SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table, TextClause, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


def compiled_args(compiler: SQLCompiler, element: FunctionElement[Any], **kw: Any) -> list[str]:
    """A construct's arguments as SQL, for the per-dialect `@compiles` functions."""
    return [compiler.process(arg, **kw) for arg in element.clauses]


async def insert_ignoring_conflicts(
    session: AsyncSession, model: type[DeclarativeBase], values: dict[str, Any]
) -> None:
    """INSERT … ON CONFLICT DO NOTHING on either dialect."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(insert(model).values(**values).on_conflict_do_nothing())


async def upsert_rows(
    session: AsyncSession,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    key: Sequence[str],
    insert_only: Sequence[str] = (),
) -> None:
    """Insert `rows` with one statement; a row whose `key` exists takes the new values (except
    the `insert_only` columns, such as its id).

    PostgreSQL gets `INSERT … SELECT unnest(…) ON CONFLICT`: one array per column, so the
    statement is the same for any number of rows and is prepared once. SQLite gets a multi-row
    VALUES. Values must be what the column stores (enum values, aware UTC datetimes).
    """
    if not rows:
        return
    columns = list(rows[0])
    if session.get_bind().dialect.name == "postgresql":
        arrays = {name: [row[name] for row in rows] for name in columns}
        kept = (*key, *insert_only)
        await session.execute(_unnest_upsert(table, tuple(columns), tuple(key), kept), arrays)
        return
    statement = sqlite.insert(table).values(list(rows))
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=list(key),
            set_={
                name: statement.excluded[name]
                for name in columns
                if name not in key and name not in insert_only
            },
        )
    )


@cache
def _unnest_upsert(
    table: Table, columns: tuple[str, ...], key: tuple[str, ...], kept: tuple[str, ...]
) -> TextClause:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    arrays = ", ".join(
        f"CAST(:{name} AS {table.c[name].type.compile(dialect=dialect)}[])" for name in columns
    )
    updates = ", ".join(f"{name} = excluded.{name}" for name in columns if name not in kept)
    return text(
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays})"  # noqa: S608 - names from our own tables
        f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )
