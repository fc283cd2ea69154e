"""Registration and phone changes complete only with the SMS code; each attack is refused or
harmless, and a refusal leaves the data as it was."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.identity.models import PhoneVerification, SecurityEvent, User
from backend.seed.demo import stable_id
from backend.seed.hue import ACCOUNTS, DEMO_PASSWORD
from tests.fakes.sms import FakeSMS
from tests.support.clock import Clock
from tests.support.graphql import (
    REGISTER,
    RESEND,
    VERIFY_PHONE,
    data,
    error_codes,
    login,
    only_error,
)
from tests.support.sessions import mint_tokens

PASSWORD = "mật khẩu an toàn 2026"
NEW_PHONE = "+84912345678"
DEMO_PHONE = "+84905000001"

ADD_DEPENDANT = """
mutation { addDependant(input: {fullName: "Bé Na", dateOfBirth: "2019-05-04",
  relationship: CHILD}) { id } }
"""
CHANGE_PHONE = """
mutation($phone: String!) { changePhone(input: {phone: $phone}) { verificationId phone } }
"""
CONFIRM_CHANGE = """
mutation($id: ID!, $code: String!) {
  confirmPhoneChange(input: {verificationId: $id, code: $code}) { phone phoneVerified }
}
"""


def registration(phone: str, **more: Any) -> dict[str, Any]:
    return {"input": {"displayName": "Lan", "password": PASSWORD, "phone": phone, **more}}


async def count(api: Any, model: Any) -> int:
    async with api.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)))


async def events(api: Any) -> list[SecurityEvent]:
    async with api.sessions() as session:
        return list((await session.scalars(select(SecurityEvent))).all())


async def start(api: Any, phone: str = NEW_PHONE, **headers: str) -> dict[str, Any]:
    started: dict[str, Any] = data(await api(REGISTER, registration(phone), headers=headers))
    return started["register"]


def shape(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer with its random id and times reduced to their form."""
    return {
        "keys": sorted(answer),
        "id_length": len(answer["verificationId"]),
        "expires_in": round(
            (_parse(answer["expiresAt"]) - _parse(answer["resendAvailableAt"])).total_seconds()
        ),
    }


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_register_then_the_code_creates_a_verified_account(seeded: Any, sms: FakeSMS) -> None:
    started = await start(seeded)
    assert await count(seeded, User) == len(ACCOUNTS)  # the demo's: nothing before the code
    code = sms.last_code(NEW_PHONE)

    signed_in = data(await seeded(VERIFY_PHONE, {"id": started["verificationId"], "code": code}))

    assert signed_in["verifyPhone"]["user"]["phoneVerified"] is True
    assert await count(seeded, User) == len(ACCOUNTS) + 1
    # Only a keyed hash of the code was stored, and the pending password hash is gone.
    async with seeded.sessions() as session:
        row = await session.get(PhoneVerification, uuid.UUID(started["verificationId"]))
    assert row is not None
    assert row.consumed_at is not None
    assert row.code_hash is not None
    assert code not in row.code_hash
    assert row.password_hash is None
    # The code works once.
    again = await seeded(VERIFY_PHONE, {"id": started["verificationId"], "code": code})
    assert error_codes(again) == ["VERIFICATION_EXPIRED"]


async def test_register_answers_alike_for_a_number_that_has_an_account(
    seeded: Any, sms: FakeSMS
) -> None:
    fresh = await start(seeded, NEW_PHONE)
    taken = await start(seeded, DEMO_PHONE)

    assert shape(fresh) == shape(taken)
    assert taken["phone"] == DEMO_PHONE
    # The owner is told, no code exists for the stranger, and nothing of theirs is kept.
    notice = sms.to(DEMO_PHONE)[-1].text
    assert "đăng ký" in notice
    assert not any(ch.isdigit() for ch in notice)
    async with seeded.sessions() as session:
        decoy = await session.get(PhoneVerification, uuid.UUID(taken["verificationId"]))
    assert decoy is not None
    assert (decoy.code_hash, decoy.password_hash, decoy.display_name) == (None, None, None)
    [event] = await events(seeded)
    assert event.kind == "register.existing_phone"
    assert event.user_id == stable_id("user", DEMO_PHONE)
    assert event.client_address == "203.0.113.7"
    # No code matches the decoy; the same refusal as a wrong code, and no account appears.
    for guess in ("000000", "123456"):
        body = await seeded(VERIFY_PHONE, {"id": taken["verificationId"], "code": guess})
        assert error_codes(body) == ["VERIFICATION_CODE_INVALID"]
    assert await count(seeded, User) == len(ACCOUNTS)
    # The owner's password still works.
    assert (await login(seeded, "0905000001", DEMO_PASSWORD))["user"]["phone"] == DEMO_PHONE


