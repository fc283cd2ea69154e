"""Schools: what a teacher's link to a class is for (its homeroom, at most one per class, and
the subjects they teach it), and the log of changes to those links.

Links made before this revision came from assigning a homeroom teacher: a link to a class
whose homeroom is now someone else's was a replaced homeroom teacher's, which gave access for
no purpose, and is removed.

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db.types import UTCDateTime

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOMEROOM_INDEX = "uq_school_class_teachers_one_homeroom"

links = sa.table(
    "school_class_teachers",
    sa.column("class_id", sa.Uuid()),
    sa.column("user_id", sa.Uuid()),
    sa.column("homeroom", sa.Boolean()),
)
classes = sa.table(
    "school_classes", sa.column("id", sa.Uuid()), sa.column("homeroom_teacher_id", sa.Uuid())
)


def upgrade() -> None:
    op.add_column(
        "school_class_teachers",
        sa.Column("homeroom", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    same_class = classes.c.id == links.c.class_id
    op.execute(
        links.update()
        .where(sa.exists().where(same_class, classes.c.homeroom_teacher_id == links.c.user_id))
        .values(homeroom=True)
    )
    op.execute(
        links.delete().where(
            sa.exists().where(
                same_class,
                classes.c.homeroom_teacher_id.is_not(None),
                classes.c.homeroom_teacher_id != links.c.user_id,
            )
        )
    )
    op.create_index(
        HOMEROOM_INDEX,
        "school_class_teachers",
        ["class_id"],
        unique=True,
        postgresql_where=sa.text("homeroom"),
        sqlite_where=sa.text("homeroom"),
    )
    op.create_table(
        "school_class_teacher_subjects",
        sa.Column("class_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("subject_code", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id", "user_id"],
            ["school_class_teachers.class_id", "school_class_teachers.user_id"],
            name=op.f("fk_school_class_teacher_subjects_class_id_school_class_teachers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_code"],
            ["school_subjects.code"],
            name=op.f("fk_school_class_teacher_subjects_subject_code_school_subjects"),
        ),
        sa.PrimaryKeyConstraint(
            "class_id", "user_id", "subject_code", name=op.f("pk_school_class_teacher_subjects")
        ),
    )
    op.create_table(
        "school_class_teacher_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("class_id", sa.Uuid(), nullable=False),
        sa.Column("teacher_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column(
            "action",
            sa.Enum(
                "homeroom_assigned",
                "homeroom_replaced",
                "subjects_set",
                "removed",
                name="school_teacher_link_action",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["school_classes.id"],
            name=op.f("fk_school_class_teacher_events_class_id_school_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["users.id"],
            name=op.f("fk_school_class_teacher_events_teacher_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_school_class_teacher_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_class_teacher_events")),
    )
    op.create_index(
        op.f("ix_school_class_teacher_events_class_id_at"),
        "school_class_teacher_events",
        ["class_id", "at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_school_class_teacher_events_class_id_at"),
        table_name="school_class_teacher_events",
    )
    op.drop_table("school_class_teacher_events")
    op.drop_table("school_class_teacher_subjects")
    op.drop_index(HOMEROOM_INDEX, table_name="school_class_teachers")
    with op.batch_alter_table("school_class_teachers") as batch:
        batch.drop_column("homeroom")
