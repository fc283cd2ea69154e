"""Register with an SMS code, sign in, rotate, sign out: the account life cycle through GraphQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from backend.identity.models import PhoneVerification, RefreshToken, User
from tests.fakes.sms import FakeSMS
from tests.support.graphql import (
    LOGIN,
    REFRESH,
    REGISTER,
    VERIFY_PHONE,
    VIEWER,
    data,
    error_codes,
    login,
    only_error,
)

PASSWORD = "mật khẩu an toàn 2026"


def register_input(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"displayName": "Nguyễn Thị Hoa", "password": PASSWORD}
    values.update(overrides)
    return {"input": values}


async def count_rows(api: Any, model: Any) -> int:
    async with api.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)))


async def register_and_verify(api: Any, sms: FakeSMS, **overrides: Any) -> dict[str, Any]:
    started = data(await api(REGISTER, register_input(**overrides)))["register"]
    code = sms.last_code(started["phone"])
    body = await api(VERIFY_PHONE, {"id": started["verificationId"], "code": code})
    verified: dict[str, Any] = data(body)["verifyPhone"]
    return verified


@pytest.mark.parametrize("typed", ["0905 123 456", "+84905123456", "84905123456", "090-512-3456"])
async def test_register_accepts_vietnamese_mobile_formats_and_stores_e164(
    api: Any, sms: FakeSMS, typed: str
) -> None:
    user = (await register_and_verify(api, sms, phone=typed))["user"]

    assert user["phone"] == "+84905123456"
    assert user["phoneVerified"] is True
    assert user["email"] is None
    assert user["displayName"] == "Nguyễn Thị Hoa"
    assert user["locale"] == "VI"
    assert user["roles"] == [{"role": "RESIDENT", "scopeId": None}]


async def test_register_then_login_with_either_identifier_and_read_viewer(
    api: Any, sms: FakeSMS
) -> None:
    await register_and_verify(api, sms, phone="0912 345 678", email="Hoa.Nguyen@Example.VN")

    by_email = await login(api, "hoa.nguyen@example.vn", PASSWORD)
    by_phone = await login(api, "+84912345678", PASSWORD)
    assert by_email["user"]["id"] == by_phone["user"]["id"]

    viewer = data(await api(VIEWER, token=by_phone["accessToken"]))["viewer"]
    assert viewer["phone"] == "+84912345678"
    assert viewer["email"] == "hoa.nguyen@example.vn"
    assert viewer["roles"] == [{"role": "RESIDENT"}]


async def test_duplicate_email_is_a_conflict_at_verification_in_english_when_asked(
    api: Any, sms: FakeSMS
) -> None:
    await register_and_verify(api, sms, phone="0905123456", email="an@example.vn")
    started = data(await api(REGISTER, register_input(phone="0912345678", email="AN@example.vn")))

    code = sms.last_code("+84912345678")
    body = await api(
        VERIFY_PHONE,
        {"id": started["register"]["verificationId"], "code": code},
        language="en-US,en;q=0.9",
    )

    error = only_error(body)
    assert error["extensions"] == {"code": "CONFLICT"}
    assert error["message"] == "This email is already registered."
    assert await count_rows(api, User) == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "0123"}, "input.phone"),
        ({"phone": "0241 234 5678"}, "input.phone"),  # a Hà Nội landline, not a mobile
        ({"phone": "+33612345678"}, "input.phone"),  # not Vietnamese
        ({"phone": "9" * 5000}, "input.phone"),
        ({"phone": "0905123456", "email": "not-an-email"}, "input.email"),
        ({"phone": "0905123456", "email": "a@" + "b" * 300 + ".vn"}, "input.email"),
        ({"phone": "0905123456", "password": "short"}, "input.password"),
        ({"phone": "0905123456", "password": "x" * 10_000}, "input.password"),
        ({"phone": "0905123456", "displayName": "   "}, "input.displayName"),
        ({"phone": "0905123456", "displayName": "N" * 121}, "input.displayName"),
        (
            {"phone": "0905123456", "displayName": "An\x00"},
            "input.displayName",
        ),  # PostgreSQL refuses NUL
        ({}, "input.phone"),  # no phone: nothing to verify
        ({"email": "an@example.vn"}, "input.phone"),  # an email alone proves nothing
    ],
)
async def test_bad_registration_input_names_the_field_and_writes_nothing(
    api: Any, sms: FakeSMS, overrides: dict[str, Any], field: str
) -> None:
    body = await api(REGISTER, register_input(**overrides))

    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert await count_rows(api, User) == 0
    assert await count_rows(api, PhoneVerification) == 0
    assert sms.messages == []


async def test_unknown_enum_value_is_bad_user_input_naming_the_field(api: Any) -> None:
    body = await api(REGISTER, register_input(phone="0905123456", locale="DE"))

    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "input.locale"
    assert await count_rows(api, PhoneVerification) == 0


async def test_every_app_language_can_be_chosen(api: Any, sms: FakeSMS) -> None:
    for number, locale in enumerate(("VI", "EN", "FR", "KO", "ZH", "JA")):
        await register_and_verify(api, sms, phone=f"090512345{number}", locale=locale)
    async with api.sessions() as session:
        stored = {user.locale.value for user in (await session.scalars(select(User))).all()}
    assert stored == {"vi", "en", "fr", "ko", "zh", "ja"}


async def test_wrong_password_is_refused_without_saying_which_part_was_wrong(seeded: Any) -> None:
    wrong_password = await seeded(
        LOGIN, {"identifier": "0905000001", "password": "not-the-password"}
    )
    no_account = await seeded(LOGIN, {"identifier": "0905999999", "password": "not-the-password"})

    assert error_codes(wrong_password) == ["UNAUTHENTICATED"]
    assert only_error(wrong_password)["message"] == only_error(no_account)["message"]
    assert error_codes(no_account) == ["UNAUTHENTICATED"]


async def test_refresh_rotates_and_the_new_pair_works(seeded: Any) -> None:
    first = await login(seeded)

    rotated = data(await seeded(REFRESH, {"token": first["refreshToken"]}))["refreshToken"]

    assert rotated["refreshToken"] != first["refreshToken"]
    assert rotated["user"]["phone"] == "+84905000001"
    viewer = data(await seeded(VIEWER, token=rotated["accessToken"]))["viewer"]
    assert viewer["phone"] == "+84905000001"
    again = data(await seeded(REFRESH, {"token": rotated["refreshToken"]}))["refreshToken"]
    assert again["refreshToken"] not in {first["refreshToken"], rotated["refreshToken"]}


async def test_retry_within_grace_gets_the_same_successor(seeded: Any) -> None:
    first = await login(seeded)

    one = data(await seeded(REFRESH, {"token": first["refreshToken"]}))["refreshToken"]
    retry = data(await seeded(REFRESH, {"token": first["refreshToken"]}))["refreshToken"]

    assert retry["refreshToken"] == one["refreshToken"]
    assert await count_rows(seeded, RefreshToken) == 2


@pytest.mark.parametrize("settings_overrides", [{"REFRESH_REUSE_GRACE_SECONDS": 0}])
async def test_reusing_a_refresh_token_revokes_the_whole_family(seeded: Any) -> None:
    first = await login(seeded)
    stolen = first["refreshToken"]
    legit = data(await seeded(REFRESH, {"token": stolen}))["refreshToken"]

    replay = await seeded(REFRESH, {"token": stolen})

    assert error_codes(replay) == ["UNAUTHENTICATED"]
    # The family is gone: the legitimate successor and its access token no longer work.
    assert error_codes(await seeded(REFRESH, {"token": legit["refreshToken"]})) == [
        "UNAUTHENTICATED"
    ]
    assert error_codes(await seeded(VIEWER, token=legit["accessToken"])) == ["UNAUTHENTICATED"]
    async with seeded.sessions() as session:
        live = await session.scalar(
            select(func.count()).select_from(RefreshToken).where(RefreshToken.revoked_at.is_(None))
        )
    assert live == 0


async def test_reuse_after_the_successor_was_used_revokes_even_within_grace(seeded: Any) -> None:
    first = await login(seeded)
    second = data(await seeded(REFRESH, {"token": first["refreshToken"]}))["refreshToken"]
    data(await seeded(REFRESH, {"token": second["refreshToken"]}))

    replay = await seeded(REFRESH, {"token": first["refreshToken"]})

    assert error_codes(replay) == ["UNAUTHENTICATED"]


async def test_logout_ends_the_session_at_once(seeded: Any) -> None:
    session = await login(seeded)
    other_device = await login(seeded)

    body = await seeded(
        "mutation($t: String!) { logout(input: {refreshToken: $t}) }",
        {"t": session["refreshToken"]},
    )

    assert data(body)["logout"] is True
    assert error_codes(await seeded(VIEWER, token=session["accessToken"])) == ["UNAUTHENTICATED"]
    assert error_codes(await seeded(REFRESH, {"token": session["refreshToken"]})) == [
        "UNAUTHENTICATED"
    ]
    # Signing out on one phone leaves the other signed in.
    assert data(await seeded(VIEWER, token=other_device["accessToken"]))["viewer"] is not None


async def test_garbage_refresh_tokens_are_refused(seeded: Any) -> None:
    assert error_codes(await seeded(REFRESH, {"token": "nope"})) == ["UNAUTHENTICATED"]
    too_long = await seeded(REFRESH, {"token": "x" * 100_000})
    assert only_error(too_long)["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.refreshToken",
    }
