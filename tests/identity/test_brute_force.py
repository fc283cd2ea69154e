"""Failed sign-ins slow an account down, then lock it; one request checks one password at most."""

from __future__ import annotations

from typing import Any

import pytest

from backend.db.types import utcnow
from backend.seed.hue import DEMO_PASSWORD
from tests.support.clock import Clock
from tests.support.graphql import LOGIN, error_codes, login


@pytest.fixture(autouse=True)
def one_instant(clock: Clock) -> None:
    """Every attempt happens at the same moment: on a loaded machine a one-second wait could
    otherwise run out between two requests, and the next attempt would count as free."""
    clock.set(utcnow())


WRONG = "definitely-wrong-password"


def aliased_logins(count: int, identifier: str, password: str) -> str:
    fields = "\n".join(
        f'a{i}: login(input: {{identifier: "{identifier}", password: "{password}"}}) {{ accessToken }}'
        for i in range(count)
    )
    return f"mutation {{ {fields} }}"


async def test_aliased_attempts_in_one_document_check_one_password(seeded: Any) -> None:
    body = await seeded(aliased_logins(12, "0905000001", WRONG), language="en")

    assert error_codes(body) == ["UNAUTHENTICATED"] + ["RATE_LIMITED"] * 11
    refused = body["errors"][-1]
    assert refused["message"] == "A request may check a password only once."
    # Only the first was a sign-in attempt: the account is neither slowed down nor locked.
    assert (await login(seeded, "0905000001"))["user"]["phone"] == "+84905000001"


async def test_repeated_failures_slow_down_that_device_only(seeded: Any) -> None:
    codes = []
    for _ in range(12):
        codes += error_codes(await seeded(LOGIN, {"identifier": "0905000001", "password": WRONG}))

    assert codes[:3] == ["UNAUTHENTICATED"] * 3  # free attempts
    assert codes[3:] == ["RATE_LIMITED"] * 9  # then this device must wait, longer each time

    # Even the right password waits on this device ...
    right = await seeded(LOGIN, {"identifier": "0905000001", "password": DEMO_PASSWORD})
    assert error_codes(right) == ["RATE_LIMITED"]
    assert right["errors"][0]["extensions"]["retryAfterSeconds"] == 300
    # ... while the owner's own phone signs in.
    owner = await seeded(
        LOGIN,
        {"identifier": "0905000001", "password": DEMO_PASSWORD},
        headers={"X-Installation-ID": "owner-phone-installation"},
    )
    assert owner["data"]["login"]["user"]["phone"] == "+84905000001"


async def test_attempts_through_phone_and_email_aliases_share_one_counter(seeded: Any) -> None:
    identifiers = ["0905000001", "+84905000001", "84905000001", "cudan@demo.hue.vn"]
    codes = []
    for identifier in identifiers * 3:
        codes += error_codes(await seeded(LOGIN, {"identifier": identifier, "password": WRONG}))

    assert codes[:3] == ["UNAUTHENTICATED"] * 3
    assert set(codes[3:]) == {"RATE_LIMITED"}
    locked = await seeded(LOGIN, {"identifier": "cudan@demo.hue.vn", "password": DEMO_PASSWORD})
    assert error_codes(locked) == ["RATE_LIMITED"]


async def test_a_success_before_the_limit_forgets_earlier_failures(seeded: Any) -> None:
    for _ in range(2):
        await seeded(LOGIN, {"identifier": "0905000002", "password": WRONG})
    await login(seeded, "0905000002")

    for _ in range(3):
        body = await seeded(LOGIN, {"identifier": "0905000002", "password": WRONG})
        assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_other_accounts_are_not_locked_by_someone_elses_failures(seeded: Any) -> None:
    for _ in range(12):
        await seeded(LOGIN, {"identifier": "0905000001", "password": WRONG})

    assert (await login(seeded, "0905000003"))["user"]["phone"] == "+84905000003"


@pytest.mark.parametrize("settings_overrides", [{"LOGIN_ADDRESS_LOCK_AFTER_FAILURES": 6}])
async def test_one_address_spraying_many_accounts_is_locked(seeded: Any) -> None:
    codes = []
    for number in range(6):
        body = await seeded(LOGIN, {"identifier": f"090512300{number}", "password": WRONG})
        codes += error_codes(body)

    assert codes == ["UNAUTHENTICATED"] * 5 + ["RATE_LIMITED"]
    # The address is locked for every account, even with a right password.
    assert error_codes(
        await seeded(LOGIN, {"identifier": "0905000004", "password": DEMO_PASSWORD})
    ) == ["RATE_LIMITED"]


async def test_malformed_identifier_is_bad_input_and_not_counted(seeded: Any) -> None:
    for _ in range(5):
        body = await seeded(LOGIN, {"identifier": "not a phone", "password": WRONG})
        assert error_codes(body) == ["BAD_USER_INPUT"]
    assert (await login(seeded))["user"]["phone"] == "+84905000001"


async def test_registering_counts_as_the_requests_password_check(seeded: Any) -> None:
    document = """
    mutation {
      register(input: {displayName: "Lan", phone: "0905123456", password: "mật khẩu dài 2026"}) {
        phone
      }
      login(input: {identifier: "0905000001", password: "hue-demo-2026"}) { accessToken }
    }
    """
    body = await seeded(document)

    assert body["data"]["register"] == {"phone": "+84905123456"}
    assert body["data"]["login"] is None
    assert error_codes(body) == ["RATE_LIMITED"]
