"""Run Alembic from code: `citizen migrate`, the test fixtures and `make run` all come here."""

from __future__ import annotations

from pathlib import Path

from alembic import command
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
    """Leave PostGIS' own tables out of drift checks."""
    return not (type_ == "table" and name in POSTGIS_TABLES)


POSTGIS_TABLES = {"spatial_ref_sys"}