async def test_wrong_codes_are_counted_and_the_fifth_ends_the_verification(
    api: Any, sms: FakeSMS
) -> None:
    started = await start(api)
    right = sms.last_code(NEW_PHONE)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    left = []
    for _ in range(5):
        error = only_error(
            await api(VERIFY_PHONE, {"id": started["verificationId"], "code": wrong})
        )
        assert error["extensions"]["code"] == "VERIFICATION_CODE_INVALID"
        left.append(error["extensions"]["attemptsLeft"])

    assert left == [4, 3, 2, 1, 0]
    late = await api(VERIFY_PHONE, {"id": started["verificationId"], "code": right})
    assert error_codes(late) == ["VERIFICATION_EXPIRED"]
    assert await count(api, User) == 0


@pytest.mark.parametrize(
    ("verification_id", "code", "expected"),
    [
        (None, "12345", "BAD_USER_INPUT"),
        (None, "12345a", "BAD_USER_INPUT"),
        (None, "1" * 10_000, "BAD_USER_INPUT"),
        ("not-a-uuid", "123456", "VERIFICATION_EXPIRED"),
        (str(uuid.UUID(int=7)), "123456", "VERIFICATION_EXPIRED"),
    ],
)
async def test_malformed_codes_and_unknown_ids_change_nothing(
    api: Any, sms: FakeSMS, verification_id: str | None, code: str, expected: str
) -> None:
    started = await start(api)

    body = await api(
        VERIFY_PHONE, {"id": verification_id or started["verificationId"], "code": code}
    )

    assert error_codes(body) == [expected]
    async with api.sessions() as session:
        row = await session.get(PhoneVerification, uuid.UUID(started["verificationId"]))
    assert row is not None
    assert row.attempts == 0
    assert await count(api, User) == 0


async def test_codes_expire(api: Any, sms: FakeSMS, clock: Clock) -> None:
    started = await start(api)
    clock.set(utcnow() + timedelta(minutes=10, seconds=1))

    body = await api(
        VERIFY_PHONE, {"id": started["verificationId"], "code": sms.last_code(NEW_PHONE)}
    )

    assert error_codes(body) == ["VERIFICATION_EXPIRED"]
    assert await count(api, User) == 0


async def test_resend_waits_for_the_cool_down_and_replaces_the_code(
    api: Any, sms: FakeSMS, clock: Clock
) -> None:
    started = await start(api)
    first = sms.last_code(NEW_PHONE)

    early = only_error(await api(RESEND, {"id": started["verificationId"]}))
    assert early["extensions"]["code"] == "RATE_LIMITED"
    assert 55 <= early["extensions"]["retryAfterSeconds"] <= 60
    assert len(sms.to(NEW_PHONE)) == 1

    clock.set(utcnow() + timedelta(seconds=61))
    data(await api(RESEND, {"id": started["verificationId"]}))
    second = sms.last_code(NEW_PHONE)
    assert len(sms.to(NEW_PHONE)) == 2
    if first != second:  # one chance in a million that they are equal
        stale = await api(VERIFY_PHONE, {"id": started["verificationId"], "code": first})
        assert error_codes(stale) == ["VERIFICATION_CODE_INVALID"]
    fresh = await api(VERIFY_PHONE, {"id": started["verificationId"], "code": second})
    assert data(fresh)["verifyPhone"]["user"]["phone"] == NEW_PHONE


