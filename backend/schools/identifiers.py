"""The student identifier (mã định danh, Circular 42/2021/TT-BGDĐT): in practice the 12-digit
personal identification number, unique and unchanged across every level of schooling."""

from __future__ import annotations

import re

from backend.errors import BadUserInput

STUDENT_IDENTIFIER = re.compile(r"^\d{12}$")


def student_identifier(raw: str, *, field: str) -> str:
    """The identifier as stored: 12 ASCII digits (spaces a person may type are dropped)."""
    compact = raw.strip().replace(" ", "")
    if not STUDENT_IDENTIFIER.fullmatch(compact) or not compact.isascii():
        raise BadUserInput("school.identifier_invalid", field=field)
    return compact
