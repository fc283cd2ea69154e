"""Alembic is the only creator of tables: up, down and up again, and no drift from the models."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from backend.db import migrate
from backend.db.base import Base
from backend.db.engine import create_engine
from backend.settings import Settings
from tests.support.databases import create_postgres_database, drop_postgres_database
from tests.support.services import unavailable


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_available: bool | str
) -> Iterator[Settings]:
    if request.param == "sqlite":
        yield Settings(
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/m.db", CITIZEN_VAR_DIR=tmp_path
        )
        return
    if postgres_available is not True:
        unavailable("PostgreSQL", postgres_available)
    url = create_postgres_database()
    yield Settings(DATABASE_URL=url, CITIZEN_VAR_DIR=tmp_path)
    drop_postgres_database(url)


async def _inspect(settings: Settings) -> tuple[set[str], list[Any]]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:

            def read(sync: Any) -> tuple[set[str], list[Any]]:
                context = MigrationContext.configure(
                    sync, opts={"compare_type": True, "include_object": migrate.include_object}
                )
                tables = set(inspect(sync).get_table_names()) - migrate.POSTGIS_TABLES
                return tables, compare_metadata(context, Base.metadata)

            return await connection.run_sync(read)
    finally:
        await engine.dispose()


def test_upgrade_downgrade_upgrade_without_drift(empty_database: Settings) -> None:
    model_tables = set(Base.metadata.tables)

    migrate.upgrade(empty_database)
    tables, drift = asyncio.run(_inspect(empty_database))
    assert tables == model_tables | {"alembic_version"}
    assert drift == []

    migrate.downgrade(empty_database, "base")
    tables, _ = asyncio.run(_inspect(empty_database))
    assert tables == {"alembic_version"}

    migrate.upgrade(empty_database)
    tables, drift = asyncio.run(_inspect(empty_database))
    assert tables == model_tables | {"alembic_version"}
    assert drift == []
