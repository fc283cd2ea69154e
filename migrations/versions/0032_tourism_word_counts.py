"""Tourism search words count the published attractions and events holding them, kept at every
reindex, so a search orders its words from the rarest without counting index entries (up to
1,001 per word) on every query. Existing counts are filled here.

Revision ID: 0032
Revises: 0031
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.migrate import sqlite_tables_rebuilt

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = {"attraction_rows": "tourism_attraction_words", "event_rows": "tourism_event_words"}


def upgrade() -> None:
    for column in COUNTS:
        op.add_column(
            "tourism_search_words",
            sa.Column(column, sa.Integer(), server_default="0", nullable=False),
        )
    for column, table in COUNTS.items():
        op.execute(
            f"UPDATE tourism_search_words SET {column} = "  # noqa: S608 - constants only
            f"(SELECT count(*) FROM {table} WHERE {table}.word_id = tourism_search_words.id)"
        )


def downgrade() -> None:
    with sqlite_tables_rebuilt(), op.batch_alter_table("tourism_search_words") as batch:
        for column in COUNTS:
            batch.drop_column(column)
