"""GraphQL side of translated text."""

from __future__ import annotations

import strawberry

from backend.i18n import Locale as DomainLocale

Locale = strawberry.enum(DomainLocale, name="Locale", description="A language of the app.")


def pick(locale: DomainLocale, vi: str, en: str) -> str:
    return en if locale is DomainLocale.EN else vi
