"""Passkeys (WebAuthn, with py_webauthn) as the second factor of civil servants on the web:
registration by a signed-in civil servant, then sign-in with a password and a passkey.

Challenges are single use, two minutes, and name the account and the ceremony. The signature
counter is trusted only for device-bound credentials: a synced passkey (backup eligible) may
report 0 or repeat a value on another device of its owner.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_attestation_object,
    parse_authenticator_data,
)
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    CredentialDeviceType,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from backend.cards import passkey_repository as repository
from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, Unauthenticated
from backend.free_text import check_name
from backend.identity import service as identity
from backend.identity.audit import RequestOrigin
from backend.identity.models import Role, SecondFactor, User
from backend.identity.service import AuthConfig, Session
from backend.settings import Settings

CHALLENGE_TTL = timedelta(minutes=2)
REGISTER = "register"
SIGN_IN = "sign_in"
MAX_CREDENTIAL_LENGTH = 16_384
MAX_PASSKEYS = 10
MAX_NAME_LENGTH = 64
RP_NAME = "Citizen Hub Huế"


class PasskeyRefused(Unauthenticated):
    """A passkey ceremony refused; `extensions.reason` says why. The challenge stays spent."""

    keep_changes = True

    def __init__(self, reason: str) -> None:
        super().__init__(f"cards.passkey.{reason}", reason=reason)
        self.reason = reason

    def extensions(self) -> dict[str, Any]:
        return {**super().extensions(), "reason": self.reason}


@dataclass(frozen=True, slots=True)
class RelyingParty:
    rp_id: str
    origin: str

    @classmethod
    def from_settings(cls, settings: Settings) -> RelyingParty:
        issuer = urlsplit(settings.jwt_issuer)
        return cls(
            rp_id=settings.passkey_rp_id or str(issuer.hostname),
            origin=(settings.passkey_origin or f"{issuer.scheme}://{issuer.netloc}").rstrip("/"),
        )


@dataclass(frozen=True, slots=True)
class Options:
    """`publicKey` options for the browser (JSON), and when their challenge expires."""

    json: str
    expires_at: datetime


async def registration_options(
    uow: UnitOfWork,
    rp: RelyingParty,
    *,
    user: User,
    second_factor: SecondFactor | None,
    now: datetime,
) -> Options:
    """Options for `navigator.credentials.create()`: civil servants, in a session opened with
    their card or another passkey (a password alone must not enrol a key of its own)."""
    session = uow.session
    await identity.require_session_role(session, user.id, Role.CIVIL_SERVANT, second_factor)
    existing = await repository.passkeys_of(session, user.id)
    if len(existing) >= MAX_PASSKEYS:
        raise Conflict("cards.passkey.too_many", max=MAX_PASSKEYS)
    challenge = await _new_challenge(session, user.id, REGISTER, now)
    options = generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=RP_NAME,
        user_id=user.id.bytes,
        user_name=user.phone or user.email or str(user.id),
        user_display_name=user.display_name,
        challenge=challenge,
        timeout=int(CHALLENGE_TTL.total_seconds() * 1000),
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[_descriptor(p.credential_id, p.transports) for p in existing],
    )
    return Options(options_to_json(options), now + CHALLENGE_TTL)


async def register(
    uow: UnitOfWork,
    rp: RelyingParty,
    *,
    user: User,
    second_factor: SecondFactor | None,
    name: str | None,
    credential: str,
    now: datetime,
) -> repository.Passkey:
    """Verify the browser's answer to `registration_options` and keep the credential under
    the name its holder gave it."""
    session = uow.session
    await identity.require_session_role(session, user.id, Role.CIVIL_SERVANT, second_factor)
    name = _checked_name(name, len(await repository.passkeys_of(session, user.id)))
    parsed = _parse(credential)
    challenge = await _spend_challenge(session, parsed, REGISTER, now, user_id=user.id)
    _check_origin_and_rp(parsed, rp, registering=True)
    try:
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
        )
    except WebAuthnException as exc:
        raise PasskeyRefused("malformed") from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    if await repository.passkey_by_credential(session, credential_id) is not None:
        raise PasskeyRefused("credential_known")
    transports = parsed.get("response", {}).get("transports") or []
    passkey = repository.Passkey(
        id=uuid.uuid4(),
        user_id=user.id,
        name=name,
        credential_id=credential_id,
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count,
        transports=[str(t) for t in transports if str(t) in _TRANSPORTS][:8],
        backup_eligible=verified.credential_device_type is CredentialDeviceType.MULTI_DEVICE,
        backup_state=verified.credential_backed_up,
        created_at=now,
    )
    await repository.add(session, passkey)
    return passkey


async def sign_in_options(
    uow: UnitOfWork,
    auth: AuthConfig,
    rp: RelyingParty,
    *,
    identifier: str,
    password: str,
    origin: RequestOrigin,
    now: datetime,
) -> Options:
    """The first factor (the password, under the usual brute-force protection), then options
    for `navigator.credentials.get()` naming the account's passkeys."""
    user = await identity.authenticate(
        uow, auth, identifier=identifier, password=password, origin=origin, now=now
    )
    session = uow.session
    passkeys = await repository.passkeys_of(session, user.id)
    if not passkeys:
        raise Conflict("cards.passkey.none_registered")
    challenge = await _new_challenge(session, user.id, SIGN_IN, now)
    options = generate_authentication_options(
        rp_id=rp.rp_id,
        challenge=challenge,
        timeout=int(CHALLENGE_TTL.total_seconds() * 1000),
        allow_credentials=[_descriptor(p.credential_id, p.transports) for p in passkeys],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return Options(options_to_json(options), now + CHALLENGE_TTL)


async def sign_in(
    uow: UnitOfWork, auth: AuthConfig, rp: RelyingParty, *, credential: str, now: datetime
) -> Session:
    """Verify the passkey assertion over a sign-in challenge and open the session, tied to the
    passkey (removing the passkey ends it)."""
    session = uow.session
    parsed = _parse(credential)
    user_id, challenge = await _spend_sign_in_challenge(session, parsed, now)
    credential_id = str(parsed.get("id") or "")
    passkey = await repository.passkey_by_credential(session, credential_id)
    if passkey is None or passkey.user_id != user_id:
        raise PasskeyRefused("credential_unknown")
    _check_origin_and_rp(parsed, rp, registering=False)
    # The library refuses a count that does not grow; a synced passkey's count is not
    # trusted, so it is checked against zero (always passes) and only stored.
    current = 0 if passkey.backup_eligible else passkey.sign_count
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
            credential_public_key=base64url_to_bytes(passkey.public_key),
            credential_current_sign_count=current,
        )
    except InvalidAuthenticationResponse as exc:
        text = str(exc).lower()
        if "sign count" in text:
            raise PasskeyRefused("counter_regressed") from exc
        if "signature" in text:
            raise PasskeyRefused("signature_invalid") from exc
        raise PasskeyRefused("malformed") from exc
    except WebAuthnException as exc:
        raise PasskeyRefused("malformed") from exc
    backup_eligible = verified.credential_device_type is CredentialDeviceType.MULTI_DEVICE
    if backup_eligible != passkey.backup_eligible:
        raise PasskeyRefused("malformed")  # the flag is fixed for a credential's life
    passkey.sign_count = max(passkey.sign_count, verified.new_sign_count)
    passkey.backup_state = verified.credential_backed_up
    passkey.last_used_at = now
    holder = await identity.active_user_by_id(session, user_id)
    if holder is None:
        raise PasskeyRefused("credential_unknown")
    opened = await identity.open_session(
        session, auth, holder, now, second_factor=SecondFactor.PASSKEY
    )
    await repository.add(
        session, repository.PasskeySession(passkey_id=passkey.id, family_id=opened.family_id)
    )
    return opened


