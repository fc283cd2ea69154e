"""Public alerts (CAP 1.2): alerts, the wards each issued alert reached, their audit trail, and
the civil-defence operator role.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.migrate import sqlite_tables_rebuilt
from backend.db.types import TranslatedText, UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES_BEFORE = (
    "resident",
    "parent",
    "civil_servant",
    "health_staff",
    "tourism_staff",
    "school_staff",
    "business_owner",
    "admin",
)
ROLES_AFTER = (*ROLES_BEFORE[:-1], "civil_defence_operator", "admin")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _set_roles(values: Sequence[str]) -> None:
    allowed = ", ".join(f"'{value}'" for value in values)
    with sqlite_tables_rebuilt(), op.batch_alter_table("role_assignments") as batch:
        batch.drop_constraint(op.f("ck_role_assignments_role"), type_="check")
        batch.create_check_constraint(op.f("ck_role_assignments_role"), f"role IN ({allowed})")


def upgrade() -> None:
    _set_roles(ROLES_AFTER)
    op.create_table(
        "alerts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("identifier", sa.String(128), nullable=False),
        sa.Column("sender", sa.String(128), nullable=False),
        sa.Column("sender_name", TranslatedText(), nullable=False),
        sa.Column("sent", UTCDateTime(), nullable=True),
        sa.Column(
            "status",
            _enum("alert_status", "Actual", "Exercise", "System", "Test", "Draft"),
            nullable=False,
        ),
        sa.Column("msg_type", _enum("alert_msg_type", "Alert", "Update", "Cancel"), nullable=False),
        sa.Column("scope", _enum("alert_scope", "Public", "Restricted", "Private"), nullable=False),
        sa.Column(
            "category",
            _enum(
                "alert_category",
                "Geo",
                "Met",
                "Safety",
                "Security",
                "Rescue",
                "Fire",
                "Health",
                "Env",
                "Transport",
                "Infra",
                "CBRNE",
                "Other",
            ),
            nullable=False,
        ),
        sa.Column("event", TranslatedText(), nullable=False),
        sa.Column(
            "urgency",
            _enum("alert_urgency", "Immediate", "Expected", "Future", "Past", "Unknown"),
            nullable=False,
        ),
        sa.Column(
            "severity",
            _enum("alert_severity", "Extreme", "Severe", "Moderate", "Minor", "Unknown"),
            nullable=False,
        ),
        sa.Column(
            "certainty",
            _enum("alert_certainty", "Observed", "Likely", "Possible", "Unlikely", "Unknown"),
            nullable=False,
        ),
        sa.Column(
            "response_type",
            _enum(
                "alert_response_type",
                "Shelter",
                "Evacuate",
                "Prepare",
                "Execute",
                "Avoid",
                "Monitor",
                "Assess",
                "AllClear",
                "None",
            ),
            nullable=False,
        ),
        sa.Column("onset", UTCDateTime(), nullable=True),
        sa.Column("expires", UTCDateTime(), nullable=True),
        sa.Column("headline", TranslatedText(), nullable=False),
        sa.Column("description", TranslatedText(), nullable=False),
        sa.Column("instruction", TranslatedText(), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("references_id", sa.Uuid(), nullable=True),
        sa.Column(
            "stage",
            _enum(
                "alert_stage", "draft", "approved", "issued", "superseded", "cancelled", "discarded"
            ),
            nullable=False,
        ),
        sa.Column("rule", sa.String(128), nullable=True),
        sa.Column("drafted_by", sa.Uuid(), nullable=True),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("issued_by", sa.Uuid(), nullable=True),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("inbox_delivered_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["references_id"],
            ["alerts.id"],
            name=op.f("fk_alerts_references_id_alerts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by"],
            ["users.id"],
            name=op.f("fk_alerts_drafted_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["users.id"],
            name=op.f("fk_alerts_approved_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["users.id"], name=op.f("fk_alerts_issued_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("identifier", name=op.f("uq_alerts_identifier")),
    )
    op.create_index(op.f("ix_alerts_stage_sent"), "alerts", ["stage", "sent"])
    op.create_index(op.f("ix_alerts_rule"), "alerts", ["rule"])
    op.create_index(op.f("ix_alerts_references_id"), "alerts", ["references_id"])
    op.create_table(
        "alert_wards",
        sa.Column("alert_id", sa.Uuid(), nullable=False),
        sa.Column("ward", sa.String(64), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_wards_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alert_id", "ward", name=op.f("pk_alert_wards")),
    )
    op.create_index(op.f("ix_alert_wards_ward"), "alert_wards", ["ward"])
    op.create_table(
        "alert_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("alert_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column(
            "action",
            _enum(
                "alert_action",
                "drafted",
                "edited",
                "approved",
                "issued",
                "issued_alone",
                "discarded",
                "delivered",
            ),
            nullable=False,
        ),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_events_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_alert_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_events")),
    )
    op.create_index(
        op.f("ix_alert_events_alert_id_created_at"), "alert_events", ["alert_id", "created_at"]
    )
    # Who lives in a ward: the home ward of signed-in devices, read when an alert is delivered.
    op.create_index(op.f("ix_devices_home_ward"), "devices", ["home_ward"])


def downgrade() -> None:
    op.drop_index(op.f("ix_devices_home_ward"), table_name="devices")
    op.drop_table("alert_events")
    op.drop_table("alert_wards")
    op.drop_table("alerts")
    op.execute("DELETE FROM role_assignments WHERE role = 'civil_defence_operator'")
    _set_roles(ROLES_BEFORE)
