"""Vietnamese plates are checked and written in one canonical form."""

from __future__ import annotations

import pytest

from backend.errors import BadUserInput
from backend.traffic.models import VehicleType
from backend.traffic.plates import canonical

CAR, BIKE, E_BIKE = VehicleType.CAR, VehicleType.MOTORBIKE, VehicleType.E_BIKE


@pytest.mark.parametrize(
    ("typed", "kind", "expected"),
    [
        ("75A-123.45", CAR, "75A-123.45"),
        ("75a12345", CAR, "75A-123.45"),
        (" 75A 123 45 ", CAR, "75A-123.45"),
        ("75LD-012.34", CAR, "75LD-012.34"),
        ("75A-1234", CAR, "75A-1234"),
        ("75-B1 234.56", BIKE, "75-B1 234.56"),
        ("75b123456", BIKE, "75-B1 234.56"),
        ("75-AA 123.45", BIKE, "75-AA 123.45"),
        ("75-B1 2345", BIKE, "75-B1 2345"),
        ("43-MD1 234.56", E_BIKE, None),  # a three-character series
        ("75-E1 012.34", E_BIKE, "75-E1 012.34"),
    ],
)
def test_plates_are_written_one_way(typed: str, kind: VehicleType, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(BadUserInput):
            canonical(typed, kind)
    else:
        assert canonical(typed, kind) == expected


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("75B1-234.56", CAR),  # a motorbike series on a car
        ("75A-123.456", CAR),
        ("05A-123.45", CAR),  # no province has code 05
        ("7A-12345", CAR),
        ("75-B1 23", BIKE),
        ("", BIKE),
        ("75-B1 234.56" + " " * 30, BIKE),
    ],
)
def test_other_shapes_are_refused(typed: str, kind: VehicleType) -> None:
    with pytest.raises(BadUserInput) as refused:
        canonical(typed, kind, field="input.plate")
    assert (refused.value.message_key, refused.value.field) == (
        "traffic.plate_invalid",
        "input.plate",
    )
