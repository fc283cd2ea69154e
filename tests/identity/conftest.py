"""Identity tests hash with production's Argon2 cost: they are about real hashing, rehashing on
sign-in and the timing of unknown accounts."""

from __future__ import annotations

import pytest

from backend.identity import passwords


@pytest.fixture
def password_cost() -> passwords.Cost:
    return passwords.PRODUCTION
