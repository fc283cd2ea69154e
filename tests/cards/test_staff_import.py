"""`citizen card import-staff AGENCY FILE`: every line checked with a progress count, each bad
line reported, and the agency's list replaced only when none is bad."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.cards.models import StaffEntry
from backend.cli import main as citizen
from backend.seed.cards import agency_id
from tests.cards.conftest import AGENCY_SLUG

HEADER = "phone,full_name,employing_unit,position,card_number\n"


def staff_csv(count: int, *, bad: dict[int, str] | None = None) -> str:
    """`count` people; `bad` replaces the line with that number (the header is line 1)."""
    lines = [
        f"09051{i:05d},Người {i},Phòng {i % 7},Chuyên viên,HUE-{i:05d}\n" for i in range(count)
    ]
    for number, text in (bad or {}).items():
        lines[number - 2] = text
    return HEADER + "".join(lines)


async def staff_count(api: Any) -> int:
    async with api.sessions() as session:
        statement = select(func.count()).where(StaffEntry.agency_id == agency_id())
        return int(await session.scalar(statement) or 0)


async def run(*args: str) -> int:
    return await asyncio.to_thread(citizen, ["card", "import-staff", *args])


async def test_the_command_checks_every_line_then_imports_all_or_nothing(
    seeded: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", str(seeded.app.state.services.settings.database_url))
    monkeypatch.setenv("CITIZEN_VAR_DIR", str(tmp_path / "var"))
    before = await staff_count(seeded)
    path = tmp_path / "staff.csv"

    duplicate = "0905100003,Người khác,Phòng 1,Chuyên viên,HUE-99999\n"  # line 5's phone
    path.write_text(staff_csv(250, bad={7: "0123,X,Y,Z,HUE-X\n", 120: duplicate}))
    assert await run(AGENCY_SLUG, str(path)) == 1
    err = capsys.readouterr().err
    assert "250/250 lines checked" in err
    assert f"{path}:7: Line 7 is not valid; the list is unchanged." in err
    assert f"{path}:120: Line 120: a phone number or card number appears twice" in err
    assert "2 bad line(s): nothing imported" in err
    assert await staff_count(seeded) == before

    path.write_text(staff_csv(250))
    assert await run(AGENCY_SLUG, str(path)) == 0
    captured = capsys.readouterr()
    assert "100/250 lines checked" in captured.err
    assert "250/250 lines checked" in captured.err
    assert captured.out == f"{AGENCY_SLUG}: staff list replaced, 250 people\n"
    assert await staff_count(seeded) == 250

    assert await run("no-such-agency", str(path)) == 1
    assert "no-such-agency" not in capsys.readouterr().out
    path.write_text("phone;name\n1;2\n")
    assert await run(AGENCY_SLUG, str(path)) == 1
    assert "The header line must be" in capsys.readouterr().err
    assert await staff_count(seeded) == 250