# --- helpers -------------------------------------------------------------------------------

_TRANSPORTS = {t.value for t in AuthenticatorTransport}


def _descriptor(credential_id: str, transports: list[str]) -> PublicKeyCredentialDescriptor:
    return PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(credential_id),
        transports=[AuthenticatorTransport(t) for t in transports if t in _TRANSPORTS],
    )


def _checked_name(name: str | None, count: int) -> str:
    """The holder's name for a passkey on one line, or "Passkey N" when none was given."""
    found = " ".join(check_name(name or "", field="input.name").split())
    if len(found) > MAX_NAME_LENGTH:
        raise BadUserInput("input.too_long", field="input.name", max=MAX_NAME_LENGTH)
    return found or f"Passkey {count + 1}"


async def _new_challenge(
    session: AsyncSession, user_id: uuid.UUID, purpose: str, now: datetime
) -> bytes:
    raw = secrets.token_bytes(32)
    await repository.add(
        session,
        repository.PasskeyChallenge(
            id=uuid.uuid4(),
            challenge=bytes_to_base64url(raw),
            purpose=purpose,
            user_id=user_id,
            expires_at=now + CHALLENGE_TTL,
        ),
    )
    return raw


def _parse(credential: str) -> dict[str, Any]:
    if len(credential) > MAX_CREDENTIAL_LENGTH:
        raise BadUserInput("input.too_long", field="input.credential", max=MAX_CREDENTIAL_LENGTH)
    try:
        parsed = json.loads(credential)
    except ValueError as exc:
        raise BadUserInput("cards.passkey.credential_invalid", field="input.credential") from exc
    if not isinstance(parsed, dict) or not isinstance(parsed.get("response"), dict):
        raise BadUserInput("cards.passkey.credential_invalid", field="input.credential")
    return parsed


