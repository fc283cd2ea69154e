"""Free text people type (a reason, a name): control characters are refused, not stored.

PostgreSQL cannot store NUL in text at all (the driver fails, which would surface as an internal
error), and other control characters only make trouble on a screen or a printed queue ticket.
Line breaks and tabs are kept: a reason may run over several lines. Names also refuse the
invisible marks that reorder text (bidirectional controls): "Nguyễn\u202enáV" would show as
another name than the one stored, on a screen or on a ticket.
"""

from __future__ import annotations

import unicodedata

from backend.errors import BadUserInput

_ALLOWED_CONTROLS = frozenset("\t\n\r")
# Control characters (Cc) and lone UTF-16 surrogates (Cs, which no database can store).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs"})
# Embeddings and overrides, isolates, the left-to-right and right-to-left marks, the Arabic mark.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


def check_printable(value: str, *, field: str) -> str:
    """Return `value` unchanged, or refuse it if it holds a control character."""
    for character in value:
        if (
            character not in _ALLOWED_CONTROLS
            and unicodedata.category(character) in _REFUSED_CATEGORIES
        ):
            raise BadUserInput("input.text_invalid", field=field)
    return value


def check_name(value: str, *, field: str) -> str:
    """`check_printable` for a person's name, which also refuses bidirectional controls."""
    if not BIDI_CONTROLS.isdisjoint(value):
        raise BadUserInput("input.text_invalid", field=field)
    return check_printable(value, field=field)
