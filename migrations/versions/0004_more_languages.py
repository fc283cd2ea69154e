"""Six languages: users and devices may choose French, Korean, Chinese or Japanese too.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

from backend.db.migrate import sqlite_tables_rebuilt

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("users", "devices")
BEFORE = ("vi", "en")
AFTER = ("vi", "en", "fr", "ko", "zh", "ja")


def _set_locales(values: Sequence[str]) -> None:
    allowed = ", ".join(f"'{value}'" for value in values)
    with sqlite_tables_rebuilt():
        for table in TABLES:
            with op.batch_alter_table(table) as batch:
                batch.drop_constraint(op.f(f"ck_{table}_locale"), type_="check")
                batch.create_check_constraint(op.f(f"ck_{table}_locale"), f"locale IN ({allowed})")


def upgrade() -> None:
    _set_locales(AFTER)


def downgrade() -> None:
    others = ", ".join(f"'{value}'" for value in AFTER if value not in BEFORE)
    for table in TABLES:
        op.execute(f"UPDATE {table} SET locale = 'en' WHERE locale IN ({others})")  # noqa: S608
    _set_locales(BEFORE)
