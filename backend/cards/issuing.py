"""Issuing cards: the civil-servant card (by an agency's administrator, for someone on the
agency's staff list), the pilot citizen card (by an operator who verified the resident) and the
pilot business card (for a verified representative). Each is an SD-JWT VC bound to the holder's
newest registered device key, with a random slot in its kind's status list."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.business import access as business_access
from backend.business import registry as business_registry
from backend.business.models import MemberRole
from backend.cards import keys, repository, sdjwt, statuslist
from backend.cards.models import Card, CardKind, DeviceKey
from backend.cards.pushes import card_message
from backend.cards.staff import normalized_phone, text
from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, Forbidden, NotFound
from backend.identity import service as identity
from backend.identity.models import Role
from backend.settings import Settings
from notifications.service import notify

VCT_PATHS = {
    CardKind.CIVIL_SERVANT: "civil-servant-card",
    CardKind.CITIZEN: "citizen-card",
    CardKind.BUSINESS: "business-card",
}
# Pilot cards are short-lived: a reissue is cheap, a leaked card expires soon.
PILOT_VALIDITY = timedelta(days=365)
MAX_CIVIL_SERVANT_YEARS = 5
# A photo is named, not embedded: a short id the verifier app resolves. Every character
# shown costs the QR 4/3 of one, so a URL (80+ characters) is refused.
PHOTO_REF_LIMIT = 48
PHOTO_REF = re.compile(r"[A-Za-z0-9:._-]+")


@dataclass(frozen=True, slots=True)
class Issuer:
    """Where the issuer lives: its identifier (`iss`) and the URLs derived from it."""

    url: str
    secret: bytes
    status_ttl: int = 300
    # Development: replace an issuer key sealed under another secret (see keys.signing_key).
    recover_keys: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Issuer:
        return cls(
            url=settings.jwt_issuer.rstrip("/"),
            secret=settings.card_key_secret,
            recover_keys=not settings.is_production,
        )

    async def signing_key(self, session: AsyncSession, now: datetime) -> keys.SigningKey:
        return await keys.signing_key(session, self.secret, now, recover=self.recover_keys)

    def vct(self, kind: CardKind) -> str:
        return f"{self.url}/vct/{VCT_PATHS[kind]}"

    def status_uri(self, kind: CardKind) -> str:
        return f"{self.url}/cards/status/{VCT_PATHS[kind]}"


def kind_of_path(path: str) -> CardKind | None:
    return next((kind for kind, found in VCT_PATHS.items() if found == path), None)


async def register_device_key(
    uow: UnitOfWork, *, user_id: uuid.UUID, jwk: dict[str, Any], now: datetime
) -> DeviceKey:
    """An app installation's public key (Ed25519 or P-256); cards issued later bind to it."""
    public = _checked_public_jwk(jwk)
    print_ = keys.thumbprint(public)
    found = await repository.device_key(uow.session, user_id, print_)
    if found is not None:
        return found
    row = DeviceKey(id=uuid.uuid4(), user_id=user_id, thumbprint=print_, jwk=public, created_at=now)
    await repository.add(uow.session, row)
    return row


def _checked_public_jwk(jwk: dict[str, Any]) -> dict[str, Any]:
    if "d" in jwk:
        raise BadUserInput("cards.device_key_private", field="publicJwk")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    members: tuple[str, ...]
    if (kty, crv) == ("OKP", "Ed25519"):
        members = ("kty", "crv", "x")
    elif (kty, crv) == ("EC", "P-256"):
        members = ("kty", "crv", "x", "y")
    else:
        raise BadUserInput("cards.device_key_invalid", field="publicJwk")
    public = {m: jwk.get(m) for m in members}
    if not all(isinstance(v, str) and len(v) < 100 for v in public.values()):
        raise BadUserInput("cards.device_key_invalid", field="publicJwk")
    try:
        import jwt

        jwt.PyJWK({**public})
    except Exception as exc:
        raise BadUserInput("cards.device_key_invalid", field="publicJwk") from exc
    return public


