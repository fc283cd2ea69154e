"""Whole-word ranking: typos fixed against the words names hold, common words outranked by
rows holding more of what was typed, names in every language, and the index kept in step with
the rows. On both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from backend.tourism import words
from backend.tourism.models import Attraction
from tests.support.graphql import data
from tests.tourism.conftest import OPERATIONS, names

SEARCH = OPERATIONS["TourismSearch"]
ATTRACTIONS = OPERATIONS["Attractions"]


async def _hits(api: Any, text: str, language: str = "vi") -> list[tuple[str, float]]:
    found = data(await api(SEARCH, {"text": text}, language=language))["tourismSearch"]
    return [(edge["node"]["name"]["text"], edge["score"]) for edge in found["edges"]]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("thein mu", "Chùa Thiên Mụ"),  # two letters swapped
        ("truong tein", "Cầu Trường Tiền"),
        ("minh mangg", "Lăng Minh Mạng"),  # a letter too many
        ("khai din", "Lăng Khải Định"),  # still typing the last word
        ("van mieu hue", "Văn Miếu Huế"),
    ],
)
async def test_typos_and_unfinished_words_find_the_place_first(
    seeded: Any, typed: str, expected: str
) -> None:
    hits = await _hits(seeded, typed)
    assert hits[0][0] == expected
    assert hits[0][1] < 1.0 or typed == "van mieu hue"  # a fixed typo is not a perfect match


async def test_a_common_word_ranks_below_rows_holding_more_of_the_query(seeded: Any) -> None:
    # "lăng" is in every tomb's name; "tu duc" only in one.
    hits = await _hits(seeded, "lang tu duc")
    assert hits[0] == ("Lăng Tự Đức", 1.0)
    tombs = [name for name, _ in hits[1:] if name.startswith("Lăng")]
    assert len(tombs) >= 5
    assert all(score < hits[0][1] for _, score in hits[1:])
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)


async def test_more_query_words_held_outrank_better_spelled_fewer(seeded: Any) -> None:
    # "tombe" is a typo of "tomb": the tomb holding "minh" and "mang" exactly and "tomb" ranks
    # first; tombs holding only "tomb" come after every row holding a name word.
    hits = await _hits(seeded, "minh mang tombe", "en")
    assert hits[0][0] == "Tomb of Minh Mạng"
    others = [name for name, _ in hits[1:]]
    assert "Tomb of Gia Long" in others


@pytest.mark.parametrize(
    ("typed", "language", "expected"),
    [
        ("天姥寺", "zh", "天姥寺"),
        ("天姥", "zh", "天姥寺"),  # part of a name written without spaces
        ("フエ王宮", "ja", "フエ王宮"),
        ("티엔무", "ko", "티엔무 사원"),
        ("tombeau de minh mang", "fr", "Tombeau de Minh Mạng"),
        ("marche dong ba", "fr", "Marché Đông Ba"),
    ],
)
async def test_names_in_every_language_are_found(
    seeded: Any, typed: str, language: str, expected: str
) -> None:
    assert (await _hits(seeded, typed, language))[0][0] == expected


async def test_unpublished_and_renamed_attractions_follow_their_rows(seeded: Any) -> None:
    async with seeded.sessions() as session:
        arena = (
            await session.scalars(select(Attraction).where(Attraction.slug == "ho-quyen"))
        ).one()
        arena.published = False
        await session.commit()
    assert "Hổ Quyền" not in [name for name, _ in await _hits(seeded, "ho quyen")]
    async with seeded.sessions() as session:
        arena = (
            await session.scalars(select(Attraction).where(Attraction.slug == "ho-quyen"))
        ).one()
        arena.published = True
        arena.search_text = arena.search_text + " | Đấu trường voi hổ"
        await session.commit()
    found = data(await seeded(ATTRACTIONS, {"search": "dau truong voi", "first": 1}))
    assert names(found["attractions"]) == ["Hổ Quyền"]


async def test_nothing_like_any_word_finds_nothing(seeded: Any) -> None:
    assert await _hits(seeded, "xyzzy qwv") == []


def test_typed_words_stand_for_vocabulary_words_by_quality() -> None:
    vocabulary = {1: "thien", 2: "thinh", 3: "mu", 4: "muong"}
    assert words.alternatives("thien", vocabulary) == {1: 1.0}
    assert words.alternatives("thein", vocabulary) == {1: words.TYPO_QUALITY}
    assert words.alternatives("qqq", vocabulary) == {}
    assert words.words_of("Chùa Thiên Mụ | 天姥寺 | Đông") == [
        "chua",
        "thien",
        "mu",
        "天姥",
        "姥寺",
        "dong",
    ]
    full = words.Score(2, 2.0)
    one_exact, two_fuzzy = words.Score(1, 1.0), words.Score(2, 1.0)
    assert full.distance(2) == 0.0
    assert two_fuzzy.distance(2) < one_exact.distance(2)


async def test_a_category_narrows_the_ranked_list_before_the_window_is_cut(seeded: Any) -> None:
    # "hue" is in every attraction's address; only the imperial monuments are asked for.
    found = data(
        await seeded(ATTRACTIONS, {"search": "hue", "category": "IMPERIAL_MONUMENT", "first": 20})
    )["attractions"]
    assert sorted(names(found)) == sorted(
        ["Đại Nội Huế", "Ngọ Môn", "Cửa Hiển Nhơn", "Cửa Chương Đức", "Hổ Quyền", "Văn Miếu Huế"]
    )
