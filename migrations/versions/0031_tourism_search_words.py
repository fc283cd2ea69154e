"""Tourism search by whole words: a vocabulary of the folded words of published attractions'
and events' names (with a trigram index, for typos), and each row's words beside it, read in id
order per word (backend/tourism/words.py). Existing rows are indexed here.

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from backend.tourism.words import words_of

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WORD_IDS = postgresql.ARRAY(sa.Integer()).with_variant(sa.JSON(), "sqlite")
TARGETS = {
    "tourism_attraction_words": ("attraction_id", "tourism_attractions"),
    "tourism_event_words": ("event_id", "tourism_events"),
}


def upgrade() -> None:
    op.create_table(
        "tourism_search_words",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("word", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tourism_search_words")),
        sa.UniqueConstraint("word", name=op.f("uq_tourism_search_words_word")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_tourism_search_words_trgm ON tourism_search_words "
            "USING gist (word gist_trgm_ops)"
        )
    for table, (column, target) in TARGETS.items():
        op.create_table(
            table,
            sa.Column(column, sa.Uuid(), nullable=False),
            sa.Column("word_id", sa.Integer(), nullable=False),
            sa.Column("words", WORD_IDS, nullable=False),
            sa.ForeignKeyConstraint(
                [column],
                [f"{target}.id"],
                name=op.f(f"fk_{table}_{column}_{target}"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["word_id"],
                ["tourism_search_words.id"],
                name=op.f(f"fk_{table}_word_id_tourism_search_words"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint(column, "word_id", name=op.f(f"pk_{table}")),
        )
        op.create_index(
            op.f(f"ix_{table}_word_id_{column}"),
            table,
            ["word_id", column],
            postgresql_include=["words"],
        )
        _index_existing(table, column, target)


def _index_existing(table: str, column: str, target: str) -> None:
    bind = op.get_bind()
    source = sa.table(
        target, sa.column("id", sa.Uuid()), sa.column("search_text"), sa.column("published")
    )
    rows = bind.execute(
        sa.select(source.c.id, source.c.search_text).where(source.c.published.is_(True))
    ).all()
    vocabulary = sa.table("tourism_search_words", sa.column("id", sa.Integer()), sa.column("word"))
    postings = sa.table(
        table, sa.column(column, sa.Uuid()), sa.column("word_id"), sa.column("words", WORD_IDS)
    )
    for row_id, search_text in rows:
        found = words_of(search_text)
        if not found:
            continue
        known = dict(
            bind.execute(
                sa.select(vocabulary.c.word, vocabulary.c.id).where(vocabulary.c.word.in_(found))
            ).all()
        )
        new = [word for word in found if word not in known]
        if new:
            bind.execute(sa.insert(vocabulary), [{"word": word} for word in new])
            known.update(
                bind.execute(
                    sa.select(vocabulary.c.word, vocabulary.c.id).where(vocabulary.c.word.in_(new))
                ).all()
            )
        every = sorted(known[word] for word in found)
        bind.execute(
            sa.insert(postings),
            [{column: row_id, "word_id": word_id, "words": every} for word_id in every],
        )


def downgrade() -> None:
    for table in TARGETS:
        op.drop_table(table)
    op.drop_table("tourism_search_words")
