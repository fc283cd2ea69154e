"""Tourism search: GiST trigram signatures of 512 bytes instead of 64, so that the index stops
a search at the similarity threshold.

An inner entry of a `gist_trgm_ops` index is a bit signature of every trigram below it; the
search (`<<%`, `<<<->`) descends into a subtree when enough of the query's trigrams have their
bit set. At 64 bytes (512 bits) the signature of a few hundred names has most bits set, so
nearly every subtree passes the threshold and a phrase matching few rows ("thein mu pagoda"
among a million generated names) walked most of the index. 4,096 bits keep inner entries
selective; the leaves (exact trigram arrays) and so the answers are unchanged (bench/README.md).

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {
    "tourism_attractions": "ix_tourism_attractions_search_trgm",
    "tourism_events": "ix_tourism_events_search_trgm",
}


def _rebuild(siglen: int) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, index in TABLES.items():
        op.execute(f"DROP INDEX {index}")
        op.execute(
            f"CREATE INDEX {index} ON {table} "
            f"USING gist (citizen_fold(search_text) gist_trgm_ops(siglen={siglen}))"
        )


def upgrade() -> None:
    _rebuild(512)


def downgrade() -> None:
    _rebuild(64)
