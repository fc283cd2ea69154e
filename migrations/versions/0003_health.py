"""Health bookings: facilities, specialties, practitioners, schedules, closures, slots,
dependants, appointments, reminders, queue counters and the staff access log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.types import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "health_access_log is append-only"


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _id() -> sa.Column[object]:
    return sa.Column("id", sa.Uuid(), nullable=False)


def _created_at() -> sa.Column[object]:
    return sa.Column("created_at", UTCDateTime(), nullable=False)


def _fk(
    table: str, column: str, referred: str, *, ondelete: str | None = "CASCADE"
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{referred}.id"],
        name=op.f(f"fk_{table}_{column}_{referred}"),
        ondelete=ondelete,
    )


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def upgrade() -> None:
    op.create_table(
        "health_specialties",
        _id(),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name_vi", sa.String(120), nullable=False),
        sa.Column("name_en", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_specialties")),
        sa.UniqueConstraint("code", name=op.f("uq_health_specialties_code")),
    )
    op.create_table(
        "health_facilities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "level",
            _enum("facility_level", "central", "provincial", "district", "commune", "private"),
            nullable=False,
        ),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("accepts_insurance", sa.Boolean(), nullable=False),
        _created_at(),
        _fk("health_facilities", "id", "places"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_facilities")),
    )
    op.create_table(
        "health_opening_hours",
        sa.Column("facility_id", sa.Uuid(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("opens_minute", sa.SmallInteger(), nullable=False),
        sa.Column("closes_minute", sa.SmallInteger(), nullable=False),
        _check("health_opening_hours", "weekday", "weekday BETWEEN 0 AND 6"),
        _check(
            "health_opening_hours",
            "interval",
            "opens_minute >= 0 AND opens_minute < closes_minute",
        ),
        _check("health_opening_hours", "closes", "closes_minute <= 1440"),
        _fk("health_opening_hours", "facility_id", "health_facilities"),
        sa.PrimaryKeyConstraint(
            "facility_id", "weekday", "opens_minute", name=op.f("pk_health_opening_hours")
        ),
    )
    op.create_table(
        "health_facility_specialties",
        sa.Column("facility_id", sa.Uuid(), nullable=False),
        sa.Column("specialty_id", sa.Uuid(), nullable=False),
        _fk("health_facility_specialties", "facility_id", "health_facilities"),
        _fk("health_facility_specialties", "specialty_id", "health_specialties"),
        sa.PrimaryKeyConstraint(
            "facility_id", "specialty_id", name=op.f("pk_health_facility_specialties")
        ),
    )
    op.create_index(
        op.f("ix_health_facility_specialties_specialty_id"),
        "health_facility_specialties",
        ["specialty_id"],
    )
    op.create_table(
        "health_practitioners",
        _id(),
        sa.Column("facility_id", sa.Uuid(), nullable=False),
        sa.Column("full_name", sa.String(120), nullable=False),
        sa.Column("title_vi", sa.String(80), nullable=False),
        sa.Column("title_en", sa.String(80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _created_at(),
        _fk("health_practitioners", "facility_id", "health_facilities"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_practitioners")),
    )
    op.create_index(
        op.f("ix_health_practitioners_facility_id"), "health_practitioners", ["facility_id"]
    )
    op.create_table(
        "health_practitioner_specialties",
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("specialty_id", sa.Uuid(), nullable=False),
        _fk("health_practitioner_specialties", "practitioner_id", "health_practitioners"),
        _fk("health_practitioner_specialties", "specialty_id", "health_specialties"),
        sa.PrimaryKeyConstraint(
            "practitioner_id", "specialty_id", name=op.f("pk_health_practitioner_specialties")
        ),
    )
    op.create_table(
        "health_schedules",
        _id(),
        sa.Column("facility_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=True),
        sa.Column("specialty_id", sa.Uuid(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("start_minute", sa.SmallInteger(), nullable=False),
        sa.Column("end_minute", sa.SmallInteger(), nullable=False),
        sa.Column("slot_minutes", sa.SmallInteger(), nullable=False),
        sa.Column("capacity", sa.SmallInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _created_at(),
        _check("health_schedules", "weekday", "weekday BETWEEN 0 AND 6"),
        _check("health_schedules", "interval", "start_minute >= 0 AND start_minute < end_minute"),
        _check("health_schedules", "ends", "end_minute <= 1440"),
        _check("health_schedules", "positive", "slot_minutes > 0 AND capacity > 0"),
        _fk("health_schedules", "facility_id", "health_facilities"),
        _fk("health_schedules", "practitioner_id", "health_practitioners"),
        _fk("health_schedules", "specialty_id", "health_specialties", ondelete=None),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_schedules")),
    )
    op.create_index(op.f("ix_health_schedules_facility_id"), "health_schedules", ["facility_id"])
    op.create_index(
        op.f("ix_health_schedules_practitioner_id"), "health_schedules", ["practitioner_id"]
    )
    op.create_table(
        "health_closures",
        _id(),
        sa.Column("facility_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason_vi", sa.String(200), nullable=False),
        sa.Column("reason_en", sa.String(200), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        _created_at(),
        _check("health_closures", "range", "starts_on <= ends_on"),
        _fk("health_closures", "facility_id", "health_facilities"),
        _fk("health_closures", "practitioner_id", "health_practitioners"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_closures")),
    )
    op.create_index(
        op.f("ix_health_closures_facility_id_ends_on"),
        "health_closures",
        ["facility_id", "ends_on"],
    )
    op.create_table(
        "health_slots",
        _id(),
        sa.Column("facility_id", sa.Uuid(), nullable=False),
        sa.Column("schedule_id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=True),
        sa.Column("specialty_id", sa.Uuid(), nullable=False),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=False),
        sa.Column("capacity", sa.SmallInteger(), nullable=False),
        sa.Column("booked", sa.SmallInteger(), nullable=False),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        _check("health_slots", "booked_within_capacity", "booked >= 0 AND booked <= capacity"),
        _fk("health_slots", "facility_id", "health_facilities"),
        _fk("health_slots", "schedule_id", "health_schedules"),
        _fk("health_slots", "practitioner_id", "health_practitioners"),
        _fk("health_slots", "specialty_id", "health_specialties", ondelete=None),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_slots")),
        sa.UniqueConstraint(
            "schedule_id", "start_at", name=op.f("uq_health_slots_schedule_id_start_at")
        ),
    )
    op.create_index(
        op.f("ix_health_slots_facility_id_start_at"), "health_slots", ["facility_id", "start_at"]
    )
    op.create_table(
        "health_dependants",
        _id(),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("full_name", sa.String(120), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column(
            "relationship",
            _enum("relationship", "child", "parent", "spouse", "sibling", "grandparent", "other"),
            nullable=False,
        ),
        _created_at(),
        _fk("health_dependants", "account_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_dependants")),
    )
    op.create_index(op.f("ix_health_dependants_account_id"), "health_dependants", ["account_id"])
    op.create_table(
        "health_booking_locks",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        _fk("health_booking_locks", "account_id", "users"),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_health_booking_locks")),
    )
    op.create_table(
        "health_appointments",
        _id(),
        sa.Column("facility_id", sa.Uuid(), nullable=False),
        sa.Column("slot_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("dependant_id", sa.Uuid(), nullable=True),
        sa.Column(
            "status",
            _enum("appointment_status", "booked", "arrived", "fulfilled", "cancelled", "noshow"),
            nullable=False,
        ),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("queue_number", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("insurance_card_number", sa.String(15), nullable=True),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.Column("cancelled_by", _enum("cancelled_by", "patient", "facility"), nullable=True),
        sa.Column("cancel_reason", sa.String(500), nullable=True),
        sa.Column("closure_id", sa.Uuid(), nullable=True),
        sa.Column("replaced_by_id", sa.Uuid(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _created_at(),
        _fk("health_appointments", "facility_id", "health_facilities", ondelete=None),
        _fk("health_appointments", "slot_id", "health_slots", ondelete=None),
        _fk("health_appointments", "account_id", "users"),
        _fk("health_appointments", "dependant_id", "health_dependants"),
        _fk("health_appointments", "closure_id", "health_closures", ondelete="SET NULL"),
        _fk("health_appointments", "replaced_by_id", "health_appointments", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_appointments")),
        sa.UniqueConstraint(
            "facility_id",
            "local_day",
            "queue_number",
            name=op.f("uq_health_appointments_facility_id_local_day_queue_number"),
        ),
    )
    op.create_index(
        op.f("ix_health_appointments_account_id_start_at"),
        "health_appointments",
        ["account_id", "start_at"],
    )
    op.create_index(
        op.f("ix_health_appointments_dependant_id"), "health_appointments", ["dependant_id"]
    )
    op.create_index(op.f("ix_health_appointments_slot_id"), "health_appointments", ["slot_id"])
    op.create_table(
        "health_queue_counters",
        sa.Column("facility_id", sa.Uuid(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        _fk("health_queue_counters", "facility_id", "health_facilities"),
        sa.PrimaryKeyConstraint("facility_id", "local_day", name=op.f("pk_health_queue_counters")),
    )
    op.create_table(
        "health_reminders",
        _id(),
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("kind", _enum("reminder_kind", "day_before", "soon"), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("handled_at", UTCDateTime(), nullable=True),
        sa.Column("pushed", sa.Boolean(), nullable=False),
        _fk("health_reminders", "appointment_id", "health_appointments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_reminders")),
        sa.UniqueConstraint(
            "appointment_id", "kind", name=op.f("uq_health_reminders_appointment_id_kind")
        ),
    )
    op.create_index(
        op.f("ix_health_reminders_handled_at_due_at"), "health_reminders", ["handled_at", "due_at"]
    )
    op.create_table(
        "health_access_log",
        _id(),
        sa.Column("staff_user_id", sa.Uuid(), nullable=False),
        sa.Column("facility_id", sa.Uuid(), nullable=False),
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column(
            "action",
            _enum("access_action", "read", "check_in", "complete", "no_show", "cancel"),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_health_access_log")),
    )
    op.create_index(
        op.f("ix_health_access_log_appointment_id"), "health_access_log", ["appointment_id"]
    )
    op.create_index(
        op.f("ix_health_access_log_staff_user_id_at"),
        "health_access_log",
        ["staff_user_id", "at"],
    )
    _forbid_access_log_changes()


def _forbid_access_log_changes() -> None:
    """The access log is evidence: the database itself refuses to edit or delete its rows."""
    if _is_postgres():
        op.execute(
            "CREATE FUNCTION health_access_log_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER health_access_log_append_only "
            "BEFORE UPDATE OR DELETE ON health_access_log "
            "FOR EACH ROW EXECUTE FUNCTION health_access_log_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER health_access_log_no_{event.lower()} "
            f"BEFORE {event} ON health_access_log "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )


def downgrade() -> None:
    op.drop_table("health_access_log")
    if _is_postgres():
        op.execute("DROP FUNCTION health_access_log_append_only()")
    op.drop_table("health_reminders")
    op.drop_table("health_queue_counters")
    op.drop_table("health_appointments")
    op.drop_table("health_booking_locks")
    op.drop_table("health_dependants")
    op.drop_table("health_slots")
    op.drop_table("health_closures")
    op.drop_table("health_schedules")
    op.drop_table("health_practitioner_specialties")
    op.drop_table("health_practitioners")
    op.drop_table("health_facility_specialties")
    op.drop_table("health_opening_hours")
    op.drop_table("health_facilities")
    op.drop_table("health_specialties")
