"""`requestCardNonce` needs no sign-in, so each installation and each client address may ask
for only so many a minute; a refused request stores nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.cards.models import Nonce
from backend.db.types import utcnow
from tests.cards.conftest import DEFAULTS, OPERATIONS
from tests.support.clock import Clock
from tests.support.graphql import only_error

LIMITS = {
    "CARDS_KEY_SECRET": DEFAULTS.card_key_secret.decode(),
    "CARD_NONCES_PER_DEVICE_PER_MINUTE": 3,
    "CARD_NONCES_PER_ADDRESS_PER_MINUTE": 5,
}


async def ask(api: Any, installation: str) -> dict[str, Any]:
    return await api(
        OPERATIONS["RequestCardNonce"],
        {"purpose": "PRESENTATION"},
        headers={"x-installation-id": installation},
    )


async def stored_nonces(api: Any) -> int:
    async with api.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Nonce)) or 0)


@pytest.mark.parametrize("settings_overrides", [LIMITS])
async def test_nonces_are_limited_per_installation_then_per_address(
    seeded: Any, clock: Clock
) -> None:
    start = utcnow()
    clock.set(start)
    before = await stored_nonces(seeded)
    for _ in range(3):
        assert "errors" not in await ask(seeded, "installation-one")
    refused = only_error(await ask(seeded, "installation-one"))
    assert refused["extensions"]["code"] == "RATE_LIMITED"
    assert refused["extensions"]["retryAfterSeconds"] == 60
    assert refused["message"] == "Thiết bị này đã yêu cầu quá nhiều lần; hãy thử lại sau ít phút."

    # Another installation behind the same address has its own allowance, up to the address's.
    for _ in range(2):
        assert "errors" not in await ask(seeded, "installation-two")
    by_address = only_error(await ask(seeded, "installation-three"))
    assert by_address["extensions"]["code"] == "RATE_LIMITED"
    assert await stored_nonces(seeded) == before + 5

    clock.set(start + timedelta(seconds=61))
    assert "errors" not in await ask(seeded, "installation-one")
    assert await stored_nonces(seeded) == before + 6
