"""Enterprise codes are checked by their check digit (python-stdnum's vn.mst); deadlines count
working days, skipping weekends and Vietnam's public holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from backend.business import codes, permits, workdays
from backend.business.models import BusinessKind
from backend.errors import BadUserInput


@pytest.mark.parametrize(
    ("raw", "kind", "stored"),
    [
        ("3300912348", BusinessKind.ENTERPRISE, "3300912348"),
        (" 0100233488 ", BusinessKind.ENTERPRISE, "0100233488"),
        ("0100233488-001", BusinessKind.BRANCH, "0100233488001"),
        ("33a8001234", BusinessKind.HOUSEHOLD, "33A8001234"),
    ],
)
def test_valid_codes_are_stored_compact(raw: str, kind: BusinessKind, stored: str) -> None:
    assert codes.business_code(raw, kind, field="code") == stored


@pytest.mark.parametrize(
    ("raw", "kind", "key"),
    [
        ("3300912347", BusinessKind.ENTERPRISE, "business.code_invalid"),  # check digit
        ("330091234", BusinessKind.ENTERPRISE, "business.code_invalid"),  # 9 digits
        ("33009123AB", BusinessKind.ENTERPRISE, "business.code_invalid"),
        ("0100233488-001", BusinessKind.ENTERPRISE, "business.code_kind_mismatch"),
        ("0100233488", BusinessKind.BRANCH, "business.code_kind_mismatch"),
        ("0100233489-001", BusinessKind.BRANCH, "business.code_invalid"),
        ("hộ 12", BusinessKind.HOUSEHOLD, "business.household_number_invalid"),
    ],
)
def test_invalid_codes_are_refused_with_the_field(raw: str, kind: BusinessKind, key: str) -> None:
    with pytest.raises(BadUserInput) as refused:
        codes.business_code(raw, kind, field="input.code")
    assert refused.value.message_key == key
    assert refused.value.field == "input.code"


def test_branches_print_with_a_dash() -> None:
    assert codes.display_code("0100233488001", BusinessKind.BRANCH) == "0100233488-001"


@pytest.mark.parametrize("raw", ["561", "5610", "56101 ", "1"])
def test_vsic_codes(raw: str) -> None:
    if len(raw.strip()) in (4, 5):
        assert codes.vsic_code(raw, field="v") == raw.strip()
    else:
        with pytest.raises(BadUserInput):
            codes.vsic_code(raw, field="v")


def test_a_vsic_section_is_the_divisions_under_it() -> None:
    assert codes.vsic_filter("I", field="v") == ["55", "56"]  # accommodation, food and drink
    assert codes.vsic_filter(" n ", field="v") == ["77", "78", "79", "80", "81", "82"]
    assert codes.vsic_filter("5610", field="v") == ["5610"]
    # The 21 sections hold VSIC's 88 level-2 codes, each once.
    divisions = [code for letter in codes.SECTIONS for code in codes.vsic_filter(letter, field="v")]
    assert (len(codes.SECTIONS), len(divisions), len(set(divisions))) == (21, 88, 88)
    for raw in ("V", "AB", "5x", "1"):
        with pytest.raises(BadUserInput) as refused:
            codes.vsic_filter(raw, field="v")
        assert refused.value.field == "v"


def test_due_dates_skip_weekends_and_public_holidays() -> None:
    # Wednesday 29 April 2026: 30 April and 1 May are holidays, then a weekend.
    assert workdays.add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)
    assert workdays.add_working_days(date(2026, 4, 29), 2) == date(2026, 5, 5)
    # A Friday: three working days end on Wednesday.
    assert workdays.add_working_days(date(2026, 11, 27), 3) == date(2026, 12, 2)
    # Received at 16:00 local on Friday 27 November: due by the end of Wednesday 2 December.
    received = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert workdays.due_at(received, 3) == datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
    assert not workdays.is_working_day(date(2026, 9, 2))  # National Day


def test_validity_adds_calendar_months() -> None:
    assert permits.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert permits.add_months(date(2025, 3, 10), 36) == date(2028, 3, 10)
