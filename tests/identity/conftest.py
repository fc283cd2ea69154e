"""Identity tests hash with production's Argon2 cost: they are about real hashing, rehashing on
sign-in and the timing of unknown accounts. SMS go to a fake provider over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend.identity import passwords
from backend.settings import Settings
from tests.fakes.sms import FakeSMS


@pytest.fixture
def password_cost() -> passwords.Cost:
    return passwords.PRODUCTION


@pytest.fixture
def sms() -> Iterator[FakeSMS]:
    with FakeSMS() as fake:
        yield fake


@pytest.fixture
def settings(settings: Settings, sms: FakeSMS) -> Settings:
    """The test's settings, sending SMS through the real HTTP adapter to the fake provider."""
    return settings.model_copy(update={"sms_gateway_url": sms.url, "sms_gateway_token": sms.token})
