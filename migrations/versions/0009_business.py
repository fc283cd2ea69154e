"""Business services: the registry, memberships (claims and staff), agencies and officers,
permit types, applications and their history, permits, the audit trail, notices to businesses
by sector and ward with read receipts.

On PostgreSQL a trigram GIN index on `citizen_fold(search_text)` serves the accent-insensitive
search of the certified-business map (`citizen_fold` comes from migration 0007).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.types import Geography, TranslatedText, UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_INDEX = "ix_businesses_search_trgm"

APPLICATION_STATUSES = (
    "draft",
    "submitted",
    "in_review",
    "needs_info",
    "resubmitted",
    "approved",
    "rejected",
    "withdrawn",
)


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _id() -> sa.Column[object]:
    return sa.Column("id", sa.Uuid(), nullable=False)


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


def _index(table: str, *columns: str, **kw: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns), **kw)


def upgrade() -> None:
    op.create_table(
        "businesses",
        _id(),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column(
            "kind", _enum("business_kind", "enterprise", "branch", "household"), nullable=False
        ),
        sa.Column("name_vi", sa.String(300), nullable=False),
        sa.Column("name_en", sa.String(300), nullable=True),
        sa.Column(
            "legal_form",
            _enum(
                "legal_form",
                "sole_proprietorship",
                "llc_single_member",
                "llc_multi_member",
                "joint_stock",
                "partnership",
                "cooperative",
                "household_business",
                "branch",
            ),
            nullable=False,
        ),
        sa.Column("vsic_main", sa.String(5), nullable=False),
        sa.Column("vsic_other", sa.JSON(), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("location", Geography("POINT"), nullable=True),
        sa.Column("ward_id", sa.Uuid(), nullable=True),
        sa.Column("representative_name", sa.String(120), nullable=False),
        sa.Column(
            "status",
            _enum("business_status", "active", "suspended", "dissolved"),
            nullable=False,
        ),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _created_at(),
        _fk("businesses", "ward_id", "wards", "SET NULL"),
        _pk("businesses", "id"),
        _unique("businesses", "code"),
    )
    _index("businesses", "location", postgresql_using="gist")
    _index("businesses", "vsic_main")
    _index("businesses", "ward_id")

    op.create_table(
        "business_memberships",
        _id(),
        sa.Column("business_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "role",
            _enum("business_member_role", "representative", "staff"),
            nullable=False,
        ),
        sa.Column(
            "status",
            _enum("business_membership_status", "pending", "active", "rejected", "revoked"),
            nullable=False,
        ),
        sa.Column("evidence", sa.String(120), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decision_note", sa.String(500), nullable=True),
        _created_at(),
        _fk("business_memberships", "business_id", "businesses", "CASCADE"),
        _fk("business_memberships", "user_id", "users", "CASCADE"),
        _pk("business_memberships", "id"),
        _unique("business_memberships", "business_id", "user_id"),
    )
    _index("business_memberships", "user_id")

    op.create_table(
        "business_agencies",
        _id(),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", TranslatedText(), nullable=False),
        _created_at(),
        _pk("business_agencies", "id"),
        _unique("business_agencies", "slug"),
    )
    op.create_table(
        "business_agency_officers",
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        _created_at(),
        _fk("business_agency_officers", "agency_id", "business_agencies", "CASCADE"),
        _fk("business_agency_officers", "user_id", "users", "CASCADE"),
        _pk("business_agency_officers", "agency_id", "user_id"),
    )
    _index("business_agency_officers", "user_id")

    op.create_table(
        "business_permit_types",
        _id(),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", TranslatedText(), nullable=False),
        sa.Column("form_fields", sa.JSON(), nullable=False),
        sa.Column("required_documents", sa.JSON(), nullable=False),
        sa.Column("fee_vnd", sa.Integer(), nullable=False),
        sa.Column("processing_days", sa.Integer(), nullable=False),
        sa.Column("validity_months", sa.Integer(), nullable=True),
        sa.Column("renewal_notice_days", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("public_certificate", sa.Boolean(), nullable=False),
        sa.Column("unconfirmed", sa.Boolean(), nullable=False),
        _created_at(),
        _fk("business_permit_types", "agency_id", "business_agencies", "RESTRICT"),
        _pk("business_permit_types", "id"),
        _unique("business_permit_types", "slug"),
    )
    _index("business_permit_types", "agency_id")

    op.create_table(
        "business_applications",
        _id(),
        sa.Column("business_id", sa.Uuid(), nullable=False),
        sa.Column("permit_type_id", sa.Uuid(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status", _enum("business_application_status", *APPLICATION_STATUSES), nullable=False
        ),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("officer_note", sa.String(1000), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _created_at(),
        _fk("business_applications", "business_id", "businesses", "CASCADE"),
        _fk("business_applications", "permit_type_id", "business_permit_types", "RESTRICT"),
        _fk("business_applications", "agency_id", "business_agencies", "RESTRICT"),
        _pk("business_applications", "id"),
    )
    _index("business_applications", "agency_id", "status", "due_at")
    _index("business_applications", "business_id")
    _index("business_applications", "permit_type_id")

    op.create_table(
        "business_application_events",
        _id(),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column(
            "from_status",
            _enum("business_application_from_status", *APPLICATION_STATUSES),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            _enum("business_application_to_status", *APPLICATION_STATUSES),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("note", sa.String(1000), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        _fk("business_application_events", "application_id", "business_applications", "CASCADE"),
        _pk("business_application_events", "id"),
    )
    _index("business_application_events", "application_id")

    op.create_table(
        "business_permits",
        _id(),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("business_id", sa.Uuid(), nullable=False),
        sa.Column("permit_type_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("status", _enum("permit_status", "valid", "revoked"), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("renewal_reminded_at", UTCDateTime(), nullable=True),
        _created_at(),
        _fk("business_permits", "business_id", "businesses", "CASCADE"),
        _fk("business_permits", "permit_type_id", "business_permit_types", "RESTRICT"),
        _fk("business_permits", "application_id", "business_applications", "SET NULL"),
        _pk("business_permits", "id"),
        _unique("business_permits", "number"),
        _unique("business_permits", "application_id"),
    )
    _index("business_permits", "business_id")
    _index("business_permits", "permit_type_id")
    _index("business_permits", "valid_until")

    op.create_table(
        "business_audit_events",
        _id(),
        sa.Column("business_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        _pk("business_audit_events", "id"),
    )
    _index("business_audit_events", "business_id", "at")

    op.create_table(
        "business_notices",
        _id(),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("title", TranslatedText(), nullable=False),
        sa.Column("body", TranslatedText(), nullable=False),
        sa.Column("vsic_prefixes", sa.JSON(), nullable=False),
        sa.Column("ward_ids", sa.JSON(), nullable=False),
        sa.Column("published_by", sa.Uuid(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        _fk("business_notices", "agency_id", "business_agencies", "RESTRICT"),
        _pk("business_notices", "id"),
    )
    _index("business_notices", "agency_id")
    _index("business_notices", "published_at")
    op.create_table(
        "business_notice_deliveries",
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("business_id", sa.Uuid(), nullable=False),
        _fk("business_notice_deliveries", "notice_id", "business_notices", "CASCADE"),
        _fk("business_notice_deliveries", "business_id", "businesses", "CASCADE"),
        _pk("business_notice_deliveries", "notice_id", "business_id"),
    )
    _index("business_notice_deliveries", "business_id")
    op.create_table(
        "business_notice_reads",
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=False),
        _fk("business_notice_reads", "notice_id", "business_notices", "CASCADE"),
        _fk("business_notice_reads", "user_id", "users", "CASCADE"),
        _pk("business_notice_reads", "notice_id", "user_id"),
    )
    _index("business_notice_reads", "user_id")

    if _is_postgres():
        op.execute(
            f"CREATE INDEX {SEARCH_INDEX} ON businesses "
            "USING gin (citizen_fold(search_text) gin_trgm_ops)"
        )


def downgrade() -> None:
    for table in (
        "business_notice_reads",
        "business_notice_deliveries",
        "business_notices",
        "business_audit_events",
        "business_permits",
        "business_application_events",
        "business_applications",
        "business_permit_types",
        "business_agency_officers",
        "business_agencies",
        "business_memberships",
        "businesses",
    ):
        op.drop_table(table)
