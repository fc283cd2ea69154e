"""Health insurance (BHYT) card numbers: the legacy 15-character card and the 10-digit social
insurance number printed on cards since 2025."""

from __future__ import annotations

import re

from backend.errors import BadUserInput

# Legacy card: beneficiary group (2 letters), benefit level (1–5), province code (01–99), then
# the 10-digit social insurance number, e.g. DN4460123456789.
_LEGACY = re.compile(r"[A-Z]{2}[1-5](0[1-9]|[1-9][0-9])[0-9]{10}")
_SOCIAL_INSURANCE_NUMBER = re.compile(r"[0-9]{10}")
_SEPARATORS = re.compile(r"[\s\-.]")
MAX_RAW_LENGTH = 32


def normalize_card_number(raw: str, *, field: str = "insuranceCardNumber") -> str:
    """Return the card number without separators, upper-cased; refuse any other shape."""
    if len(raw) > MAX_RAW_LENGTH:
        raise BadUserInput("health.insurance_card_invalid", field=field)
    compact = _SEPARATORS.sub("", raw).upper()
    if _LEGACY.fullmatch(compact) or _SOCIAL_INSURANCE_NUMBER.fullmatch(compact):
        return compact
    raise BadUserInput("health.insurance_card_invalid", field=field)
