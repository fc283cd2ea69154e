"""Translated content as one JSON value per text, `{"vi": …, "en": …}`, instead of a column per
language: ward, place and specialty names, practitioner titles, closure reasons, notification
titles and bodies. Existing texts are copied across, and back on downgrade.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.migrate import sqlite_tables_rebuilt

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# table: [(translated column, Vietnamese column, English column, type of the pair)]
PAIRS: dict[str, list[tuple[str, str, str, sa.types.TypeEngine[str]]]] = {
    "wards": [("name", "name_vi", "name_en", sa.String(120))],
    "places": [("name", "name_vi", "name_en", sa.String(200))],
    "health_specialties": [("name", "name_vi", "name_en", sa.String(120))],
    "health_practitioners": [("title", "title_vi", "title_en", sa.String(80))],
    "health_closures": [("reason", "reason_vi", "reason_en", sa.String(200))],
    "notifications": [
        ("title", "title_vi", "title_en", sa.String(200)),
        ("body", "body_vi", "body_en", sa.Text()),
    ],
}


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    build = "json_build_object" if _is_postgres() else "json_object"
    for table, pairs in PAIRS.items():
        for name, vi, en, _ in pairs:
            op.add_column(table, sa.Column(name, sa.JSON(), nullable=True))
            op.execute(
                f"UPDATE {table} SET {name} = CASE WHEN {en} = '' "  # noqa: S608
                f"THEN {build}('vi', {vi}) ELSE {build}('vi', {vi}, 'en', {en}) END"
            )
    with sqlite_tables_rebuilt():
        for table, pairs in PAIRS.items():
            with op.batch_alter_table(table) as batch:
                if table == "places":
                    batch.drop_index(op.f("ix_places_kind_name_vi"))
                    batch.create_index(op.f("ix_places_kind"), ["kind"])
                for name, vi, en, _ in pairs:
                    batch.alter_column(name, existing_type=sa.JSON(), nullable=False)
                    batch.drop_column(vi)
                    batch.drop_column(en)


def downgrade() -> None:
    def text(name: str, language: str) -> str:
        if _is_postgres():
            return f"({name} ->> '{language}')"
        return f"json_extract({name}, '$.{language}')"

    for table, pairs in PAIRS.items():
        for name, vi, en, type_ in pairs:
            op.add_column(table, sa.Column(vi, type_, nullable=True))
            op.add_column(table, sa.Column(en, type_, nullable=True))
            op.execute(
                f"UPDATE {table} SET {vi} = {text(name, 'vi')}, "  # noqa: S608
                f"{en} = COALESCE({text(name, 'en')}, {text(name, 'vi')})"
            )
    with sqlite_tables_rebuilt():
        for table, pairs in PAIRS.items():
            with op.batch_alter_table(table) as batch:
                for name, vi, en, type_ in pairs:
                    batch.alter_column(vi, existing_type=type_, nullable=False)
                    batch.alter_column(en, existing_type=type_, nullable=False)
                    batch.drop_column(name)
                if table == "places":
                    batch.drop_index(op.f("ix_places_kind"))
                    batch.create_index(op.f("ix_places_kind_name_vi"), ["kind", "name_vi"])
