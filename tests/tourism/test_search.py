"""Search that tourists can type: accents, đ, small typos and English, on both databases."""

from __future__ import annotations

from typing import Any

import pytest

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
