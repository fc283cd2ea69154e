"""The same Huế points and polygons give the same answers on PostGIS and on SQLite."""

from __future__ import annotations

import math
import uuid
from typing import Any

import pytest
import shapely
from shapely.geometry import Point, box
from sqlalchemy import select

from backend.db import spatial
from backend.db.engine import create_engine, create_session_factory
from backend.db.types import SRID
from backend.i18n import Translated
from backend.places import repository
from backend.places.models import Place, PlaceKind, Ward
from backend.settings import Settings
from tests.support.plans import planned

# Landmarks of Huế (lat, lng) and wards as boxes (south, north, west, east).
POINTS = {
    "dai-noi": (16.4698, 107.5786),
    "truong-tien": (16.4684, 107.5886),
    "thien-mu": (16.4533, 107.5448),
    "tu-duc": (16.4335, 107.5665),
    "quoc-hoc": (16.4597, 107.5835),
    "da-nang-airport": (16.0544, 108.2022),  # far away: outside every radius below
}
WARDS = {
    "citadel": (16.462, 16.480, 107.566, 107.582),
    "south-bank": (16.455, 16.468, 107.582, 107.600),
}
# Positions and the ward they lie in. PostGIS draws polygon edges as great circles and SQLite
# (shapely) as straight lines in degrees; over a ward's width they part by ~2 cm, so a point
# within centimetres of an edge may differ. One metre inside, both agree.
WARD_QUESTIONS = [
    ((16.4698, 107.5786), "citadel"),
    ((16.4600, 107.5900), "south-bank"),
    ((16.4533, 107.5448), None),
    ((16.46201, 107.5700), "citadel"),  # one metre inside the southern edge
    ((16.46199, 107.5700), None),  # one metre outside it
]
ORIGIN = (16.4637, 107.5909)  # near the Trường Tiền bridge, south bank


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, name)


def reference_distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great circle on PostGIS' sphere, computed independently of the code under test."""
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * 6371008.7714 * math.asin(math.sqrt(h))


async def _load(settings: Settings) -> Any:
    engine = create_engine(settings)
    sessions = create_session_factory(engine)
    async with sessions() as session:
        for name, (south, north, west, east) in WARDS.items():
            session.add(
                Ward(
                    id=_id(name),
                    slug=name,
                    name=Translated.of(name, name),
                    boundary=box(west, south, east, north),
                )
            )
        for name, (lat, lng) in POINTS.items():
            session.add(_place(name, lat, lng, PlaceKind.MONUMENT))
        await session.commit()
    return engine, sessions


def _place(name: str, lat: float, lng: float, kind: PlaceKind) -> Place:
    return Place(
        id=_id(name),
        slug=name,
        kind=kind,
        name=Translated.of(name, name),
        address="Huế",
        location=Point(lng, lat),
    )


async def _answers(settings: Settings) -> dict[str, Any]:
    engine, sessions = await _load(settings)
    origin = Point(ORIGIN[1], ORIGIN[0])
    answers: dict[str, Any] = {}
    async with sessions() as session:
        for radius in (500, 1500, 5000, 200_000):
            rows = await repository.places_near(
                session, near=origin, radius_m=radius, kinds=[], after=None, limit=50
            )
            answers[f"within {radius}"] = [
                (place.name.vi, round(meters, 3)) for place, meters in rows
            ]
        wards = []
        for (lat, lng), _ in WARD_QUESTIONS:
            ward = await repository.ward_covering(session, Point(lng, lat))
            wards.append(ward.slug if ward else None)
        answers["wards"] = wards
        distance = spatial.distance_meters(Place.location, origin)
        answers["distance"] = {
            slug: round(meters, 3)
            for slug, meters in (await session.execute(select(Place.slug, distance))).all()
        }
    await engine.dispose()
    return answers


