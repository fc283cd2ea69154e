"""GraphQL side of translated text."""

from __future__ import annotations

import strawberry

from backend.i18n import Locale

strawberry.enum(Locale, name="Locale", description="A language of the app.")


def pick(locale: Locale, vi: str, en: str) -> str:
    return en if locale is Locale.EN else vi
