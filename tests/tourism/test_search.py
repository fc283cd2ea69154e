"""Search that tourists can type: accents, đ, small typos and English, on both databases."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from backend.db import text_search
from backend.tourism.models import Attraction
from tests.support.graphql import data, error_codes, only_error
from tests.tourism.conftest import OPERATIONS, names

SEARCH = OPERATIONS["TourismSearch"]
ATTRACTIONS = OPERATIONS["Attractions"]


async def _top(api: Any, text: str, language: str = "vi") -> list[str]:
    found = data(await api(SEARCH, {"text": text}, language=language))["tourismSearch"]
    return [edge["node"]["name"]["text"] for edge in found["edges"]]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("thien mu", "Chùa Thiên Mụ"),
        ("dai noi", "Đại Nội Huế"),
        ("minh mang", "Lăng Minh Mạng"),
        ("ĐẠI NỘI", "Đại Nội Huế"),
        ("thiem mu", "Chùa Thiên Mụ"),  # a typo
        ("dong ba", "Chợ Đông Ba"),
    ],
)
async def test_vietnamese_without_accents_finds_the_place_first(
    seeded: Any, typed: str, expected: str
) -> None:
    assert (await _top(seeded, typed))[0] == expected


async def test_a_rare_phrase_finds_its_monument_first(seeded: Any) -> None:
    # Two words that only one monument has together; every other tomb matches "lang" alone.
    found = data(await seeded(SEARCH, {"text": "lang gia"}, language="vi"))["tourismSearch"]
    edges = found["edges"]
    assert edges[0]["node"]["name"]["text"] == "Lăng Gia Long"
    assert edges[0]["score"] == 1.0
    assert all(edge["score"] < 1.0 for edge in edges[1:])
    tomb = data(await seeded(ATTRACTIONS, {"search": "lang gia long", "first": 1}))
    assert names(tomb["attractions"]) == ["Lăng Gia Long"]


async def test_english_and_bare_hue(seeded: Any) -> None:
    assert (await _top(seeded, "Minh Mang tomb", "en"))[0] == "Tomb of Minh Mạng"
    hue = await _top(seeded, "hue", "en")
    assert "Imperial City of Huế" in hue
    assert "Huế Festival 2026" in hue  # events are searched too


async def test_attractions_filtered_by_search_are_ranked_and_paged(seeded: Any) -> None:
    first = data(await seeded(ATTRACTIONS, {"search": "lang", "first": 2}))["attractions"]
    assert len(first["edges"]) == 2
    assert first["pageInfo"]["hasNextPage"]
    rest = data(
        await seeded(
            ATTRACTIONS, {"search": "lang", "first": 50, "after": first["pageInfo"]["endCursor"]}
        )
    )["attractions"]
    every = names(first) + names(rest)
    assert len(every) == len(set(every))
    assert {name for name in every if name.startswith("Lăng")} >= {
        "Lăng Gia Long",
        "Lăng Minh Mạng",
        "Lăng Tự Đức",
        "Lăng Khải Định",
    }


@pytest.mark.parametrize("text", ["   ", "x" * 101, "thien\x00mu"])
async def test_unusable_search_text_is_bad_user_input(seeded: Any, text: str) -> None:
    body = await seeded(SEARCH, {"text": text})
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert only_error(body)["extensions"]["field"] == "text"


async def test_ranked_pages_neither_repeat_nor_skip_when_matches_tie(seeded: Any) -> None:
    """65 pagodas with one name match "thien mu" equally well: pages of 20 walk the best 60
    once each (the ranked window), then stop."""
    async with seeded.sessions() as session:
        template = (
            await session.scalars(select(Attraction).where(Attraction.slug == "chua-thien-mu"))
        ).one()
        columns = [column.key for column in Attraction.__table__.columns]
        for number in range(65):
            copy = {key: getattr(template, key) for key in columns}
            copy.update(id=uuid.uuid4(), slug=f"chua-thien-mu-{number}", parent_id=None)
            copy.update(place_id=None)
            session.add(Attraction(**copy))
        await session.commit()
    seen: list[str] = []
    after = None
    for _ in range(5):
        page = data(await seeded(ATTRACTIONS, {"search": "thien mu", "first": 20, "after": after}))[
            "attractions"
        ]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == text_search.RELEVANCE_WINDOW
