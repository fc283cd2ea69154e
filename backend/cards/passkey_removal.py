"""A holder removes one of their passkeys: the sessions it opened end with it, and a civil
servant keeps a way to prove a second factor (another passkey or a valid card)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from backend.cards import passkey_repository as repository
from backend.cards.models import CardKind
from backend.db.unit_of_work import UnitOfWork
from backend.errors import Conflict, NotFound, SecondFactorRequired
from backend.identity import service as identity
from backend.identity.models import Role, SecondFactor


@dataclass(frozen=True, slots=True)
class Removed:
    passkey_id: uuid.UUID
    ended_sessions: int


async def remove_passkey(
    uow: UnitOfWork,
    *,
    user_id: uuid.UUID,
    second_factor: SecondFactor | None,
    passkey_id: uuid.UUID,
    now: datetime,
) -> Removed:
    """Remove the viewer's passkey. A civil servant must be in a session opened with a second
    factor (a stolen password must not strip the account of its passkeys), and cannot remove
    the last passkey without a valid civil-servant card to sign in with instead."""
    session = uow.session
    passkey = await repository.passkey_for_update(session, passkey_id)
    if passkey is None or passkey.user_id != user_id:
        raise NotFound("cards.passkey.not_found", field="input.passkeyId")
    held = (await identity.roles_of(session, [user_id]))[user_id]
    if identity.needs_second_factor(held, second_factor):
        raise SecondFactorRequired("auth.second_factor_required")
    civil_servant = any(r.role is Role.CIVIL_SERVANT for r in held)
    if (
        civil_servant
        and await repository.locked_passkey_count(session, user_id) == 1
        and not await repository.has_valid_card(session, user_id, CardKind.CIVIL_SERVANT, now)
    ):
        raise Conflict("cards.passkey.last_second_factor", field="input.passkeyId")
    families = await repository.sessions_of_passkey(session, passkey.id)
    for family_id in families:
        await identity.end_session_family(session, family_id, now)
    await repository.delete_passkey(session, passkey)
    return Removed(passkey_id, len(families))