def _client_data(parsed: dict[str, Any]) -> dict[str, Any]:
    try:
        found = json.loads(base64url_to_bytes(str(parsed["response"]["clientDataJSON"])))
    except (KeyError, ValueError, TypeError) as exc:
        raise PasskeyRefused("malformed") from exc
    if not isinstance(found, dict):
        raise PasskeyRefused("malformed")
    return found


async def _spend_challenge(
    session: AsyncSession,
    parsed: dict[str, Any],
    purpose: str,
    now: datetime,
    *,
    user_id: uuid.UUID | None,
) -> bytes:
    """The challenge the browser signed, if we issued it for this ceremony (and account), it is
    live and unused; it is spent now, whatever follows."""
    value = str(_client_data(parsed).get("challenge", ""))[:64]
    row = await repository.challenge(session, value)
    if row is None or row.purpose != purpose or (user_id and row.user_id != user_id):
        raise PasskeyRefused("challenge_invalid")
    if row.used_at is not None:
        raise PasskeyRefused("replayed")
    if row.expires_at <= now:
        raise PasskeyRefused("challenge_invalid")
    row.used_at = now
    await session.flush()
    return base64url_to_bytes(value)


async def _spend_sign_in_challenge(
    session: AsyncSession, parsed: dict[str, Any], now: datetime
) -> tuple[uuid.UUID, bytes]:
    value = str(_client_data(parsed).get("challenge", ""))[:64]
    raw = await _spend_challenge(session, parsed, SIGN_IN, now, user_id=None)
    row = await repository.challenge(session, value)
    assert row is not None
    return row.user_id, raw


def _check_origin_and_rp(parsed: dict[str, Any], rp: RelyingParty, *, registering: bool) -> None:
    """Origin and RP id with reasons of their own (the library says only 'invalid')."""
    if _client_data(parsed).get("origin") != rp.origin:
        raise PasskeyRefused("origin_mismatch")
    try:
        response = parsed["response"]
        if registering:
            auth_data = parse_attestation_object(
                base64url_to_bytes(str(response["attestationObject"]))
            ).auth_data
        else:
            auth_data = parse_authenticator_data(
                base64url_to_bytes(str(response["authenticatorData"]))
            )
    except (KeyError, ValueError, TypeError, WebAuthnException) as exc:
        raise PasskeyRefused("malformed") from exc
    if auth_data.rp_id_hash != hashlib.sha256(rp.rp_id.encode()).digest():
        raise PasskeyRefused("rp_id_mismatch")
