"""GraphQL side of translated text: the `Locale` enum (content is read with `Translated.get`)."""

from __future__ import annotations

import strawberry

from backend.i18n import Locale

strawberry.enum(Locale, name="Locale", description="A language of the app.")
