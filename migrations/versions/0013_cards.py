"""Digital cards: issuer keys, issuing agencies and staff lists, device keys, cards, nonces and
the sessions cards opened.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.types import TranslatedText, UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created_at() -> sa.Column[object]:
    return sa.Column("created_at", UTCDateTime(), nullable=False)


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def upgrade() -> None:
    op.create_table(
        "card_issuer_keys",
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("algorithm", sa.String(16), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("private_key", sa.Text(), nullable=False),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.Column("publish_until", UTCDateTime(), nullable=True),
        _created_at(),
        _pk("card_issuer_keys", "kid"),
    )
    op.create_table(
        "card_agencies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", TranslatedText(), nullable=False),
        _created_at(),
        _pk("card_agencies", "id"),
        _unique("card_agencies", "slug"),
    )
    op.create_table(
        "card_agency_admins",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        _created_at(),
        _fk("card_agency_admins", "agency_id", "card_agencies", "CASCADE"),
        _fk("card_agency_admins", "user_id", "users", "CASCADE"),
        _pk("card_agency_admins", "agency_id", "user_id"),
    )
    _index("card_agency_admins", "user_id")
    op.create_table(
        "card_staff_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("full_name", sa.String(120), nullable=False),
        sa.Column("employing_unit", sa.String(200), nullable=False),
        sa.Column("position", sa.String(120), nullable=False),
        sa.Column("card_number", sa.String(32), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        _fk("card_staff_entries", "agency_id", "card_agencies", "CASCADE"),
        _pk("card_staff_entries", "id"),
        _unique("card_staff_entries", "agency_id", "phone"),
        _unique("card_staff_entries", "agency_id", "card_number"),
    )
    op.create_table(
        "card_device_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("thumbprint", sa.String(64), nullable=False),
        sa.Column("jwk", sa.JSON(), nullable=False),
        _created_at(),
        _fk("card_device_keys", "user_id", "users", "CASCADE"),
        _pk("card_device_keys", "id"),
        _unique("card_device_keys", "user_id", "thumbprint"),
    )
    op.create_table(
        "cards",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "civil_servant",
                "citizen",
                "business",
                name="card_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("holder_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=True),
        sa.Column("business_id", sa.Uuid(), nullable=True),
        sa.Column("issued_by", sa.Uuid(), nullable=True),
        sa.Column("card_number", sa.String(32), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("device_thumbprint", sa.String(64), nullable=False),
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("status_changed_at", UTCDateTime(), nullable=True),
        _created_at(),
        _fk("cards", "holder_id", "users", "CASCADE"),
        _fk("cards", "agency_id", "card_agencies", "SET NULL"),
        _pk("cards", "id"),
        _unique("cards", "kind", "status_index"),
    )
    _index("cards", "holder_id")
    op.create_table(
        "card_nonces",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        _pk("card_nonces", "id"),
        _unique("card_nonces", "value"),
    )
    _index("card_nonces", "expires_at")
    op.create_table(
        "card_sessions",
        sa.Column("card_id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["cards.id"],
            name=op.f("fk_card_sessions_card_id_cards"),
            ondelete="CASCADE",
        ),
        _pk("card_sessions", "card_id", "family_id"),
    )
    op.create_table(
        "card_desktop_sign_ins",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("challenge", sa.String(64), nullable=False),
        sa.Column("poll_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("card_id", sa.Uuid(), nullable=True),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        _fk("card_desktop_sign_ins", "card_id", "cards", "CASCADE"),
        _pk("card_desktop_sign_ins", "id"),
        _unique("card_desktop_sign_ins", "challenge"),
    )
    _index("card_desktop_sign_ins", "expires_at")


def downgrade() -> None:
    for table in (
        "card_desktop_sign_ins",
        "card_sessions",
        "card_nonces",
        "cards",
        "card_device_keys",
        "card_staff_entries",
        "card_agency_admins",
        "card_agencies",
        "card_issuer_keys",
    ):
        op.drop_table(table)
