"""Sign-in state does not pile up: expired verifications (which hold a pending sign-up's password
hash) and idle counters are deleted; live ones and known devices stay."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.identity import service
from backend.identity.models import (
    KNOWN_SCOPE,
    LoginThrottle,
    PhoneVerification,
    RateCounter,
    VerificationPurpose,
)


def _verification(phone: str, expires_in: timedelta) -> PhoneVerification:
    now = utcnow()
    return PhoneVerification(
        id=uuid.uuid4(),
        purpose=VerificationPurpose.REGISTER,
        phone=phone,
        code_hash="0" * 64,
        expires_at=now + expires_in,
        resend_at=now,
        attempts=0,
        password_hash="argon2-hash-of-a-pending-sign-up",
    )


async def test_stale_sign_in_state_is_purged_and_live_state_kept(api: Any) -> None:
    now = utcnow()
    long_ago, just_now = now - timedelta(days=2), now - timedelta(minutes=5)
    async with UnitOfWork(api.sessions) as uow:
        uow.session.add_all(
            [
                _verification("+84911000001", -timedelta(days=2)),
                _verification("+84911000002", timedelta(minutes=5)),
                RateCounter(scope="sms.phone", key="old", count=5, window_started_at=long_ago),
                RateCounter(scope="sms.phone", key="new", count=1, window_started_at=just_now),
                LoginThrottle(scope="pair", key="old", failures=3, last_failure_at=long_ago),
                LoginThrottle(scope="pair", key="new", failures=3, last_failure_at=just_now),
                LoginThrottle(scope=KNOWN_SCOPE, key="owner", failures=0, last_failure_at=long_ago),
            ]
        )

    async with UnitOfWork(api.sessions) as uow:
        deleted = await service.purge_stale_sign_in_state(uow.session, now)
    async with UnitOfWork(api.sessions) as uow:
        again = await service.purge_stale_sign_in_state(uow.session, now)

    assert deleted == {"phone_verifications": 1, "rate_counters": 1, "login_throttles": 1}
    assert again == {"phone_verifications": 0, "rate_counters": 0, "login_throttles": 0}
    async with api.sessions() as session:
        phones = (await session.scalars(select(PhoneVerification.phone))).all()
        counters = (await session.scalars(select(RateCounter.key))).all()
        throttles = (await session.execute(select(LoginThrottle.scope, LoginThrottle.key))).all()
    assert phones == ["+84911000002"]
    assert counters == ["new"]
    assert sorted(tuple(row) for row in throttles) == [(KNOWN_SCOPE, "owner"), ("pair", "new")]
