"""`citizen import businesses FILE`: every row checked and refused rows reported by line and
column; all or nothing unless invalid rows are skipped; importing the same extract twice changes
nothing the second time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.business.importer import COLUMNS, check_extract, import_extract
from backend.business.models import AuditEvent, Business, BusinessStatus
from backend.cli import main as citizen
from backend.db.types import utcnow

HEADER = ",".join(COLUMNS)
GOOD = [
    "3300912348,enterprise,Công ty TNHH Hương Sen,Huong Sen Co.,llc_single_member,56101,"
    "56301;56210,28 Phạm Ngũ Lão,16.4701,107.5952,Trần Văn Hòa,active",
    "0100233488-001,branch,Chi nhánh Huế,,branch,4711,,5 Lê Lợi,,,Nguyễn Mai,active",
    '33A8001234,household,"Nón lá Đông Ba, chợ Đông Ba",,household_business,47711,,'
    "Chợ Đông Ba,16.4731,107.5886,Hồ Thị Lan,suspended",
]
BAD = [
    # line 5: the check digit; line 6: a VSIC code; line 7: the same code as line 2
    "3300912347,enterprise,Sai mã,,joint_stock,56101,,Huế,,,Ai Đó,active",
    "3301023454,enterprise,Khách sạn,,joint_stock,551,,Huế,,,Ai Đó,active",
    "3300912348,enterprise,Trùng,,joint_stock,56101,,Huế,,,Ai Đó,active",
]


def extract(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


async def _count(api: Any, model: Any) -> int:
    async with api.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def test_refusals_name_the_line_and_the_column() -> None:
    # line 8: an enterprise given a household's legal form; line 9: a representative's name of
    # control characters
    more = [
        "3301023454,enterprise,Khách sạn,,household_business,5510,,Huế,,,Ai Đó,active",
        "3301023454,enterprise,Khách sạn,,joint_stock,5510,,Huế,,,Ai\u0007Đó,active",
    ]
    _, outcome = check_extract(extract(*GOOD, *BAD, *more))
    assert [(e.line, e.column, e.code) for e in outcome.errors] == [
        (5, "code", "business.code_invalid"),
        (6, "vsic_main", "business.vsic_invalid"),
        (7, "code", "business.import_duplicate"),
        (8, "legal_form", "business.legal_form_mismatch"),
        (9, "representative", "input.text_invalid"),
    ]
    assert str(outcome.errors[2]) == (
        "line 7, code: This code is already on line 2. [business.import_duplicate]"
    )


async def test_all_or_nothing_then_idempotent(api: Any) -> None:
    progress: list[tuple[int, int]] = []
    refused = await import_extract(
        api.sessions, extract(*GOOD, *BAD), skip_invalid=False, now=utcnow()
    )
    assert not refused.written
    assert len(refused.errors) == 3
    assert await _count(api, Business) == 0

    first = await import_extract(
        api.sessions,
        extract(*GOOD, *BAD),
        skip_invalid=True,
        now=utcnow(),
        progress=lambda done, total: progress.append((done, total)),
    )
    assert first.report is not None
    assert (first.report.added, first.report.updated) == (3, 0)
    assert progress == [(3, 3)]
    audited = await _count(api, AuditEvent)

    again = await import_extract(api.sessions, extract(*GOOD), skip_invalid=False, now=utcnow())
    assert again.report is not None
    assert (again.report.added, again.report.updated, again.report.unchanged) == (0, 0, 3)
    assert await _count(api, AuditEvent) == audited

    changed = GOOD[2].replace(",suspended", ",active")
    third = await import_extract(
        api.sessions, extract(GOOD[0], GOOD[1], changed), skip_invalid=False, now=utcnow()
    )
    assert third.report is not None
    assert third.report.updated == 1
    async with api.sessions() as session:
        household = await session.scalar(select(Business).where(Business.code == "33A8001234"))
        branch = await session.scalar(select(Business).where(Business.code == "0100233488001"))
    assert household is not None
    assert household.status is BusinessStatus.ACTIVE
    assert household.name_vi == "Nón lá Đông Ba, chợ Đông Ba"
    assert branch is not None
    assert branch.location is None


def test_the_command_reports_and_refuses(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CITIZEN_VAR_DIR", str(tmp_path / "var"))
    path = tmp_path / "extract.csv"
    path.write_text(extract(*GOOD, BAD[0]), encoding="utf-8")
    assert citizen(["import", "businesses", str(path)]) == 1
    assert "line 5, code:" in capsys.readouterr().err
    assert citizen(["import", "businesses", str(path), "--skip-invalid"]) == 0
    assert "3 added, 0 updated, 0 unchanged, 1 refused" in capsys.readouterr().out
    path.write_text("code;kind\n1;2\n", encoding="utf-8")
    assert citizen(["import", "businesses", str(path)]) == 1
