"""Prepared reads give the rows SQLAlchemy gives, typed the same, on both databases, in a
request's read session and in a unit of work alike; statement listeners still see them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Integer, Uuid, bindparam, event, func, inspect, select
from sqlalchemy.exc import StatementError

from backend.db.prepared import EntityColumns, Prepared, one_of
from backend.db.reads import RequestReads
from backend.places.models import Place, PlaceKind
from backend.places.repository import PLACE_COLUMNS


def _places(by_kind: bool, dialect: str) -> Any:
    statement = select(*PLACE_COLUMNS).where(one_of(Place.id, "ids", Uuid(), dialect))
    if by_kind:
        statement = statement.where(Place.kind == bindparam("kind"))
    return statement.order_by(Place.id).limit(bindparam("limit", type_=Integer()))


PLACES = Prepared(_places)


async def test_prepared_rows_match_sqlalchemys_for_any_list_length(seeded: Any) -> None:
    async with seeded.sessions() as session:
        expected = (await session.execute(select(*PLACE_COLUMNS).order_by(Place.id))).all()
    ids = [row[0] for row in expected]
    reads = RequestReads(seeded.app.state.services.read_connections)
    try:
        for count in (1, 3, len(ids)):
            async with reads.session() as session:
                rows = await PLACES.rows(session, False, {"ids": ids[:count], "limit": 100})
            assert [tuple(row) for row in rows] == [tuple(row) for row in expected[:count]]
        async with reads.session() as session:
            hospitals = await PLACES.rows(
                session, True, {"ids": ids, "kind": PlaceKind.HOSPITAL, "limit": 2}
            )
    finally:
        await reads.close()
    assert len(hospitals) == 2
    assert all(row[1] is PlaceKind.HOSPITAL for row in hospitals)  # the enum, not its text
    assert hospitals[0][2].vi  # a Translated name, not JSON


async def test_prepared_rows_in_a_unit_of_work_and_seen_by_listeners(seeded: Any) -> None:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engine = seeded.app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        async with seeded.sessions() as session, session.begin():
            first = (await session.execute(select(Place.id).order_by(Place.id))).scalars().first()
            seen.clear()
            rows = await PLACES.rows(session, False, {"ids": [first], "limit": 1})
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert [row[0] for row in rows] == [first]
    assert len(seen) == 1
    assert "places" in seen[0]


async def test_a_missing_value_is_refused_before_anything_runs(seeded: Any) -> None:
    reads = RequestReads(seeded.app.state.services.read_connections)
    try:
        async with reads.session() as session:
            # Compiled on a first, complete call; then a call without `limit`: refused by us on
            # PostgreSQL, by SQLAlchemy on SQLite.
            await PLACES.rows(session, False, {"ids": [], "limit": 1})
            with pytest.raises((KeyError, StatementError), match="limit"):
                await PLACES.rows(session, False, {"ids": []})
    finally:
        await reads.close()


PLACE_ENTITY = EntityColumns.of(Place)
PLACE_ENTITIES: Prepared[None] = Prepared(
    lambda _, dialect: select(*PLACE_ENTITY.columns).where(one_of(Place.id, "ids", Uuid(), dialect))
)


async def test_entities_from_prepared_rows_are_as_a_finished_session_leaves_them(
    seeded: Any,
) -> None:
    async with seeded.sessions() as session:
        loaded = (await session.scalars(select(Place).order_by(Place.id).limit(2))).all()
        expected = {p.id: {k: getattr(p, k) for k in PLACE_ENTITY.keys} for p in loaded}
    reads = RequestReads(seeded.app.state.services.read_connections)
    try:
        async with reads.session() as session:
            rows = await PLACE_ENTITIES.rows(session, None, {"ids": list(expected)})
    finally:
        await reads.close()
    places = [PLACE_ENTITY.entity(row) for row in rows]

    assert {p.id: {k: getattr(p, k) for k in PLACE_ENTITY.keys} for p in places} == expected
    assert all(inspect(p).detached for p in places)
    # Taken into a unit of work, it is the stored row again: changed, it is updated, never
    # inserted a second time.
    before = await _count(seeded)
    first = places[0]
    async with seeded.sessions() as session:
        session.add(first)
        first.address = "12 Lê Lợi, Huế"
        await session.commit()
    async with seeded.sessions() as session:
        stored = await session.get(Place, first.id)
    assert stored is not None
    assert stored.address == "12 Lê Lợi, Huế"
    assert await _count(seeded) == before


async def _count(seeded: Any) -> int:
    async with seeded.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Place)) or 0)
