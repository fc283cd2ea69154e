"""`citizen import attractions`: every row checked, bad rows reported by line, all or nothing
unless told to skip, and a second import of the same file changes nothing."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from backend import cli
from backend.seed.demo import stable_id
from backend.settings import Settings
from backend.tourism.models import Attraction
from tests.support.graphql import data
from tests.tourism.conftest import OPERATIONS

ATTRACTIONS = OPERATIONS["Attractions"]
HEADER = (
    "slug,category,name_vi,name_en,name_fr,description_vi,description_en,address,"
    "latitude,longitude,opening_hours,free,alternate_names,parent"
)
GOOD = [
    "nha-vuon-an-hien,craft_village,Nhà vườn An Hiên,An Hien garden house,Maison An Hiên,"
    "Nhà vườn cổ,An old garden house,58 Nguyễn Phúc Nguyên,16.4606,107.5536,"
    "Mo-Su 07:00-17:30,false,An Hien|Nha vuon An Hien,",
    "lang-duc-duc,royal_tomb,Lăng Dục Đức,Tomb of Duc Duc,,Lăng vua Dục Đức,Tomb of king Duc Duc,"
    "Tân Lăng,16.4520,107.5850,,true,,",
    "cua-ngan,imperial_monument,Cửa Ngăn,Ngan gate,,Cửa của Kinh thành,A gate of the citadel,"
    '"Kinh thành, Huế",16.4720,107.5860,,true,,dai-noi',
]
BAD = [
    "bad slug!,royal_tomb,Tên,Name,,Mô tả,Description,Địa chỉ,16.4,107.5,,true,,",
    "lang-xyz,castle,Tên,Name,,Mô tả,Description,Địa chỉ,16.4,107.5,,true,,",
    "lang-abc,royal_tomb,Tên,,,Mô tả,Description,Địa chỉ,16.4,107.5,,true,,",
    "lang-def,royal_tomb,Tên,Name,,Mô tả,Description,Địa chỉ,16.4,107.5,every day,true,,",
]


@pytest.fixture
def command(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Any:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CITIZEN_VAR_DIR", str(settings.var_dir))

    async def run(*args: str) -> tuple[int, str, str]:
        # The command runs its own event loop, as it does from a shell.
        code = await asyncio.to_thread(cli.main, ["import", "attractions", *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


async def attraction_rows(api: Any) -> list[tuple[Any, ...]]:
    statement = text(
        "SELECT slug, name, address, search_text, parent_id, published FROM tourism_attractions"
        " ORDER BY slug"
    )
    async with api.sessions() as session:
        return [tuple(row) for row in (await session.execute(statement)).all()]


def write_csv(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "attractions.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


async def test_a_bad_row_imports_nothing_and_is_reported_by_line(
    seeded: Any, command: Any, tmp_path: Path
) -> None:
    before = await attraction_rows(seeded)
    path = write_csv(tmp_path, [GOOD[0], BAD[0], GOOD[1], BAD[1], BAD[2], BAD[3]])
    code, out, err = await command(str(path))
    assert code == 1
    assert out == ""
    reported = [line for line in err.splitlines() if line.startswith(str(path))]
    assert [line.split(":")[1] for line in reported] == ["3", "5", "6", "7"]
    assert "slug" in reported[0]
    assert "category" in reported[1]
    assert "name.en" in reported[2]
    assert "openingHours" in reported[3]
    assert "nothing imported" in err
    assert await attraction_rows(seeded) == before


async def test_skip_invalid_imports_the_good_rows_and_again_changes_nothing(
    seeded: Any, command: Any, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, [*GOOD, BAD[0]])
    code, out, _ = await command(str(path), "--skip-invalid")
    assert code == 0
    assert out.strip() == "attractions: 3 created, 0 updated, 0 unchanged, 1 skipped"
    after = await attraction_rows(seeded)
    code, out, _ = await command(str(path), "--skip-invalid")
    assert out.strip() == "attractions: 0 created, 0 updated, 3 unchanged, 1 skipped"
    assert await attraction_rows(seeded) == after

    found = data(await seeded(ATTRACTIONS, {"search": "nha vuon an hien"}))["attractions"]
    assert found["edges"][0]["node"]["slug"] == "nha-vuon-an-hien"
    async with seeded.sessions() as session:
        gate = (
            await session.execute(select(Attraction).where(Attraction.slug == "cua-ngan"))
        ).scalar_one()
    assert gate.parent_id == stable_id("attraction", "dai-noi")
    assert gate.published is True


async def test_geojson_updates_by_slug(seeded: Any, command: Any, tmp_path: Path) -> None:
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [107.5448, 16.4536]},
        "properties": {
            "slug": "chua-thien-mu",
            "category": "pagoda",
            "name": {"vi": "Chùa Thiên Mụ", "en": "Thien Mu Pagoda (Heavenly Lady)"},
            "description": {"vi": "Ngôi chùa cổ bên sông Hương.", "en": "An old pagoda."},
            "address": "Kim Long, Huế",
            "free": True,
            "opening_hours": "Mo-Su 08:00-17:00",
        },
    }
    bad = {**feature, "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}}
    path = tmp_path / "sites.geojson"
    body = ",\n".join(json.dumps(item, ensure_ascii=False) for item in (feature, bad))
    path.write_text('{"type": "FeatureCollection", "features": [\n' + body + "\n]}\n")
    code, _, err = await command(str(path))
    assert code == 1
    assert f"{path}:3:" in err
    code, out, _ = await command(str(path), "--skip-invalid")
    assert out.strip() == "attractions: 0 created, 1 updated, 0 unchanged, 1 skipped"
    english = data(
        await seeded(OPERATIONS["Attraction"], {"id": _gid("chua-thien-mu")}, language="en")
    )
    assert english["attraction"]["name"]["text"] == "Thien Mu Pagoda (Heavenly Lady)"
    assert english["attraction"]["photos"] != []  # kept: the file has none


def _gid(slug: str) -> str:
    from tests.tourism.conftest import attraction_gid

    return attraction_gid(slug)
