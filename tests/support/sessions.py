"""Signed-in sessions without a password check, for tests about something else than signing in."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.identity.models import RefreshToken, SecondFactor
from backend.identity.tokens import hash_refresh_token, new_refresh_token
from backend.seed.demo import stable_id


async def mint_tokens(
    api: Any, user_ids: Sequence[uuid.UUID], second_factor: SecondFactor | None = None
) -> list[str]:
    """Open one session per user the way login does (a refresh-token family, an access token
    signed by the app's keyring) without spending an Argon2 verification on each; with
    `second_factor`, as a card or passkey sign-in would."""
    auth = api.app.state.services.auth
    now = utcnow()
    families = [uuid.uuid4() for _ in user_ids]
    async with UnitOfWork(api.sessions) as uow:
        uow.session.add_all(
            RefreshToken(
                id=uuid.uuid4(),
                family_id=family,
                user_id=user,
                token_hash=hash_refresh_token(new_refresh_token()),
                # Far ahead: tests move the API's clock up to a month forward.
                expires_at=now + timedelta(days=400),
                created_at=now,
                second_factor=second_factor,
            )
            for user, family in zip(user_ids, families, strict=True)
        )
    return [
        auth.keyring.issue(user_id=user, session_id=family, now=now, second_factor=second_factor)
        for user, family in zip(user_ids, families, strict=True)
    ]


async def token(api: Any, phone: str, second_factor: SecondFactor | None = None) -> str:
    """An access token of the demo account with this phone (E.164)."""
    return (await mint_tokens(api, [stable_id("user", phone)], second_factor))[0]
