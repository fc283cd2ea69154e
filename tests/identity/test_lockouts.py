"""Lockouts that protect without excluding, client addresses from trusted proxies only, and the
audit rows of security events."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from backend.db.types import utcnow
from backend.identity.models import SecurityEvent
from backend.seed.demo import stable_id
from backend.seed.hue import DEMO_PASSWORD
from tests.support.clock import Clock
from tests.support.graphql import LOGIN, REFRESH, data, error_codes, login


@pytest.fixture
def one_instant(clock: Clock) -> None:
    """Every attempt happens at the same moment: on a loaded machine a one-second wait could
    otherwise run out between two requests, and the next attempt would count as free."""
    clock.set(utcnow())


WRONG = "definitely-wrong-password"
OWNER = {"X-Installation-ID": "owner-installation-1"}


async def attempt(api: Any, password: str, headers: dict[str, str] | None = None) -> list[str]:
    body = await api(LOGIN, {"identifier": "0905000001", "password": password}, headers=headers)
    return error_codes(body)


async def events(api: Any) -> list[SecurityEvent]:
    async with api.sessions() as session:
        statement = select(SecurityEvent).order_by(SecurityEvent.occurred_at)
        return list((await session.scalars(statement)).all())


@pytest.mark.parametrize("settings_overrides", [{"LOGIN_LOCK_AFTER_FAILURES": 6}])
@pytest.mark.usefixtures("one_instant")
async def test_failures_from_many_devices_lock_strangers_but_not_a_known_device(
    seeded: Any,
) -> None:
    assert await attempt(seeded, DEMO_PASSWORD, OWNER) == []  # the owner's phone, once

    codes = []
    for number in range(7):  # a botnet: a new installation per attempt
        codes += await attempt(seeded, WRONG, {"X-Installation-ID": f"attacker-{number:04d}"})

    assert codes == ["UNAUTHENTICATED"] * 5 + ["RATE_LIMITED"] * 2
    assert await attempt(seeded, DEMO_PASSWORD, {"X-Installation-ID": "new-phone-0001"}) == [
        "RATE_LIMITED"
    ]
    assert await attempt(seeded, DEMO_PASSWORD, OWNER) == []  # the owner is not locked out
    [locked] = [e for e in await events(seeded) if e.kind == "login.locked"]
    assert locked.user_id == stable_id("user", "+84905000001")
    assert locked.installation_id == "attacker-0005"
    assert locked.detail == {"scope": "account", "seconds": 900}
    assert locked.request_id


@pytest.mark.parametrize("settings_overrides", [{"LOGIN_ADDRESS_LOCK_AFTER_FAILURES": 3}])
@pytest.mark.usefixtures("one_instant")
async def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored(seeded: Any) -> None:
    codes = []
    for number in range(4):
        body = await seeded(
            LOGIN,
            {"identifier": f"090512300{number}", "password": WRONG},
            headers={"X-Forwarded-For": f"198.51.100.{number}"},
        )
        codes += error_codes(body)

    # Rotating the header did not dodge the address limit: the peer's address counted.
    assert codes == ["UNAUTHENTICATED"] * 2 + ["RATE_LIMITED"] * 2
    [locked] = [e for e in await events(seeded) if e.kind == "login.locked"]
    assert locked.client_address == "203.0.113.7"


@pytest.mark.parametrize(
    "settings_overrides",
    [{"LOGIN_ADDRESS_LOCK_AFTER_FAILURES": 3, "FORWARDED_ALLOW_IPS": "203.0.113.7"}],
)
@pytest.mark.usefixtures("one_instant")
async def test_behind_a_trusted_proxy_each_client_address_counts_apart(seeded: Any) -> None:
    codes = []
    for number in range(3):
        body = await seeded(
            LOGIN,
            {"identifier": f"090512300{number}", "password": WRONG},
            headers={"X-Forwarded-For": "198.51.100.9"},
        )
        codes += error_codes(body)
    other_client = await seeded(
        LOGIN,
        {"identifier": "0905000002", "password": DEMO_PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.10"},
    )

    assert codes == ["UNAUTHENTICATED"] * 2 + ["RATE_LIMITED"]
    assert data(other_client)["login"]["user"]["phone"] == "+84905000002"
    [locked] = [e for e in await events(seeded) if e.kind == "login.locked"]
    assert locked.client_address == "198.51.100.9"


@pytest.mark.parametrize("settings_overrides", [{"REFRESH_REUSE_GRACE_SECONDS": 0}])
async def test_refresh_reuse_and_sign_out_write_audit_rows(seeded: Any) -> None:
    first = await login(seeded)
    data(await seeded(REFRESH, {"token": first["refreshToken"]}))
    assert error_codes(await seeded(REFRESH, {"token": first["refreshToken"]})) == [
        "UNAUTHENTICATED"
    ]
    other = await login(seeded)
    await seeded(
        "mutation($t: String!) { logout(input: {refreshToken: $t}) }",
        {"t": other["refreshToken"]},
        headers={"X-Request-ID": "req-logout-0001"},
    )

    found = await events(seeded)
    assert [e.kind for e in found] == ["refresh.reused", "session.revoked"]
    owner = stable_id("user", "+84905000001")
    assert {e.user_id for e in found} == {owner}
    assert found[1].request_id == "req-logout-0001"