@pytest.mark.parametrize(
    ("settings_overrides", "phones", "headers"),
    [
        ({"SMS_PER_PHONE_PER_HOUR": 2}, [NEW_PHONE] * 3, [{}, {}, {}]),
        (
            {"SMS_PER_DEVICE_PER_HOUR": 2},
            ["0912000001", "0912000002", "0912000003"],
            [{"X-Installation-ID": "one-installation"}] * 3,
        ),
        ({"SMS_PER_ADDRESS_PER_HOUR": 2}, ["0912000001", "0912000002", "0912000003"], [{}] * 3),
    ],
)
async def test_sms_are_limited_per_phone_device_and_address(
    api: Any, sms: FakeSMS, phones: list[str], headers: list[dict[str, str]]
) -> None:
    for phone, sent in zip(phones[:2], headers[:2], strict=True):
        await start(api, phone, **sent)
    rows = await count(api, PhoneVerification)

    body = await api(REGISTER, registration(phones[2]), headers=headers[2])

    error = only_error(body)
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfterSeconds"] > 3500
    assert await count(api, PhoneVerification) == rows
    assert len(sms.messages) == 2


async def test_a_gateway_failure_gives_the_same_answer(api: Any, sms: FakeSMS) -> None:
    sms.fail_next(503)

    started = await start(api)

    assert sms.messages == []
    assert started["phone"] == NEW_PHONE  # the app offers a resend after the cool-down


async def unverified_account(api: Any) -> str:
    user_id = uuid.uuid4()
    async with UnitOfWork(api.sessions) as uow:
        uow.session.add(
            User(
                id=user_id,
                phone=NEW_PHONE,
                password_hash="x",
                display_name="Older account",
                is_active=True,
            )
        )
    return (await mint_tokens(api, [user_id]))[0]


async def test_an_unverified_account_cannot_book_or_add_dependants_until_it_proves_its_number(
    api: Any, sms: FakeSMS
) -> None:
    token = await unverified_account(api)
    booking = await api(
        'mutation { bookAppointment(input: {slotId: "QXBwb2ludG1lbnRTbG90OjA=", '
        "patient: {self: true}}) { id } }",
        token=token,
    )
    dependant = await api(ADD_DEPENDANT, token=token, language="en")

    assert error_codes(booking) == ["PHONE_NOT_VERIFIED"]
    assert only_error(dependant)["message"] == "Please verify your phone number first."

    started = data(await api(CHANGE_PHONE, {"phone": "0912 345 678"}, token=token))["changePhone"]
    code = sms.last_code(NEW_PHONE)
    confirmed = await api(
        CONFIRM_CHANGE, {"id": started["verificationId"], "code": code}, token=token
    )

    assert data(confirmed)["confirmPhoneChange"] == {"phone": NEW_PHONE, "phoneVerified": True}
    assert data(await api(ADD_DEPENDANT, token=token))["addDependant"]["id"]
    assert [e.kind for e in await events(api)] == ["phone.verified"]


async def test_changing_to_a_taken_number_answers_alike_and_changes_nothing(
    seeded: Any, sms: FakeSMS
) -> None:
    token = (await mint_tokens(seeded, [stable_id("user", "+84905000002")]))[0]

    taken = data(await seeded(CHANGE_PHONE, {"phone": "0905000001"}, token=token))["changePhone"]
    guess = await seeded(
        CONFIRM_CHANGE, {"id": taken["verificationId"], "code": "123456"}, token=token
    )

    assert error_codes(guess) == ["VERIFICATION_CODE_INVALID"]
    assert "đăng ký" in sms.to(DEMO_PHONE)[-1].text
    free = data(await seeded(CHANGE_PHONE, {"phone": "0912345678"}, token=token))["changePhone"]
    # Another account cannot complete this account's change, even with the code.
    other = (await mint_tokens(seeded, [stable_id("user", "+84905000003")]))[0]
    code = sms.last_code(NEW_PHONE)
    stolen = await seeded(CONFIRM_CHANGE, {"id": free["verificationId"], "code": code}, token=other)
    assert error_codes(stolen) == ["VERIFICATION_EXPIRED"]
    mine = await seeded(CONFIRM_CHANGE, {"id": free["verificationId"], "code": code}, token=token)
    assert data(mine)["confirmPhoneChange"]["phone"] == NEW_PHONE
    kinds = sorted(e.kind for e in await events(seeded))
    assert kinds == ["phone.changed", "register.existing_phone"]