async def issue_civil_servant_card(
    uow: UnitOfWork,
    issuer: Issuer,
    *,
    admin_id: uuid.UUID,
    agency_id: uuid.UUID,
    phone: str,
    photo_ref: str,
    valid_from: date,
    valid_to: date,
    now: datetime,
) -> Card:
    """An agency's administrator issues a card to someone on the agency's staff list."""
    session = uow.session
    agency = await repository.agency(session, agency_id)
    if agency is None or not await repository.is_agency_admin(session, agency_id, admin_id):
        raise NotFound("cards.agency_not_found", field="agencyId")
    if valid_to <= valid_from or valid_to > valid_from + timedelta(
        days=366 * MAX_CIVIL_SERVANT_YEARS
    ):
        raise BadUserInput("cards.validity_invalid", field="validTo")
    holder_phone = normalized_phone(phone, field="phone")
    entry = await repository.staff_entry(session, agency_id, holder_phone)
    if entry is None:
        raise BadUserInput("cards.not_on_staff_list", field="phone")
    holder = await identity.active_user_by_phone(session, holder_phone)
    if holder is None:
        raise NotFound("cards.account_not_found", field="phone")
    roles = (await identity.roles_of(session, [holder.id]))[holder.id]
    if not any(r.role is Role.CIVIL_SERVANT for r in roles):
        raise BadUserInput("cards.not_civil_servant", field="phone")
    disclosable = {
        "given_name": entry.full_name,
        "agency": agency.name.vi,
        "employing_unit": entry.employing_unit,
        "position": entry.position,
        "card_number": entry.card_number,
        "photo_ref": _photo(photo_ref),
    }
    expires = datetime.combine(valid_to, time(23, 59, 59), tzinfo=UTC)
    return await _issue(
        uow,
        issuer,
        kind=CardKind.CIVIL_SERVANT,
        holder_id=holder.id,
        issued_by=admin_id,
        disclosable=disclosable,
        extra_claims={},
        valid_from=valid_from,
        expires_at=expires,
        now=now,
        agency_id=agency_id,
        card_number=entry.card_number,
    )


async def issue_citizen_card(
    uow: UnitOfWork,
    issuer: Issuer,
    *,
    operator_id: uuid.UUID,
    phone: str,
    full_name: str,
    birth_date: date,
    personal_id: str,
    address: str,
    photo_ref: str,
    now: datetime,
) -> Card:
    """An operator who checked the resident's identity documents issues the pilot card."""
    session = uow.session
    await _require_operator(session, operator_id)
    holder_phone = normalized_phone(phone, field="phone")
    holder = await identity.active_user_by_phone(session, holder_phone)
    if holder is None:
        raise NotFound("cards.account_not_found", field="phone")
    if not (personal_id.isascii() and personal_id.isdigit() and len(personal_id) == 12):
        raise BadUserInput("cards.personal_id_invalid", field="personalId")
    today = now.date()
    if birth_date >= today or birth_date.year < 1900:
        raise BadUserInput("cards.birth_date_invalid", field="birthDate")
    disclosable: dict[str, Any] = {
        "given_name": text(full_name, field="fullName", limit=120),
        "birthdate": birth_date.isoformat(),
        "personal_identifier": personal_id,
        "address": text(address, field="address", limit=200),
        "photo_ref": _photo(photo_ref),
        # Derived once at issue: a verifier checks age without learning the date of birth.
        "age_over_18": _age(birth_date, today) >= 18,
    }
    return await _issue(
        uow,
        issuer,
        kind=CardKind.CITIZEN,
        holder_id=holder.id,
        issued_by=operator_id,
        disclosable=disclosable,
        extra_claims={},
        valid_from=today,
        expires_at=now + PILOT_VALIDITY,
        now=now,
    )


async def issue_business_card(
    uow: UnitOfWork, issuer: Issuer, *, user_id: uuid.UUID, business_id: uuid.UUID, now: datetime
) -> Card:
    """A verified representative takes the business's pilot card."""
    session = uow.session
    role = await business_access.member_role(session, business_id, user_id)
    if role is not MemberRole.REPRESENTATIVE:
        raise NotFound("cards.business_not_found", field="businessId")
    business = (await business_registry.businesses_by_ids(session, [business_id]))[0]
    disclosable = {
        "enterprise_code": business.code,
        "business_name": business.name_vi,
        "representative": business.representative_name,
        "address": business.address,
    }
    return await _issue(
        uow,
        issuer,
        kind=CardKind.BUSINESS,
        holder_id=user_id,
        issued_by=user_id,
        disclosable=disclosable,
        extra_claims={},
        valid_from=now.date(),
        expires_at=now + PILOT_VALIDITY,
        now=now,
        business_id=business_id,
    )


