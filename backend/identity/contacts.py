"""Normalise the phone numbers and emails people type into one stored form."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from backend.errors import BadUserInput

_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def normalize_phone(raw: str, *, field: str = "phone") -> str:
    """Accept `0905 123 456`, `+84905123456` or `84905123456`; return E.164 (`+84905123456`)."""
    compact = _SEPARATORS.sub("", raw)
    if compact.startswith("84") and len(compact) == 11:
        compact = "+" + compact
    if len(compact) > 16:
        raise BadUserInput("input.phone_invalid", field=field)
    try:
        number = phonenumbers.parse(compact, "VN")
    except phonenumbers.NumberParseException as exc:
        raise BadUserInput("input.phone_invalid", field=field) from exc
    if (
        number.country_code != 84
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise BadUserInput("input.phone_invalid", field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str, *, field: str = "email") -> str:
    """Validate syntax (no DNS look-up) and lower-case the address, so one mailbox is one key."""
    if len(raw) > 254:
        raise BadUserInput("input.email_invalid", field=field)
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise BadUserInput("input.email_invalid", field=field) from exc
    return result.normalized.lower()


def normalize_identifier(raw: str, *, field: str = "identifier") -> tuple[str, str]:
    """Tell whether a sign-in identifier is an email or a phone; return (kind, normalised)."""
    if "@" in raw:
        return "email", normalize_email(raw, field=field)
    return "phone", normalize_phone(raw, field=field)
