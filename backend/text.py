"""Free text people type (a reason, a name): control characters are refused, not stored.

PostgreSQL cannot store NUL in text at all (the driver fails, which would surface as an internal
error), and other control characters only make trouble on a screen or a printed queue ticket.
Line breaks and tabs are kept: a reason may run over several lines.
"""

from __future__ import annotations

import unicodedata

from backend.errors import BadUserInput

_ALLOWED_CONTROLS = frozenset("\t\n\r")


def check_printable(value: str, *, field: str) -> str:
    """Return `value` unchanged, or refuse it if it holds a control character."""
    for character in value:
        if character not in _ALLOWED_CONTROLS and unicodedata.category(character) == "Cc":
            raise BadUserInput("input.text_invalid", field=field)
    return value
