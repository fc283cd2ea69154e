"""Tourism search ranks from a GiST trigram index, nearest match first.

The GIN indexes of 0007 find matches but cannot order them, so ranking scored every match: a
common word matched a tenth of a large table. A GiST trigram index serves both the match
(`<<%`) and the order (`<<<->`, a KNN scan that stops at the window's size).

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {
    "tourism_attractions": "ix_tourism_attractions_search_trgm",
    "tourism_events": "ix_tourism_events_search_trgm",
}


def _rebuild(method: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, index in TABLES.items():
        op.execute(f"DROP INDEX {index}")
        op.execute(f"CREATE INDEX {index} ON {table} USING {method}")


def upgrade() -> None:
    _rebuild("gist (citizen_fold(search_text) gist_trgm_ops(siglen=64))")


def downgrade() -> None:
    _rebuild("gin (citizen_fold(search_text) gin_trgm_ops)")
