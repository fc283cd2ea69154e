"""What card tests share: the app's operations, the demo holders and their device keys, and
presentations made the way the app makes them."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select
from strawberry import relay

from backend.cards import keys, sdjwt
from backend.graphql_api.persisted import MANIFEST
from backend.seed.cards import (
    ADMIN,
    AGENCY_SLUG,
    CIVIL_SERVANT,
    OWNER,
    PARENT,
    RESIDENT,
    agency_id,
    card_id,
    demo_device_key,
)
from backend.seed.demo import stable_id
from backend.settings import Settings
from notifications.models import Notification
from tests.support.graphql import data

OPERATIONS: dict[str, str] = {
    o["name"]: o["body"] for o in json.loads(MANIFEST.read_text())["operations"]
}
ISSUER = "https://citizen-hub.hue.gov.vn"
VERIFIER = f"{ISSUER}/verifier"
SIGN_IN = f"{ISSUER}/sign-in"
# The demo seed ran with the default settings: its issuer key is sealed with their secret.
DEFAULTS = Settings()

__all__ = ["ADMIN", "AGENCY_SLUG", "CIVIL_SERVANT", "OWNER", "PARENT", "RESIDENT"]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"CARDS_KEY_SECRET": DEFAULTS.card_key_secret.decode()}


@pytest.fixture(scope="session")
def stranger_key() -> ec.EllipticCurvePrivateKey:
    """Another phone's key, made once for the whole run."""
    return ec.generate_private_key(ec.SECP256R1())


def device_key(phone: str) -> sdjwt.PrivateKey:
    return demo_device_key(DEFAULTS.var_dir, phone)


def card_gid(key: str) -> str:
    return str(relay.GlobalID("Card", str(card_id(key))))


def agency_gid() -> str:
    return str(relay.GlobalID("CardAgency", str(agency_id())))


async def send(
    api: Any, name: str, variables: dict[str, Any] | None = None, *, token: str | None = None
) -> dict[str, Any]:
    return await api(OPERATIONS[name], variables or {}, token=token)


async def ok(
    api: Any, name: str, variables: dict[str, Any] | None = None, *, token: str | None = None
) -> dict[str, Any]:
    return data(await send(api, name, variables, token=token))


async def my_card(api: Any, token: str, kind: str) -> dict[str, Any]:
    edges = (await ok(api, "MyCards", token=token))["viewer"]["cards"]["edges"]
    return next(edge["node"] for edge in edges if edge["node"]["kind"] == kind)


def present(
    credential: str,
    reveal: list[str],
    *,
    key: sdjwt.PrivateKey,
    nonce: str,
    audience: str = VERIFIER,
    at: int | None = None,
) -> str:
    return sdjwt.present(
        credential,
        reveal=reveal,
        holder_key=key,
        audience=audience,
        nonce=nonce,
        issued_at=int(time.time()) if at is None else at,
    )


async def inbox(api: Any, phone: str) -> list[Notification]:
    statement = (
        select(Notification)
        .where(Notification.user_id == stable_id("user", phone))
        .order_by(Notification.created_at, Notification.id)
    )
    async with api.sessions() as session:
        return list((await session.scalars(statement)).all())


def card_presentation(
    credential: str, phone: str, nonce: dict[str, Any], reveal: Sequence[str] = ()
) -> str:
    """What the app sends for a `requestCardNonce` answer, with the demo holder's device key."""
    return present(
        credential,
        list(reveal),
        key=device_key(phone),
        nonce=nonce["nonce"],
        audience=nonce["audience"],
    )


def card_public_jwk(phone: str) -> str:
    return json.dumps(keys.public_jwk(device_key(phone)))
