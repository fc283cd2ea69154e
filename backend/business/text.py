"""Text people type into business forms: printable, trimmed, bounded; blank counts as absent."""

from __future__ import annotations

from backend.errors import BadUserInput
from backend.free_text import check_printable


def checked_text(value: str | None, *, field: str, limit: int, required: bool) -> str | None:
    """The trimmed text, or None when absent or blank (refused if `required`)."""
    text = None if value is None else check_printable(value, field=field).strip() or None
    if required and text is None:
        raise BadUserInput("input.required", field=field)
    if text is not None and len(text) > limit:
        raise BadUserInput("input.too_long", field=field, max=limit)
    return text
