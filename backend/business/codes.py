"""Registry identifiers: enterprise and branch codes (tax codes) and VSIC 2018 industry codes.

An enterprise code is 10 digits whose 10th is a check digit; a branch adds a 3-digit unit number
(written `0101234567-001`). The check digit is python-stdnum's `vn.mst`, a maintained
implementation of the tax authority's rule, rather than our own arithmetic. A household business
has no enterprise code: its registration number is issued by the ward (we accept 1–20 letters,
digits, `.`, `/` and `-`).
"""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError
from stdnum.vn import mst

from backend.business.models import BusinessKind
from backend.errors import BadUserInput

VSIC = re.compile(r"^\d{4,5}$")
HOUSEHOLD_NUMBER = re.compile(r"^[0-9A-Z][0-9A-Z./-]{0,19}$")
MAX_OTHER_VSIC = 40


def business_code(raw: str, kind: BusinessKind, *, field: str) -> str:
    """The code as stored: digits only for enterprises (10) and branches (13), upper case for
    household numbers. Refused: a wrong check digit, a wrong length for the kind."""
    text = raw.strip().upper()
    if kind is BusinessKind.HOUSEHOLD:
        if not HOUSEHOLD_NUMBER.match(text):
            raise BadUserInput("business.household_number_invalid", field=field)
        return text
    try:
        compact: str = mst.validate(text)
    except ValidationError as exc:
        raise BadUserInput("business.code_invalid", field=field) from exc
    if len(compact) != (10 if kind is BusinessKind.ENTERPRISE else 13):
        raise BadUserInput("business.code_kind_mismatch", field=field)
    return compact


def display_code(code: str, kind: BusinessKind) -> str:
    """The code as printed on certificates: branches as `NNNNNNNNNN-NNN`."""
    return f"{code[:10]}-{code[10:]}" if kind is BusinessKind.BRANCH else code


def vsic_code(raw: str, *, field: str) -> str:
    """A VSIC 2018 level-4 (4 digits) or level-5 (5 digits) code."""
    text = raw.strip()
    if not VSIC.match(text):
        raise BadUserInput("business.vsic_invalid", field=field)
    return text


def vsic_codes(raw: list[str], *, field: str) -> list[str]:
    if len(raw) > MAX_OTHER_VSIC:
        raise BadUserInput("input.list_size", field=field, max=MAX_OTHER_VSIC)
    return list(
        dict.fromkeys(vsic_code(code, field=f"{field}[{index}]") for index, code in enumerate(raw))
    )


VSIC_PREFIX = re.compile(r"^\d{2,5}$")
# VSIC 2018's 21 sections and the level-2 codes each holds (the sections of ISIC Rev. 4, whose
# 88 divisions VSIC keeps): a notice to "section I" reaches codes 55… and 56….
SECTIONS: dict[str, range] = {
    "A": range(1, 4),
    "B": range(5, 10),
    "C": range(10, 34),
    "D": range(35, 36),
    "E": range(36, 40),
    "F": range(41, 44),
    "G": range(45, 48),
    "H": range(49, 54),
    "I": range(55, 57),
    "J": range(58, 64),
    "K": range(64, 67),
    "L": range(68, 69),
    "M": range(69, 76),
    "N": range(77, 83),
    "O": range(84, 85),
    "P": range(85, 86),
    "Q": range(86, 89),
    "R": range(90, 94),
    "S": range(94, 97),
    "T": range(97, 99),
    "U": range(99, 100),
}


def vsic_prefix(raw: str, *, field: str) -> str:
    """A VSIC code of level 2 to 5 (2 to 5 digits), to find every business under it."""
    text = raw.strip()
    if not VSIC_PREFIX.match(text):
        raise BadUserInput("business.vsic_invalid", field=field)
    return text


def vsic_filter(raw: str, *, field: str) -> list[str]:
    """A section letter (A–U) as the level-2 codes under it, or one code of level 2 to 5."""
    text = raw.strip().upper()
    if text in SECTIONS:
        return [f"{division:02d}" for division in SECTIONS[text]]
    return [vsic_prefix(text, field=field)]