async def test_geo_answers_match_an_independent_reference(settings: Settings) -> None:
    answers = await _answers(settings)

    expected = {name: reference_distance(ORIGIN, point) for name, point in POINTS.items()}
    for name, meters in answers["distance"].items():
        assert meters == pytest.approx(expected[name], rel=1e-6, abs=0.01)
    for radius in (500, 1500, 5000, 200_000):
        inside = sorted((d, n) for n, d in expected.items() if d <= radius)
        assert [n for n, _ in answers[f"within {radius}"]] == [n for _, n in inside]
    assert answers["wards"] == [ward for _, ward in WARD_QUESTIONS]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_sqlite_and_postgis_agree(
    settings: Settings, tmp_path: Any, sqlite_template: Any
) -> None:
    import shutil

    sqlite_path = tmp_path / "agree.db"
    shutil.copy(sqlite_template, sqlite_path)
    sqlite = Settings(DATABASE_URL=f"sqlite+aiosqlite:///{sqlite_path}", CITIZEN_VAR_DIR=tmp_path)

    on_postgis = await _answers(settings)
    on_sqlite = await _answers(sqlite)

    assert on_postgis["wards"] == on_sqlite["wards"]
    for key in on_postgis:
        if key.startswith("within"):
            assert [n for n, _ in on_postgis[key]] == [n for n, _ in on_sqlite[key]]
    for name, meters in on_postgis["distance"].items():
        assert on_sqlite["distance"][name] == pytest.approx(meters, rel=1e-9, abs=0.001)


# Six places on one spot (a hospital's departments share its address) and three apart.
CROWD = [(f"crowd-{n}", (16.4650, 107.5900)) for n in range(6)] + [
    ("before-crowd", (16.4640, 107.5905)),
    ("after-crowd", (16.4700, 107.5950)),
    ("outside", (16.5200, 107.6500)),
]


async def _crowd(settings: Settings) -> Any:
    engine = create_engine(settings)
    sessions = create_session_factory(engine)
    async with sessions() as session:
        for name, (lat, lng) in CROWD:
            session.add(_place(name, lat, lng, PlaceKind.HOSPITAL))
        await session.commit()
    return engine, sessions


async def test_nearest_pages_keep_ties_in_id_order_and_add_up(settings: Settings) -> None:
    engine, sessions = await _crowd(settings)
    origin = Point(ORIGIN[1], ORIGIN[0])
    try:
        async with sessions() as session:
            seen: list[tuple[float, uuid.UUID]] = []
            after = None
            while True:
                page = await repository.places_near(
                    session, near=origin, radius_m=2_000, kinds=[], after=after, limit=2
                )
                seen += [(meters, place.id) for place, meters in page]
                if len(page) < 2:
                    break
                after = seen[-1]
    finally:
        await engine.dispose()

    inside = [(reference_distance(ORIGIN, p), _id(n)) for n, p in CROWD if n != "outside"]
    expected = [row_id for _, row_id in sorted(inside)]
    assert [row_id for _, row_id in seen] == expected
    assert len(set(expected)) == 8
    for (meters, _), (reference, _) in zip(seen, sorted(inside), strict=True):
        assert meters == pytest.approx(reference, rel=1e-6)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_nearest_page_reads_the_index_in_distance_order(settings: Settings) -> None:
    engine, sessions = await _crowd(settings)
    origin = Point(ORIGIN[1], ORIGIN[0])

    async def nearest(limit: int) -> tuple[list[uuid.UUID], str, str]:
        async with sessions() as session:
            rows, statement, plan = await planned(
                session,
                lambda: repository.places_near(
                    session, near=origin, radius_m=50_000, kinds=[], after=None, limit=limit
                ),
            )
        return [place.id for place, _ in rows], statement, plan

    try:
        # The nearest two and the next one differ in distance: one KNN scan answers.
        alone, statement, plan = await nearest(1)
        # The third and the next one tie: the exact statement reads the crowd, still from the
        # index, and keeps its lowest ids.
        tied, exact, exact_plan = await nearest(3)
    finally:
        await engine.dispose()

    assert alone == [_id("before-crowd")]
    assert "WITH" not in statement
    assert "Order By: (location <-> " in plan
    assert tied == [_id("before-crowd"), *sorted_crowd()[:2]]
    assert "WITH farthest" in exact
    assert "Order By: (location <-> " in exact_plan
    assert "ix_places_location" in exact_plan


def sorted_crowd() -> list[uuid.UUID]:
    return sorted(_id(n) for n, _ in CROWD if n.startswith("crowd"))


@pytest.mark.parametrize(
    ("lat", "lng"),
    [(16.4637, 107.5909), (-33.8688197, 151.2092955), (0.1 + 0.2, -179.99999999999997), (90, 0)],
)
def test_a_points_text_is_the_text_of_its_geometry(lat: float, lng: float) -> None:
    text = spatial.point_ewkt(lat, lng)

    assert shapely.from_wkt(text.partition(";")[2]).equals_exact(Point(lng, lat), 0)
    assert text.partition(";")[0] == f"SRID={SRID}"
    assert float(text.split("(")[1].split()[0]) == lng
