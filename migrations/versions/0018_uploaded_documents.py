"""Uploaded files, and the documents of business applications.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.types import UTCDateTime

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("media_type", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("storage_key", sa.String(200), nullable=False),
        sa.Column("attached_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_stored_files_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_stored_files_storage_key")),
    )
    op.create_index(op.f("ix_stored_files_owner_id"), "stored_files", ["owner_id"])
    op.create_index(
        op.f("ix_stored_files_attached_at_created_at"),
        "stored_files",
        ["attached_at", "created_at"],
    )
    op.create_table(
        "business_application_documents",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("file_id", sa.Uuid(), nullable=False),
        sa.Column("attached_by", sa.Uuid(), nullable=False),
        sa.Column("attached_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["business_applications.id"],
            name=op.f("fk_business_application_documents_application_id_business_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_files.id"],
            name=op.f("fk_business_application_documents_file_id_stored_files"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "application_id", "code", name=op.f("pk_business_application_documents")
        ),
        sa.UniqueConstraint("file_id", name=op.f("uq_business_application_documents_file_id")),
    )


def downgrade() -> None:
    op.drop_table("business_application_documents")
    op.drop_table("stored_files")
