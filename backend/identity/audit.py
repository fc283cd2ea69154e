"""Security events written as audit rows in the caller's transaction: who, what, when, from where.

Refusals that record an event (a replayed refresh token, a lock) carry `keep_changes=True`, so
the row is committed with the counters even though the request fails.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.identity.models import SecurityEvent

log = logging.getLogger(__name__)


class EventKind(StrEnum):
    REFRESH_REUSED = "refresh.reused"
    SESSION_REVOKED = "session.revoked"
    LOGIN_LOCKED = "login.locked"
    REGISTER_EXISTING_PHONE = "register.existing_phone"
    PHONE_VERIFIED = "phone.verified"
    PHONE_CHANGED = "phone.changed"
    ROLE_GRANTED = "role.granted"
    ROLE_REVOKED = "role.revoked"


@dataclass(frozen=True, slots=True)
class RequestOrigin:
    """Where a request came from: the client address (through trusted proxies only), the app's
    installation id when it sent one, and the request id of the logs."""

    client_address: str | None = None
    installation_id: str | None = None
    request_id: str | None = None

    @property
    def device(self) -> str | None:
        """What identifies the device: its installation, else its address."""
        if self.installation_id:
            return f"installation:{self.installation_id}"
        return f"address:{self.client_address}" if self.client_address else None


async def record(
    session: AsyncSession,
    kind: EventKind,
    *,
    origin: RequestOrigin,
    now: datetime,
    user_id: uuid.UUID | None = None,
    **detail: Any,
) -> None:
    session.add(
        SecurityEvent(
            id=uuid.uuid4(),
            kind=kind.value,
            user_id=user_id,
            occurred_at=now,
            client_address=origin.client_address,
            installation_id=origin.installation_id,
            request_id=origin.request_id,
            detail=detail or None,
        )
    )
    await session.flush()
    log.warning(
        "identity.security_event",
        extra={"kind": kind.value, "user_id": str(user_id) if user_id else None},
    )
