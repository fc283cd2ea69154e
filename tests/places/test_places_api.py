"""Public places through GraphQL: nearest first, pages that add up, no N+1, clear refusals."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from shapely.geometry import Point

from backend.i18n import Translated
from backend.places.models import Place, PlaceKind
from backend.seed.hue import PLACES
from tests.support.graphql import data, error_codes, only_error

NEAR_BRIDGE = {"latitude": 16.4637, "longitude": 107.5909}

NEARBY = """
query Nearby($near: GeoPointInput, $radius: Float, $kinds: [PlaceKind!], $first: Int, $after: String) {
  places(near: $near, radiusMeters: $radius, kinds: $kinds, first: $first, after: $after) {
    edges { cursor node { id name kind distanceMeters location { latitude longitude } ward { name } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""


async def _all_pages(api: Any, variables: dict[str, Any], page: int) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    for _ in range(50):
        result = data(await api(NEARBY, {**variables, "first": page, "after": after}))["places"]
        nodes += [edge["node"] for edge in result["edges"]]
        assert result["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not result["pageInfo"]["hasNextPage"]:
            return nodes
        after = result["pageInfo"]["endCursor"]
    raise AssertionError("pagination did not end")


async def test_hospitals_nearest_first_with_distances(seeded: Any) -> None:
    result = data(
        await seeded(
            NEARBY, {"near": NEAR_BRIDGE, "radius": 2000, "kinds": ["HOSPITAL"]}, language="en"
        )
    )["places"]
    nodes = [edge["node"] for edge in result["edges"]]

    assert [node["name"] for node in nodes] == [
        "Hue Central International Hospital",  # ~240 m
        "Hue Central Hospital",  # ~450 m
        "Hue University of Medicine and Pharmacy Hospital",  # ~530 m
    ]
    distances = [node["distanceMeters"] for node in nodes]
    assert distances == sorted(distances)
    assert 200 < distances[0] < 300
    assert {node["ward"]["name"] for node in nodes} == {"Phu Hoi Ward", "Vinh Ninh Ward"}


async def test_paging_by_distance_returns_every_place_once_in_order(seeded: Any) -> None:
    one_page = await _all_pages(seeded, {"near": NEAR_BRIDGE}, page=100)
    by_twos = await _all_pages(seeded, {"near": NEAR_BRIDGE}, page=2)

    assert len(one_page) == len(PLACES)
    assert [n["id"] for n in by_twos] == [n["id"] for n in one_page]
    distances = [n["distanceMeters"] for n in one_page]
    assert distances == sorted(distances)


async def test_paging_by_name_without_a_position(seeded: Any) -> None:
    one_page = await _all_pages(seeded, {}, page=100)
    by_threes = await _all_pages(seeded, {}, page=3)

    assert [n["id"] for n in by_threes] == [n["id"] for n in one_page]
    assert all(n["distanceMeters"] is None for n in one_page)
    assert len(one_page) == len(PLACES)


async def test_wards_of_a_page_are_loaded_in_one_batch(seeded: Any) -> None:
    seeded.sql.clear()
    result = data(await seeded(NEARBY, {"near": NEAR_BRIDGE, "first": 15}))["places"]

    assert len(result["edges"]) == 15
    assert seeded.sql.count == 2, seeded.sql.statements  # the places, then their wards


@pytest.mark.parametrize(
    ("position", "ward"),
    [
        ({"latitude": 16.4698, "longitude": 107.5786}, "Phường Thuận Hòa"),
        ({"latitude": 16.4533, "longitude": 107.5448}, "Phường Kim Long"),
        ({"latitude": 10.7769, "longitude": 106.7009}, None),  # Hồ Chí Minh City
    ],
)
async def test_ward_at_a_position(
    seeded: Any, position: dict[str, float], ward: str | None
) -> None:
    found = data(
        await seeded("query($p: GeoPointInput!) { wardAt(location: $p) { name } }", {"p": position})
    )
    assert (found["wardAt"] or {}).get("name") == ward


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"after": "not-a-cursor"}, "after"),
        ({"near": {"latitude": 91, "longitude": 107}}, "near"),
        ({"near": NEAR_BRIDGE, "radius": 0}, "radiusMeters"),
        ({"near": NEAR_BRIDGE, "radius": 1e9}, "radiusMeters"),
    ],
)
async def test_bad_search_input_names_the_field(
    seeded: Any, variables: dict[str, Any], field: str
) -> None:
    error = only_error(await seeded(NEARBY, variables))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def test_a_cursor_of_one_ordering_is_refused_by_the_other(seeded: Any) -> None:
    by_name = data(await seeded(NEARBY, {"first": 1}))["places"]["pageInfo"]["endCursor"]
    body = await seeded(NEARBY, {"near": NEAR_BRIDGE, "first": 1, "after": by_name})
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_wards_list_pages(seeded: Any) -> None:
    first = data(
        await seeded(
            "{ wards(first: 5) { edges { node { name } } pageInfo { hasNextPage endCursor } } }"
        )
    )
    assert len(first["wards"]["edges"]) == 5
    assert first["wards"]["pageInfo"]["hasNextPage"] is True
    rest = data(
        await seeded(
            "query($a: String) { wards(first: 5, after: $a) { edges { node { name } } pageInfo { hasNextPage } } }",
            {"a": first["wards"]["pageInfo"]["endCursor"]},
        )
    )
    assert len(rest["wards"]["edges"]) == 3
    assert rest["wards"]["pageInfo"]["hasNextPage"] is False


async def test_place_names_fall_back_to_english_then_vietnamese(api: Any) -> None:
    async with api.sessions() as session:
        session.add_all(
            [
                Place(
                    id=uuid.UUID(int=1),
                    slug="dai-noi",
                    kind=PlaceKind.MONUMENT,
                    name=Translated.of("Đại Nội Huế", "Hue Imperial City", fr="Cité impériale"),
                    address="Huế",
                    location=Point(107.5786, 16.4698),
                ),
                Place(
                    id=uuid.UUID(int=2),
                    slug="cho-dong-ba",
                    kind=PlaceKind.MONUMENT,
                    name=Translated.of("Chợ Đông Ba"),
                    address="Huế",
                    location=Point(107.5880, 16.4736),
                ),
            ]
        )
        await session.commit()
    query = "{ places(kinds: [MONUMENT]) { edges { node { name ko: name(locale: KO) } } } }"

    def names(body: dict[str, Any]) -> list[tuple[str, str]]:
        return [(e["node"]["name"], e["node"]["ko"]) for e in body["data"]["places"]["edges"]]

    assert names(await api(query, language="fr-FR")) == [
        ("Chợ Đông Ba", "Chợ Đông Ba"),
        ("Cité impériale", "Hue Imperial City"),
    ]
    assert names(await api(query, language="zh-TW")) == [
        ("Chợ Đông Ba", "Chợ Đông Ba"),
        ("Hue Imperial City", "Hue Imperial City"),
    ]
