"""Migration 0030 gives existing teacher links their purpose: the class's homeroom teacher's
link carries the homeroom; a link kept by a homeroom teacher since replaced gave access for no
purpose and goes; a link to a class without a homeroom account stays. Down and up again keeps
the links there are."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from shapely.geometry import Point

from backend.db import migrate
from backend.db.engine import create_engine, create_session_factory
from backend.i18n import Translated
from backend.identity.models import User
from backend.places.models import Place, PlaceKind
from backend.schools.models import Ownership, School, SchoolClass, SchoolLevel
from backend.settings import Settings
from tests.support.databases import create_postgres_database, drop_postgres_database
from tests.support.services import unavailable

HOMEROOM, REPLACED, OTHER = (uuid.UUID(int=n) for n in (1, 2, 3))
SCHOOL = uuid.UUID(int=10)
ASSIGNED, UNASSIGNED = uuid.UUID(int=20), uuid.UUID(int=21)

links = sa.table(
    "school_class_teachers", sa.column("class_id", sa.Uuid()), sa.column("user_id", sa.Uuid())
)


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


async def _links_of_0027(settings: Settings) -> None:
    """Two classes: one whose homeroom moved from REPLACED to HOMEROOM (both still linked, as
    assigning a homeroom teacher left them), one with a link and no homeroom account."""
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            for user, name in ((HOMEROOM, "Hoa"), (REPLACED, "Minh"), (OTHER, "Lan")):
                session.add(User(id=user, password_hash="x", display_name=name))
            session.add(
                Place(
                    id=SCHOOL,
                    slug="truong-thu",
                    kind=PlaceKind.SCHOOL,
                    name=Translated({"vi": "Trường thử"}),
                    address="1 Lê Lợi",
                    location=Point(107.58, 16.46),
                )
            )
            await session.flush()
            session.add(
                School(
                    id=SCHOOL,
                    level=SchoolLevel.UPPER_SECONDARY,
                    ownership=Ownership.PUBLIC,
                    grades=[10, 11, 12],
                    programmes=["standard"],
                    current_year="2026-2027",
                )
            )
            await session.flush()
            for class_id, name, homeroom in (
                (ASSIGNED, "10A", HOMEROOM),
                (UNASSIGNED, "10B", None),
            ):
                session.add(
                    SchoolClass(
                        id=class_id,
                        school_id=SCHOOL,
                        school_year="2026-2027",
                        name=name,
                        grade=10,
                        room=None,
                        homeroom_teacher=None,
                        homeroom_teacher_id=homeroom,
                    )
                )
            await session.flush()
            await session.execute(
                links.insert(),
                [
                    {"class_id": ASSIGNED, "user_id": HOMEROOM},
                    {"class_id": ASSIGNED, "user_id": REPLACED},
                    {"class_id": UNASSIGNED, "user_id": OTHER},
                ],
            )
    finally:
        await engine.dispose()


async def _rows(settings: Settings, statement: Any) -> list[tuple[Any, ...]]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            return sorted(tuple(row) for row in await connection.execute(statement))
    finally:
        await engine.dispose()


def test_links_get_their_purpose_and_replaced_homerooms_go(empty_database: Settings) -> None:
    migrate.upgrade(empty_database, "0029")
    asyncio.run(_links_of_0027(empty_database))

    migrate.upgrade(empty_database, "0030")
    with_purpose = sa.text("SELECT class_id, user_id, homeroom FROM school_class_teachers")
    found = asyncio.run(_rows(empty_database, with_purpose))
    assert [(uuid.UUID(str(c)), uuid.UUID(str(u)), bool(h)) for c, u, h in found] == [
        (ASSIGNED, HOMEROOM, True),
        (UNASSIGNED, OTHER, False),
    ]

    migrate.downgrade(empty_database, "0029")
    kept = asyncio.run(_rows(empty_database, sa.select(links.c.class_id, links.c.user_id)))
    assert kept == [(ASSIGNED, HOMEROOM), (UNASSIGNED, OTHER)]
    migrate.upgrade(empty_database)
