"""Run Alembic from code: `citizen migrate`, the test fixtures and `make run` all come here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command, op
from alembic.config import Config

from backend.settings import Settings

# `migrations` links to the top-level migrations/ in the source tree; a wheel holds a copy.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["settings"] = settings
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Leave PostGIS' own tables, and the indexes models cannot declare, out of drift checks."""
    if type_ == "index" and name in EXPRESSION_INDEXES:
        return False
    return not (type_ == "table" and (name in POSTGIS_TABLES or is_partition(name)))


def is_partition(name: str | None) -> bool:
    """A monthly partition of a partitioned table (its parent is the model's table)."""
    return name is not None and PARTITION.match(name) is not None


POSTGIS_TABLES = {"spatial_ref_sys"}
# Monthly partitions of env_observations (migration 0012, backend/environment/partitions.py).
PARTITION = re.compile(r"^env_observations_y\d{4}m\d{2}$")
# Trigram indexes on `citizen_fold(search_text)`, PostgreSQL only (migrations 0007, 0009, 0017).
EXPRESSION_INDEXES = {
    "ix_tourism_attractions_search_trgm",
    "ix_tourism_events_search_trgm",
    "ix_businesses_search_trgm",
    "ix_tourism_search_words_trgm",
}


@contextmanager
def sqlite_tables_rebuilt() -> Iterator[None]:
    """For migrations that rebuild SQLite tables (to change a CHECK constraint or drop a column):
    SQLite does it by copying the table, and with foreign keys enforced, dropping the old copy
    would cascade to every referencing row. Enforcement is paused meanwhile (outside the
    transaction, where SQLite accepts the pragma). Other dialects alter in place."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=ON")
