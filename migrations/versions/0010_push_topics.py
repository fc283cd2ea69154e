"""Public alerts through FCM topics: a device's home ward, its topic subscriptions, broadcasts.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from backend.db.types import TranslatedText, UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CATEGORIES = (
    "health",
    "school",
    "tourism",
    "traffic",
    "environment",
    "identity",
    "business",
    "system",
)
JSON_DOCUMENT = sa.JSON().with_variant(JSONB(), "postgresql")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("home_ward", sa.String(64), nullable=True))
    op.create_table(
        "push_topic_subscriptions",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.String(128), nullable=False),
        sa.Column(
            "state", _enum("topic_state", "subscribe", "subscribed", "unsubscribe"), nullable=False
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(64), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_push_topic_subscriptions_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("device_id", "topic", name=op.f("pk_push_topic_subscriptions")),
    )
    op.create_index(
        op.f("ix_push_topic_subscriptions_state_topic"),
        "push_topic_subscriptions",
        ["state", "topic"],
    )
    op.create_table(
        "push_broadcasts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ward", sa.String(64), nullable=False),
        sa.Column("category", _enum("category", *CATEGORIES), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("title", TranslatedText(), nullable=False),
        sa.Column("body", TranslatedText(), nullable=False),
        sa.Column("deep_link", sa.String(256), nullable=False),
        sa.Column("data", JSON_DOCUMENT, nullable=False),
        sa.Column("collapse_key", sa.String(64), nullable=True),
        sa.Column("ttl_seconds", sa.Integer(), nullable=False),
        sa.Column("topic_outcomes", JSON_DOCUMENT, nullable=False),
        sa.Column("dispatched_at", UTCDateTime(), nullable=True),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_broadcasts")),
    )
    op.create_index(op.f("ix_push_broadcasts_dispatched_at"), "push_broadcasts", ["dispatched_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_push_broadcasts_dispatched_at"), table_name="push_broadcasts")
    op.drop_table("push_broadcasts")
    op.drop_index(
        op.f("ix_push_topic_subscriptions_state_topic"), table_name="push_topic_subscriptions"
    )
    op.drop_table("push_topic_subscriptions")
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("home_ward")
