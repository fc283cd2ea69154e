"""Schools: profiles on top of places (level, ownership, grades, programmes), fees per school
year, admission zones (wards) and intake places; students with their guardians' phones, one-time
link codes (hashed), parents' links and the link log; classes, subjects, weekly timetables,
terms and the calendar, attendance by session, assessments, conduct, fee charges, the log of
staff reads of student records; staff roles and teachers' classes; absence alerts sent.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.types import TranslatedText, UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "school_subjects",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", TranslatedText(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_school_subjects")),
    )
    op.create_table(
        "schools",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "nursery",
                "kindergarten",
                "primary",
                "lower_secondary",
                "upper_secondary",
                name="school_level",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "ownership",
            sa.Enum(
                "public",
                "private",
                name="school_ownership",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("website", sa.String(length=200), nullable=True),
        sa.Column("grades", sa.JSON(), nullable=False),
        sa.Column("programmes", sa.JSON(), nullable=False),
        sa.Column("current_year", sa.String(length=9), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["places.id"], name=op.f("fk_schools_id_places"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schools")),
    )
    op.create_index(op.f("ix_schools_level"), "schools", ["level"], unique=False)
    op.create_table(
        "school_calendar_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "holiday",
                "exam",
                "event",
                name="school_calendar_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name", TranslatedText(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_calendar_entries_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_calendar_entries")),
    )
    op.create_index(
        op.f("ix_school_calendar_entries_school_id_starts_on"),
        "school_calendar_entries",
        ["school_id", "starts_on"],
        unique=False,
    )
    op.create_table(
        "school_classes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("room", sa.String(length=40), nullable=True),
        sa.Column("homeroom_teacher", sa.String(length=120), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_classes_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_classes")),
        sa.UniqueConstraint(
            "school_id",
            "school_year",
            "name",
            name=op.f("uq_school_classes_school_id_school_year_name"),
        ),
    )
    op.create_table(
        "school_fees",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("name", TranslatedText(), nullable=False),
        sa.Column("amount_vnd", sa.Integer(), nullable=False),
        sa.Column(
            "period",
            sa.Enum(
                "month",
                "term",
                "year",
                "once",
                name="school_fee_period",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_fees_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_fees")),
    )
    op.create_index(
        op.f("ix_school_fees_school_id_school_year"),
        "school_fees",
        ["school_id", "school_year"],
        unique=False,
    )
    op.create_table(
        "school_intakes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("places >= 0", name=op.f("ck_school_intakes_places_not_negative")),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_intakes_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_intakes")),
        sa.UniqueConstraint(
            "school_id",
            "school_year",
            "grade",
            name=op.f("uq_school_intakes_school_id_school_year_grade"),
        ),
    )
    op.create_table(
        "school_staff_members",
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "administrator",
                "teacher",
                name="school_staff_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_staff_members_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_school_staff_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("school_id", "user_id", name=op.f("pk_school_staff_members")),
    )
    op.create_index(
        op.f("ix_school_staff_members_user_id"), "school_staff_members", ["user_id"], unique=False
    )
    op.create_table(
        "school_terms",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("school_year", sa.String(length=9), nullable=False),
        sa.Column("name", TranslatedText(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_terms_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_terms")),
    )
    op.create_index(
        op.f("ix_school_terms_school_id_starts_on"),
        "school_terms",
        ["school_id", "starts_on"],
        unique=False,
    )
    op.create_table(
        "school_zone_wards",
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("ward_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_zone_wards_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"],
            ["wards.id"],
            name=op.f("fk_school_zone_wards_ward_id_wards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("school_id", "ward_id", name=op.f("pk_school_zone_wards")),
    )
    op.create_index(
        op.f("ix_school_zone_wards_ward_id"), "school_zone_wards", ["ward_id"], unique=False
    )
    op.create_table(
        "school_class_teachers",
        sa.Column("class_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["school_classes.id"],
            name=op.f("fk_school_class_teachers_class_id_school_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_school_class_teachers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("class_id", "user_id", name=op.f("pk_school_class_teachers")),
    )
    op.create_index(
        op.f("ix_school_class_teachers_user_id"), "school_class_teachers", ["user_id"], unique=False
    )
    op.create_table(
        "school_notices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column(
            "audience",
            sa.Enum(
                "school",
                "grade",
                "class",
                name="school_notice_audience",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("class_id", sa.Uuid(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "announcement",
                "acknowledgement",
                "consent",
                "closure",
                name="school_notice_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", TranslatedText(), nullable=False),
        sa.Column("body", TranslatedText(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("published_by", sa.Uuid(), nullable=False),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["school_classes.id"],
            name=op.f("fk_school_notices_class_id_school_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by"],
            ["users.id"],
            name=op.f("fk_school_notices_published_by_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_notices_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_notices")),
    )
    op.create_index(
        op.f("ix_school_notices_school_id_published_at"),
        "school_notices",
        ["school_id", "published_at"],
        unique=False,
    )
    op.create_table(
        "school_students",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("identifier", sa.String(length=12), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["school_classes.id"],
            name=op.f("fk_school_students_class_id_school_classes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_students_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_students")),
        sa.UniqueConstraint("identifier", name=op.f("uq_school_students_identifier")),
    )
    op.create_index(
        op.f("ix_school_students_class_id"), "school_students", ["class_id"], unique=False
    )
    op.create_index(
        op.f("ix_school_students_school_id"), "school_students", ["school_id"], unique=False
    )
    op.create_table(
        "school_timetable",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("class_id", sa.Uuid(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column(
            "session",
            sa.Enum(
                "morning",
                "afternoon",
                name="school_day_session",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("starts_minute", sa.Integer(), nullable=False),
        sa.Column("ends_minute", sa.Integer(), nullable=False),
        sa.Column("subject_code", sa.String(length=32), nullable=False),
        sa.Column("teacher", sa.String(length=120), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["school_classes.id"],
            name=op.f("fk_school_timetable_class_id_school_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_code"],
            ["school_subjects.code"],
            name=op.f("fk_school_timetable_subject_code_school_subjects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_timetable")),
        sa.UniqueConstraint(
            "class_id",
            "weekday",
            "period",
            name=op.f("uq_school_timetable_class_id_weekday_period"),
        ),
    )
    op.create_table(
        "school_absence_alerts",
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_absence_alerts_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("student_id", "day", name=op.f("pk_school_absence_alerts")),
    )
    op.create_table(
        "school_access_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("staff_user_id", sa.Uuid(), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "read_student",
                name="school_staff_access",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_access_log_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["users.id"],
            name=op.f("fk_school_access_log_staff_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_access_log_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_access_log")),
    )
    op.create_index(
        op.f("ix_school_access_log_staff_user_id"),
        "school_access_log",
        ["staff_user_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_school_access_log_student_id_at"),
        "school_access_log",
        ["student_id", "at"],
        unique=False,
    )
    op.create_table(
        "school_assessments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("term_id", sa.Uuid(), nullable=False),
        sa.Column("subject_code", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "oral",
                "fifteen_minutes",
                "one_period",
                "midterm",
                "semester",
                name="school_assessment_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("score", sa.Numeric(precision=4, scale=2, asdecimal=False), nullable=True),
        sa.Column("text_score", sa.String(length=60), nullable=True),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "score IS NULL OR (score >= 0 AND score <= 10)",
            name=op.f("ck_school_assessments_score_range"),
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_assessments_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_code"],
            ["school_subjects.code"],
            name=op.f("fk_school_assessments_subject_code_school_subjects"),
        ),
        sa.ForeignKeyConstraint(
            ["term_id"],
            ["school_terms.id"],
            name=op.f("fk_school_assessments_term_id_school_terms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_assessments")),
    )
    op.create_index(
        op.f("ix_school_assessments_student_id_term_id"),
        "school_assessments",
        ["student_id", "term_id"],
        unique=False,
    )
    op.create_table(
        "school_attendance",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "session",
            sa.Enum(
                "morning",
                "afternoon",
                name="school_day_session",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "present",
                "excused",
                "unexcused",
                "late",
                name="school_attendance_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_attendance_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_attendance")),
        sa.UniqueConstraint(
            "student_id", "day", "session", name=op.f("uq_school_attendance_student_id_day_session")
        ),
    )
    op.create_table(
        "school_conduct",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("term_id", sa.Uuid(), nullable=False),
        sa.Column(
            "rating",
            sa.Enum(
                "good",
                "fair",
                "satisfactory",
                "fail",
                name="school_conduct_rating",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_conduct_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["term_id"],
            ["school_terms.id"],
            name=op.f("fk_school_conduct_term_id_school_terms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_conduct")),
        sa.UniqueConstraint(
            "student_id", "term_id", name=op.f("uq_school_conduct_student_id_term_id")
        ),
    )
    op.create_table(
        "school_fee_charges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("name", TranslatedText(), nullable=False),
        sa.Column("amount_vnd", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("paid_vnd", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_fee_charges_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_fee_charges")),
    )
    op.create_index(
        op.f("ix_school_fee_charges_student_id_due_on"),
        "school_fee_charges",
        ["student_id", "due_on"],
        unique=False,
    )
    op.create_table(
        "school_guardians",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_guardians_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_guardians")),
        sa.UniqueConstraint(
            "student_id", "phone", name=op.f("uq_school_guardians_student_id_phone")
        ),
    )
    op.create_index(op.f("ix_school_guardians_phone"), "school_guardians", ["phone"], unique=False)
    op.create_table(
        "school_link_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("issued_by", sa.Uuid(), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issued_by"],
            ["users.id"],
            name=op.f("fk_school_link_codes_issued_by_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_link_codes_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_link_codes")),
    )
    op.create_index(
        op.f("ix_school_link_codes_student_id"), "school_link_codes", ["student_id"], unique=False
    )
    op.create_table(
        "school_link_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "code_issued",
                "linked",
                "failed",
                "revoked",
                name="school_link_action",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_link_events_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_school_link_events_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_link_events")),
    )
    op.create_index(
        op.f("ix_school_link_events_student_id"), "school_link_events", ["student_id"], unique=False
    )
    op.create_index(
        op.f("ix_school_link_events_user_id_action_at"),
        "school_link_events",
        ["user_id", "action", "at"],
        unique=False,
    )
    op.create_table(
        "school_notice_recipients",
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column(
            "answer",
            sa.Enum(
                "acknowledged",
                "yes",
                "no",
                name="school_notice_answer",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("answered_by", sa.Uuid(), nullable=True),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["school_notices.id"],
            name=op.f("fk_school_notice_recipients_notice_id_school_notices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_notice_recipients_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "notice_id", "student_id", name=op.f("pk_school_notice_recipients")
        ),
    )
    op.create_index(
        op.f("ix_school_notice_recipients_student_id"),
        "school_notice_recipients",
        ["student_id"],
        unique=False,
    )
    op.create_table(
        "school_parent_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["school_students.id"],
            name=op.f("fk_school_parent_links_student_id_school_students"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_school_parent_links_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_parent_links")),
        sa.UniqueConstraint(
            "student_id", "user_id", name=op.f("uq_school_parent_links_student_id_user_id")
        ),
    )
    op.create_index(
        op.f("ix_school_parent_links_user_id"), "school_parent_links", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_school_parent_links_user_id"), table_name="school_parent_links")
    op.drop_table("school_parent_links")
    op.drop_index(
        op.f("ix_school_notice_recipients_student_id"), table_name="school_notice_recipients"
    )
    op.drop_table("school_notice_recipients")
    op.drop_index(op.f("ix_school_link_events_user_id_action_at"), table_name="school_link_events")
    op.drop_index(op.f("ix_school_link_events_student_id"), table_name="school_link_events")
    op.drop_table("school_link_events")
    op.drop_index(op.f("ix_school_link_codes_student_id"), table_name="school_link_codes")
    op.drop_table("school_link_codes")
    op.drop_index(op.f("ix_school_guardians_phone"), table_name="school_guardians")
    op.drop_table("school_guardians")
    op.drop_index(op.f("ix_school_fee_charges_student_id_due_on"), table_name="school_fee_charges")
    op.drop_table("school_fee_charges")
    op.drop_table("school_conduct")
    op.drop_table("school_attendance")
    op.drop_index(op.f("ix_school_assessments_student_id_term_id"), table_name="school_assessments")
    op.drop_table("school_assessments")
    op.drop_index(op.f("ix_school_access_log_student_id_at"), table_name="school_access_log")
    op.drop_index(op.f("ix_school_access_log_staff_user_id"), table_name="school_access_log")
    op.drop_table("school_access_log")
    op.drop_table("school_absence_alerts")
    op.drop_table("school_timetable")
    op.drop_index(op.f("ix_school_students_school_id"), table_name="school_students")
    op.drop_index(op.f("ix_school_students_class_id"), table_name="school_students")
    op.drop_table("school_students")
    op.drop_index(op.f("ix_school_notices_school_id_published_at"), table_name="school_notices")
    op.drop_table("school_notices")
    op.drop_index(op.f("ix_school_class_teachers_user_id"), table_name="school_class_teachers")
    op.drop_table("school_class_teachers")
    op.drop_index(op.f("ix_school_zone_wards_ward_id"), table_name="school_zone_wards")
    op.drop_table("school_zone_wards")
    op.drop_index(op.f("ix_school_terms_school_id_starts_on"), table_name="school_terms")
    op.drop_table("school_terms")
    op.drop_index(op.f("ix_school_staff_members_user_id"), table_name="school_staff_members")
    op.drop_table("school_staff_members")
    op.drop_table("school_intakes")
    op.drop_index(op.f("ix_school_fees_school_id_school_year"), table_name="school_fees")
    op.drop_table("school_fees")
    op.drop_table("school_classes")
    op.drop_index(
        op.f("ix_school_calendar_entries_school_id_starts_on"), table_name="school_calendar_entries"
    )
    op.drop_table("school_calendar_entries")
    op.drop_index(op.f("ix_schools_level"), table_name="schools")
    op.drop_table("schools")
    op.drop_table("school_subjects")