async def _issue(uow: UnitOfWork, issuer: Issuer, **fields: Any) -> Card:
    card = await mint(uow.session, issuer, **fields)
    await notify(
        uow, user_ids=[card.holder_id], message=card_message(card, "issued"), now=card.created_at
    )
    return card


async def mint(
    session: AsyncSession,
    issuer: Issuer,
    *,
    kind: CardKind,
    holder_id: uuid.UUID,
    issued_by: uuid.UUID,
    disclosable: dict[str, Any],
    extra_claims: dict[str, Any],
    valid_from: date,
    expires_at: datetime,
    now: datetime,
    agency_id: uuid.UUID | None = None,
    business_id: uuid.UUID | None = None,
    card_number: str | None = None,
    card_id: uuid.UUID | None = None,
) -> Card:
    """Sign and store a card bound to the holder's newest device key (no push: the seed)."""
    if await repository.live_card_of(session, holder_id, kind, now) is not None:
        raise Conflict("cards.already_held")
    device = await repository.newest_device_key(session, holder_id)
    if device is None:
        raise Conflict("cards.no_device_key")
    index = await _free_index(session, kind)
    signer = await issuer.signing_key(session, now)
    card_id = card_id or uuid.uuid4()
    claims = card_claims(
        issuer,
        kind,
        device_jwk=dict(device.jwk),
        index=index,
        now=now,
        valid_from=valid_from,
        expires_at=expires_at,
        extra=extra_claims,
    )
    credential = sdjwt.issue(claims=claims, disclosable=disclosable, key=signer.key, kid=signer.kid)
    card = Card(
        id=card_id,
        kind=kind,
        holder_id=holder_id,
        agency_id=agency_id,
        business_id=business_id,
        issued_by=issued_by,
        card_number=card_number,
        status=0,
        status_index=index,
        device_thumbprint=device.thumbprint,
        kid=signer.kid,
        credential=credential,
        valid_from=valid_from,
        expires_at=expires_at,
        created_at=now,
    )
    await repository.add(session, card)
    return card


def card_claims(
    issuer: Issuer,
    kind: CardKind,
    *,
    device_jwk: dict[str, Any],
    index: int,
    now: datetime,
    valid_from: date,
    expires_at: datetime,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """The claims a card carries in the clear (each costs QR characters: see docs/cards.md)."""
    issued_at = int(now.timestamp())
    claims: dict[str, Any] = {
        "iss": issuer.url,
        "vct": issuer.vct(kind),
        "iat": issued_at,
        "exp": int(expires_at.timestamp()),
        "cnf": {"jwk": device_jwk},
        "status": {"status_list": {"idx": index, "uri": issuer.status_uri(kind)}},
        **extra,
    }
    starts = int(datetime.combine(valid_from, time(), tzinfo=UTC).timestamp())
    if starts > issued_at:
        claims["nbf"] = starts
    return claims


async def _free_index(session: AsyncSession, kind: CardKind) -> int:
    """A random free slot: a list's layout says nothing about issue order or who is in it."""
    used = await repository.used_indices(session, kind)
    if len(used) >= statuslist.SIZE // 2:
        raise Conflict("cards.status_list_full")
    while True:
        index = secrets.randbelow(statuslist.SIZE)
        if index not in used:
            return index


async def is_operator(session: AsyncSession, user_id: uuid.UUID) -> bool:
    roles = (await identity.roles_of(session, [user_id]))[user_id]
    return any(r.role is Role.ADMIN for r in roles)


async def _require_operator(session: AsyncSession, user_id: uuid.UUID) -> None:
    if not await is_operator(session, user_id):
        raise Forbidden("forbidden")


def _photo(ref: str) -> str:
    ref = ref.strip()
    if len(ref) > PHOTO_REF_LIMIT or not PHOTO_REF.fullmatch(ref):
        raise BadUserInput("cards.photo_ref_invalid", field="photoRef")
    return ref


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
