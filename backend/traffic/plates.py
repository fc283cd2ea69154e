"""Vietnamese number plates: checked and written in one canonical form, so the same plate typed
as "75a12345", "75A-123.45" or "75A 12345" is one plate.

Formats (Circular 24/2023/TT-BCA): two digits for the province (11–99), then the series, then
four (older) or five digits.
- Cars: a series of one letter, or two for some kinds ("LD", "KT", …): "75A-123.45", "75LD-012.34",
  older "75A-1234".
- Motorbikes and e-bikes: a series of a letter and a digit, or two letters: "75-B1 234.56",
  "75-AA 123.45", older "75-B1 2345".
"""

from __future__ import annotations

import re

from backend.errors import BadUserInput
from backend.traffic.models import VehicleType

_SEPARATORS = re.compile(r"[\s.\-]+")
_CAR = re.compile(r"^(\d{2})([A-Z]{1,2})(\d{4,5})$")
_BIKE = re.compile(r"^(\d{2})([A-Z][A-Z0-9])(\d{4,5})$")
MAX_INPUT = 24


def _digits(number: str) -> str:
    return number if len(number) == 4 else f"{number[:3]}.{number[3:]}"


def canonical(plate: str, vehicle_type: VehicleType, *, field: str = "plate") -> str:
    """The plate in canonical form, or BAD_USER_INPUT `traffic.plate_invalid`."""
    if len(plate) > MAX_INPUT:
        raise BadUserInput("traffic.plate_invalid", field=field)
    compact = _SEPARATORS.sub("", plate).upper()
    pattern = _CAR if vehicle_type is VehicleType.CAR else _BIKE
    found = pattern.match(compact)
    if found is None:
        raise BadUserInput("traffic.plate_invalid", field=field)
    province, series, number = found.groups()
    if int(province) < 11:
        raise BadUserInput("traffic.plate_invalid", field=field)
    if vehicle_type is VehicleType.CAR:
        return f"{province}{series}-{_digits(number)}"
    return f"{province}-{series} {_digits(number)}"
