"""The second factor a session was opened with (card or passkey), kept on every link of its
refresh-token family; and a name for each passkey, so that its holder can tell them apart.

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.migrate import sqlite_tables_rebuilt

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SECOND_FACTOR = sa.Enum(
    "card", "passkey", name="second_factor", native_enum=False, create_constraint=True, length=32
)


def upgrade() -> None:
    with sqlite_tables_rebuilt(), op.batch_alter_table("refresh_tokens") as batch:
        batch.add_column(sa.Column("second_factor", SECOND_FACTOR, nullable=True))
    # Sessions opened by a card or a passkey before this revision keep their standing.
    op.execute(
        "UPDATE refresh_tokens SET second_factor = 'card' WHERE family_id IN "
        "(SELECT family_id FROM card_sessions)"
    )
    op.execute(
        "UPDATE refresh_tokens SET second_factor = 'passkey' WHERE family_id IN "
        "(SELECT family_id FROM card_passkey_sessions)"
    )
    with op.batch_alter_table("card_passkeys") as batch:
        batch.add_column(sa.Column("name", sa.String(64), nullable=True))
    op.execute("UPDATE card_passkeys SET name = 'Passkey' WHERE name IS NULL")
    with sqlite_tables_rebuilt(), op.batch_alter_table("card_passkeys") as batch:
        batch.alter_column("name", existing_type=sa.String(64), nullable=False)


def downgrade() -> None:
    with sqlite_tables_rebuilt(), op.batch_alter_table("card_passkeys") as batch:
        batch.drop_column("name")
    with sqlite_tables_rebuilt(), op.batch_alter_table("refresh_tokens") as batch:
        batch.drop_constraint(op.f("ck_refresh_tokens_second_factor"), type_="check")
        batch.drop_column("second_factor")
