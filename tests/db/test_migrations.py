"""Alembic is the only creator of tables: up, down and up again, and no drift from the models."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from shapely.geometry import Point
from sqlalchemy import inspect

from backend.db import migrate
from backend.db.base import Base
from backend.db.engine import create_engine
from backend.db.types import Geography, UTCDateTime
from backend.settings import Settings
from tests.support.databases import create_postgres_database, drop_postgres_database
from tests.support.services import unavailable


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_available: bool | str
) -> Iterator[Settings]:
    if request.param == "sqlite":
        yield Settings(
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/m.db", CITIZEN_VAR_DIR=tmp_path
        )
        return
    if postgres_available is not True:
        unavailable("PostgreSQL", postgres_available)
    url = create_postgres_database()
    yield Settings(DATABASE_URL=url, CITIZEN_VAR_DIR=tmp_path)
    drop_postgres_database(url)


async def _inspect(settings: Settings) -> tuple[set[str], list[Any]]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:

            def read(sync: Any) -> tuple[set[str], list[Any]]:
                context = MigrationContext.configure(
                    sync, opts={"compare_type": True, "include_object": migrate.include_object}
                )
                names = inspect(sync).get_table_names()
                tables = {n for n in names if not migrate.is_partition(n)} - migrate.POSTGIS_TABLES
                return tables, compare_metadata(context, Base.metadata)

            return await connection.run_sync(read)
    finally:
        await engine.dispose()


def test_upgrade_downgrade_upgrade_without_drift(empty_database: Settings) -> None:
    model_tables = set(Base.metadata.tables)

    migrate.upgrade(empty_database)
    tables, drift = asyncio.run(_inspect(empty_database))
    assert tables == model_tables | {"alembic_version"}
    assert drift == []

    migrate.downgrade(empty_database, "base")
    tables, _ = asyncio.run(_inspect(empty_database))
    assert tables == {"alembic_version"}

    migrate.upgrade(empty_database)
    tables, drift = asyncio.run(_inspect(empty_database))
    assert tables == model_tables | {"alembic_version"}
    assert drift == []


USER_ID = uuid.UUID(int=1)
PLACE_ID = uuid.UUID(int=2)
NOTIFICATION_ID = uuid.UUID(int=3)
NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)

users = sa.table(
    "users",
    sa.column("id", sa.Uuid()),
    sa.column("password_hash", sa.String()),
    sa.column("display_name", sa.String()),
    sa.column("locale", sa.String()),
    sa.column("is_active", sa.Boolean()),
    sa.column("created_at", UTCDateTime()),
)
places = sa.table(
    "places",
    sa.column("id", sa.Uuid()),
    sa.column("slug", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("name_vi", sa.String()),
    sa.column("name_en", sa.String()),
    sa.column("name", sa.JSON()),
    sa.column("address", sa.String()),
    sa.column("location", Geography("POINT")),
    sa.column("created_at", UTCDateTime()),
)
facilities = sa.table(
    "health_facilities",
    sa.column("id", sa.Uuid()),
    sa.column("level", sa.String()),
    sa.column("phone", sa.String()),
    sa.column("accepts_insurance", sa.Boolean()),
    sa.column("created_at", UTCDateTime()),
)
notifications = sa.table(
    "notifications",
    sa.column("id", sa.Uuid()),
    sa.column("user_id", sa.Uuid()),
    sa.column("category", sa.String()),
    sa.column("type", sa.String()),
    sa.column("urgent", sa.Boolean()),
    sa.column("title_vi", sa.String()),
    sa.column("title_en", sa.String()),
    sa.column("body_vi", sa.Text()),
    sa.column("body_en", sa.Text()),
    sa.column("title", sa.JSON()),
    sa.column("body", sa.JSON()),
    sa.column("deep_link", sa.String()),
    sa.column("data", sa.JSON()),
    sa.column("ttl_seconds", sa.Integer()),
    sa.column("dispatch_attempts", sa.Integer()),
    sa.column("created_at", UTCDateTime()),
)


async def _run(settings: Settings, *statements: Any) -> list[Any]:
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            return [(await connection.execute(statement)).all() for statement in statements]
    finally:
        await engine.dispose()


async def _write_rows_of_0003(settings: Settings) -> None:
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                users.insert().values(
                    id=USER_ID,
                    password_hash="x",
                    display_name="An",
                    locale="en",
                    is_active=True,
                    created_at=NOW,
                )
            )
            await connection.execute(
                places.insert().values(
                    id=PLACE_ID,
                    slug="benh-vien-trung-uong-hue",
                    kind="hospital",
                    name_vi="Bệnh viện Trung ương Huế",
                    name_en="Hue Central Hospital",
                    address="16 Lê Lợi",
                    location=Point(107.5866, 16.4617),
                    created_at=NOW,
                )
            )
            await connection.execute(
                facilities.insert().values(
                    id=PLACE_ID,
                    level="central",
                    phone="02343822325",
                    accepts_insurance=True,
                    created_at=NOW,
                )
            )
            await connection.execute(
                notifications.insert().values(
                    id=NOTIFICATION_ID,
                    user_id=USER_ID,
                    category="health",
                    type="appointment.booked",
                    urgent=False,
                    title_vi="Đã đặt lịch khám",
                    title_en="Appointment booked",
                    body_vi="Lịch hẹn lúc 08:30.",
                    body_en="Your appointment is at 08:30.",
                    deep_link="citizenhub://appointments/1",
                    data={},
                    ttl_seconds=3600,
                    dispatch_attempts=0,
                    created_at=NOW,
                )
            )
    finally:
        await engine.dispose()


def test_translated_text_migration_keeps_every_text(empty_database: Settings) -> None:
    migrate.upgrade(empty_database, "0003")
    asyncio.run(_write_rows_of_0003(empty_database))

    migrate.upgrade(empty_database)
    place_rows, notification_rows, facility_rows = asyncio.run(
        _run(
            empty_database,
            sa.select(places.c.name),
            sa.select(notifications.c.title, notifications.c.body),
            sa.select(facilities.c.id),
        )
    )
    assert place_rows == [({"vi": "Bệnh viện Trung ương Huế", "en": "Hue Central Hospital"},)]
    assert notification_rows == [
        (
            {"vi": "Đã đặt lịch khám", "en": "Appointment booked"},
            {"vi": "Lịch hẹn lúc 08:30.", "en": "Your appointment is at 08:30."},
        )
    ]
    assert facility_rows == [(PLACE_ID,)]  # rebuilding `places` did not cascade
    asyncio.run(
        _run(
            empty_database,
            users.update().values(locale="fr").returning(users.c.id),
            places.update()
            .values(name={"vi": "Bệnh viện Trung ương Huế", "fr": "Hôpital central de Hué"})
            .returning(places.c.id),
        )
    )

    migrate.downgrade(empty_database, "0003")
    place_rows, notification_rows, facility_rows, user_rows = asyncio.run(
        _run(
            empty_database,
            sa.select(places.c.name_vi, places.c.name_en),
            sa.select(notifications.c.title_en, notifications.c.body_vi),
            sa.select(facilities.c.id),
            sa.select(users.c.locale),
        )
    )
    # A text without English keeps its Vietnamese in both columns.
    assert place_rows == [("Bệnh viện Trung ương Huế", "Bệnh viện Trung ương Huế")]
    assert notification_rows == [("Appointment booked", "Lịch hẹn lúc 08:30.")]
    assert facility_rows == [(PLACE_ID,)]
    assert user_rows == [("en",)]
