"""The cards demo: the Office of the Huế City People's Committee as an issuing agency (the admin
demo account administers it) with a small staff list, and four cards: the civil-servant demo
account's card, the demo resident's pilot citizen card, the business demo account's business
card and a revoked citizen card of the parent demo account. People and numbers are invented.

A seed cannot know a phone's key, so each demo holder gets a development device key made under
`var/cards/demo-devices/` (never committed) and registered like an app would; a real app
registers its own key (`registerCardDeviceKey`) and collects cards issued afterwards."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.business.models import Business, Membership, MembershipStatus
from backend.cards import issuing, keys
from backend.cards.issuing import Issuer
from backend.cards.models import (
    Card,
    CardAgency,
    CardAgencyAdmin,
    CardKind,
    CardStatus,
    DeviceKey,
    StaffEntry,
)
from backend.cards.sdjwt import PrivateKey
from backend.db.types import utcnow
from backend.i18n import Translated
from backend.seed.demo import stable_id
from backend.settings import Settings

AGENCY_SLUG = "van-phong-ubnd-tp-hue"
AGENCY_NAME = Translated.of(
    "Văn phòng UBND thành phố Huế", "Office of the Huế City People's Committee"
)
CIVIL_SERVANT = "+84905000003"
RESIDENT = "+84905000001"
PARENT = "+84905000002"
OWNER = "+84905000006"
ADMIN = "+84905000007"
RESTAURANT_MEMBERSHIP = "restaurant"

STAFF = (
    (
        CIVIL_SERVANT,
        "Trần Thị Công (demo)",
        "Phòng Hành chính – Tổ chức",
        "Chuyên viên",
        "HUE-000301",
    ),
    ("+84905000010", "Lê Văn Hành (demo)", "Phòng Tổng hợp", "Phó Chánh Văn phòng", "HUE-000302"),
    ("+84905000011", "Phạm Thị Vụ (demo)", "Bộ phận Một cửa", "Chuyên viên", "HUE-000303"),
)


def agency_id() -> uuid.UUID:
    return stable_id("card-agency", AGENCY_SLUG)


def card_id(key: str) -> uuid.UUID:
    return stable_id("card", key)


def demo_device_key_path(var_dir: Path, phone: str) -> Path:
    return var_dir / "cards" / "demo-devices" / f"{phone.lstrip('+')}.pem"


def demo_device_key(var_dir: Path, phone: str) -> PrivateKey:
    """The development device key of a demo holder (P-256, as phones' secure elements use)."""
    path = demo_device_key_path(var_dir, phone)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.touch(mode=0o600)
        path.write_bytes(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


async def seed_cards(session: AsyncSession) -> dict[str, int]:
    settings = Settings()
    if settings.is_production:
        return {"cards": 0}
    issuer = Issuer.from_settings(settings)
    now = utcnow()
    added = {"cards": 0}
    if await session.get(CardAgency, agency_id()) is None:
        session.add(CardAgency(id=agency_id(), slug=AGENCY_SLUG, name=AGENCY_NAME, created_at=now))
        await session.flush()
        session.add(CardAgencyAdmin(agency_id=agency_id(), user_id=stable_id("user", ADMIN)))
        for phone, name, unit, position, number in STAFF:
            session.add(
                StaffEntry(
                    id=stable_id("card-staff", number),
                    agency_id=agency_id(),
                    phone=phone,
                    full_name=name,
                    employing_unit=unit,
                    position=position,
                    card_number=number,
                    imported_at=now,
                )
            )
        await session.flush()
    for phone in (CIVIL_SERVANT, RESIDENT, PARENT, OWNER):
        await _device(session, settings.var_dir, phone, now)
    await issuer.signing_key(session, now)
    today = now.date()
    if await session.get(Card, card_id("civil-servant")) is None:
        _, name, unit, position, number = STAFF[0]
        valid_to = date(today.year + 2, 12, 31)
        await issuing.mint(
            session,
            issuer,
            card_id=card_id("civil-servant"),
            kind=CardKind.CIVIL_SERVANT,
            holder_id=stable_id("user", CIVIL_SERVANT),
            issued_by=stable_id("user", ADMIN),
            disclosable={
                "given_name": name,
                "agency": AGENCY_NAME.vi,
                "employing_unit": unit,
                "position": position,
                "card_number": number,
                "photo_ref": f"photo:{number}",
            },
            extra_claims={},
            valid_from=today,
            expires_at=datetime.combine(valid_to, time(23, 59, 59), tzinfo=UTC),
            now=now,
            agency_id=agency_id(),
            card_number=number,
        )
        added["cards"] += 1
    for key, phone, name, born, personal_id, status in (
        ("citizen", RESIDENT, "Nguyễn Văn Dân (demo)", date(1990, 5, 17), "046090000001", None),
        (
            "citizen-revoked",
            PARENT,
            "Hoàng Thị Huynh (demo)",
            date(1985, 9, 2),
            "046185000002",
            CardStatus.INVALID,
        ),
    ):
        if await session.get(Card, card_id(key)) is None:
            card = await issuing.mint(
                session,
                issuer,
                card_id=card_id(key),
                kind=CardKind.CITIZEN,
                holder_id=stable_id("user", phone),
                issued_by=stable_id("user", ADMIN),
                disclosable={
                    "given_name": name,
                    "birthdate": born.isoformat(),
                    "personal_identifier": personal_id,
                    "address": "12 Lê Lợi, phường Thuận Hóa, Huế",
                    "photo_ref": f"photo:{personal_id}",
                    "age_over_18": True,
                },
                extra_claims={},
                valid_from=today,
                expires_at=now + issuing.PILOT_VALIDITY,
                now=now,
            )
            if status is not None:
                card.status = int(status)
                card.status_changed_at = now
            added["cards"] += 1
    await _business_card(session, issuer, now, added)
    await session.flush()
    return added


async def _business_card(
    session: AsyncSession, issuer: Issuer, now: datetime, added: dict[str, int]
) -> None:
    membership = await session.get(Membership, stable_id("membership", _restaurant_code()))
    if membership is None or membership.status is not MembershipStatus.ACTIVE:
        return
    if await session.get(Card, card_id("business")) is not None:
        return
    business = await session.get(Business, membership.business_id)
    assert business is not None
    await issuing.mint(
        session,
        issuer,
        card_id=card_id("business"),
        kind=CardKind.BUSINESS,
        holder_id=membership.user_id,
        issued_by=membership.user_id,
        disclosable={
            "enterprise_code": business.code,
            "business_name": business.name_vi,
            "representative": business.representative_name,
            "address": business.address,
        },
        extra_claims={},
        valid_from=now.date(),
        expires_at=now + issuing.PILOT_VALIDITY - timedelta(days=1),
        now=now,
        business_id=business.id,
    )
    added["cards"] += 1


def _restaurant_code() -> str:
    from backend.seed.business import RESTAURANT

    return RESTAURANT


async def _device(session: AsyncSession, var_dir: Path, phone: str, now: datetime) -> None:
    jwk = keys.public_jwk(demo_device_key(var_dir, phone))
    print_ = keys.thumbprint(jwk)
    row_id = stable_id("card-device", f"{phone}:{print_}")
    if await session.get(DeviceKey, row_id) is None:
        session.add(
            DeviceKey(
                id=row_id,
                user_id=stable_id("user", phone),
                thumbprint=print_,
                jwk=jwk,
                created_at=now,
            )
        )
        await session.flush()
