"""Passkeys (WebAuthn) of civil servants, their single-use challenges and the web sessions a
passkey opened.

Revision ID: 0023
Revises: 0021
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.types import UTCDateTime

revision: str = "0023"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "card_passkeys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("credential_id", sa.String(1400), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("transports", sa.JSON(), nullable=False),
        sa.Column("backup_eligible", sa.Boolean(), nullable=False),
        sa.Column("backup_state", sa.Boolean(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        _fk("card_passkeys", "user_id", "users"),
        _pk("card_passkeys", "id"),
        sa.UniqueConstraint("credential_id", name=op.f("uq_card_passkeys_credential_id")),
    )
    op.create_index(op.f("ix_card_passkeys_user_id"), "card_passkeys", ["user_id"])
    op.create_table(
        "card_passkey_challenges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("challenge", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        _fk("card_passkey_challenges", "user_id", "users"),
        _pk("card_passkey_challenges", "id"),
        sa.UniqueConstraint("challenge", name=op.f("uq_card_passkey_challenges_challenge")),
    )
    op.create_index(
        op.f("ix_card_passkey_challenges_expires_at"), "card_passkey_challenges", ["expires_at"]
    )
    op.create_table(
        "card_passkey_sessions",
        sa.Column("passkey_id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        _fk("card_passkey_sessions", "passkey_id", "card_passkeys"),
        _pk("card_passkey_sessions", "passkey_id", "family_id"),
    )


def downgrade() -> None:
    for table in ("card_passkey_sessions", "card_passkey_challenges", "card_passkeys"):
        op.drop_table(table)
