"""The certified-business map: anonymous, public, only businesses holding a valid food-safety
certificate, searchable by name without accents, by industry and near a point."""

from __future__ import annotations

from typing import Any

from backend.seed.demo import stable_id
from tests.business.conftest import (
    OPERATOR,
    PHAM_NGU_LAO,
    RESTAURANT,
    gid,
    ok,
    permit_type_gid,
    send,
)
from tests.support.graphql import data, only_error
from tests.support.sessions import token


def _names(answer: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"] for edge in answer["certifiedBusinesses"]["edges"]]


async def test_only_certified_businesses_nearest_first(seeded: Any) -> None:
    found = await ok(seeded, "CertifiedBusinesses", {"near": PHAM_NGU_LAO})
    edges = found["certifiedBusinesses"]["edges"]
    # Two restaurants with food-safety certificates and a craft shop that lists its prices.
    assert _names(found) == [
        "Công ty TNHH Nhà hàng Hương Sen (demo)",
        "Hộ kinh doanh Nón lá Đông Ba (demo)",
        "Quán bún bò Đông Ba (demo)",
    ]
    assert edges[0]["distanceMeters"] < edges[1]["distanceMeters"] < edges[2]["distanceMeters"]
    restaurant = edges[0]["node"]
    assert restaurant["code"] == "3300912348"
    # The app's documents carry Apollo's typenames.
    assert restaurant["certificates"] == [
        {
            "__typename": "Certificate",
            "number": "ATTP-2025-0001DEMO",
            "issuedOn": "2025-03-10",
            "validUntil": "2028-03-09",
            "permitType": {
                "__typename": "PermitType",
                "id": restaurant["certificates"][0]["permitType"]["id"],
                "name": "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
            },
        }
    ]


async def test_search_forgives_accents_and_industry_narrows(seeded: Any) -> None:
    assert _names(await ok(seeded, "CertifiedBusinesses", {"search": "quan bun bo"})) == [
        "Quán bún bò Đông Ba (demo)"
    ]
    assert _names(await ok(seeded, "CertifiedBusinesses", {"search": "non la"})) == [
        "Hộ kinh doanh Nón lá Đông Ba (demo)"
    ]
    assert _names(await ok(seeded, "CertifiedBusinesses", {"vsic": "561"})) == [
        "Công ty TNHH Nhà hàng Hương Sen (demo)",
        "Quán bún bò Đông Ba (demo)",
    ]
    assert _names(await ok(seeded, "CertifiedBusinesses", {"vsic": "5510"})) == []


async def test_pages_follow_on(seeded: Any) -> None:
    document = (
        "query($after: String) { certifiedBusinesses(first: 1, after: $after) "
        "{ edges { node { name } } pageInfo { hasNextPage endCursor } } }"
    )
    first = data(await seeded(document))["certifiedBusinesses"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = data(await seeded(document, {"after": first["pageInfo"]["endCursor"]}))
    assert _names(rest) == ["Hộ kinh doanh Nón lá Đông Ba (demo)"]


async def test_bad_filters_name_their_argument(seeded: Any) -> None:
    for variables, field in [
        ({"vsic": "5a"}, "vsic"),
        ({"search": "  "}, "search"),
        ({"near": {"latitude": 95, "longitude": 107}}, "near"),
        ({"permitType": gid("Business", stable_id("business", RESTAURANT))}, "permitType"),
    ]:
        error = only_error(await send(seeded, "CertifiedBusinesses", variables))
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, variables


async def test_permit_types_are_public_data(seeded: Any) -> None:
    answer = await seeded(
        "query { businessPermitTypes { edges { node { slug name processingDays "
        "validityMonths agency { name } formFields { name required } } } } }",
        language="en",
    )
    nodes = [edge["node"] for edge in answer["data"]["businessPermitTypes"]["edges"]]
    food = next(node for node in nodes if node["slug"] == "food-safety-certificate")
    assert food == {
        "slug": "food-safety-certificate",
        "name": "Food safety establishment certificate",
        "processingDays": 20,
        "validityMonths": 36,
        "agency": {"name": "Sub-department of Food Safety and Hygiene"},
        "formFields": [
            {"name": "seats", "required": True},
            {"name": "kitchenArea", "required": True},
            {"name": "staffTrained", "required": False},
        ],
    }
    assert len(nodes) == 5


async def test_a_certificate_type_is_a_category(seeded: Any) -> None:
    food = await ok(
        seeded, "CertifiedBusinesses", {"permitType": permit_type_gid("food-safety-certificate")}
    )
    assert _names(food) == [
        "Công ty TNHH Nhà hàng Hương Sen (demo)",
        "Quán bún bò Đông Ba (demo)",
    ]
    prices = await ok(
        seeded,
        "CertifiedBusinesses",
        {"permitType": permit_type_gid("price-listing"), "search": "non la"},
    )
    [shop] = [edge["node"] for edge in prices["certifiedBusinesses"]["edges"]]
    assert (shop["name"], shop["kind"]) == ("Hộ kinh doanh Nón lá Đông Ba (demo)", "HOUSEHOLD")
    assert [(c["number"], c["validUntil"]) for c in shop["certificates"]] == [
        ("NYG-2026-0004DEMO", None)
    ]
    # A type that certifies nobody publicly lists nobody.
    signs = await ok(
        seeded, "CertifiedBusinesses", {"permitType": permit_type_gid("advertising-sign-licence")}
    )
    assert _names(signs) == []


async def test_the_map_is_served_from_the_cache_until_the_registry_changes(seeded: Any) -> None:
    question = {"near": PHAM_NGU_LAO}
    first = await ok(seeded, "CertifiedBusinesses", question)
    seeded.sql.clear()
    assert await ok(seeded, "CertifiedBusinesses", question) == first
    assert seeded.sql.count == 0  # anonymous and public: answered from the cache
    # An operator's suspension through the API shows at once.
    await ok(
        seeded,
        "SetBusinessStatus",
        {
            "businessId": first["certifiedBusinesses"]["edges"][0]["node"]["id"],
            "status": "SUSPENDED",
            "reason": "QĐ 12/2026",
        },
        token=await token(seeded, OPERATOR),
    )
    after = await ok(seeded, "CertifiedBusinesses", question)
    assert _names(after) == _names(first)[1:]
