"""Phone verification by SMS code, windowed rate counters and the security audit trail.

Accounts that exist already keep `phone_verified_at` empty: nobody proved those numbers.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.migrate import sqlite_tables_rebuilt
from backend.db.types import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("phone_verified_at", UTCDateTime(), nullable=True))
    op.create_table(
        "phone_verifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "register",
                "change_phone",
                name="verification_purpose",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("code_hash", sa.String(64), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("resend_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("consumed_at", UTCDateTime(), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("display_name", sa.String(120), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("locale", sa.String(8), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_phone_verifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_verifications")),
    )
    for column in ("phone", "expires_at", "user_id"):
        op.create_index(op.f(f"ix_phone_verifications_{column}"), "phone_verifications", [column])
    op.create_table(
        "rate_counters",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(32), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("window_started_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_counters")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_rate_counters_scope_key")),
    )
    op.create_table(
        "security_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("client_address", sa.String(64), nullable=True),
        sa.Column("installation_id", sa.String(128), nullable=True),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_events")),
    )
    for column in ("user_id", "occurred_at", "kind"):
        op.create_index(op.f(f"ix_security_events_{column}"), "security_events", [column])


def downgrade() -> None:
    op.drop_table("security_events")
    op.drop_table("rate_counters")
    op.drop_table("phone_verifications")
    with sqlite_tables_rebuilt(), op.batch_alter_table("users") as batch:
        batch.drop_column("phone_verified_at")
