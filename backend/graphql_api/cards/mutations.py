"""Mutations of the cards domain: each parses input and runs one use case in a unit of work."""

from __future__ import annotations

import json
from datetime import date
from enum import Enum

import strawberry
from strawberry import relay

from backend.cards import desktop, issuing, presentations, staff, status
from backend.cards.issuing import Issuer, kind_of_path
from backend.cards.models import CardKind, CardStatus
from backend.errors import BadUserInput
from backend.graphql_api.cards.types import (
    CardDeviceKey,
    CardKindValue,
    CardNode,
    CardNonce,
    CardRow,
    CardSignInPayload,
    DesktopCardSignIn,
    DesktopCardSignInResult,
    DisclosedClaim,
    PresentationVerification,
    StaffListImport,
)
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id

MAX_JWK_LENGTH = 1000


def issuer_of(info: Info) -> Issuer:
    return Issuer.from_settings(info.context.services.settings)


@strawberry.enum
class CardNoncePurpose(Enum):
    SIGN_IN = "sign_in"
    PRESENTATION = "present"


@strawberry.enum
class CardStatusChange(Enum):
    SUSPEND = "suspend"
    REVOKE = "revoke"
    REINSTATE = "reinstate"


CHANGES = {
    CardStatusChange.SUSPEND: CardStatus.SUSPENDED,
    CardStatusChange.REVOKE: CardStatus.INVALID,
    CardStatusChange.REINSTATE: CardStatus.VALID,
}


@strawberry.input
class RegisterCardDeviceKeyInput:
    public_jwk: str = strawberry.field(description="The device's public key as a JWK (JSON).")


@strawberry.input
class ImportCardStaffListInput:
    agency_id: relay.GlobalID
    csv: str = strawberry.field(
        description="UTF-8 CSV with the header phone,full_name,employing_unit,position,"
        "card_number; replaces the list only if every line is valid."
    )


@strawberry.input
class IssueCivilServantCardInput:
    agency_id: relay.GlobalID
    phone: str
    photo_ref: str
    valid_from: date
    valid_to: date


@strawberry.input
class IssueCitizenCardInput:
    phone: str
    full_name: str
    birth_date: date
    personal_id: str
    address: str
    photo_ref: str


@strawberry.input
class RequestBusinessCardInput:
    business_id: relay.GlobalID


@strawberry.input
class ChangeCardStatusInput:
    card_id: relay.GlobalID
    change: CardStatusChange


@strawberry.input
class RequestCardNonceInput:
    purpose: CardNoncePurpose


@strawberry.input
class CollectDesktopCardSignInInput:
    challenge: str
    poll_secret: str


@strawberry.input
class PresentationInput:
    presentation: str = strawberry.field(description="SD-JWT with a key-binding JWT (QR text).")


def _jwk(text: str) -> dict[str, object]:
    if len(text) > MAX_JWK_LENGTH:
        raise BadUserInput("input.too_long", field="input.publicJwk", max=MAX_JWK_LENGTH)
    try:
        found = json.loads(text)
    except ValueError as exc:
        raise BadUserInput("cards.device_key_invalid", field="input.publicJwk") from exc
    if not isinstance(found, dict):
        raise BadUserInput("cards.device_key_invalid", field="input.publicJwk")
    return found


@strawberry.type
class CardsMutation:
    @strawberry.mutation(description="Register this installation's public key for cards.")
    async def register_card_device_key(
        self, info: Info, input: RegisterCardDeviceKeyInput
    ) -> CardDeviceKey | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            row = await issuing.register_device_key(
                uow, user_id=viewer.id, jwk=_jwk(input.public_jwk), now=info.context.now()
            )
        return CardDeviceKey(thumbprint=row.thumbprint, created_at=row.created_at)

    @strawberry.mutation(description="Agency administrators: replace the agency's staff list.")
    async def import_card_staff_list(
        self, info: Info, input: ImportCardStaffListInput
    ) -> StaffListImport | None:
        viewer = await info.context.require_viewer()
        agency_id = decode_id(input.agency_id, "CardAgency", field="input.agencyId")
        async with info.context.unit_of_work() as uow:
            count = await staff.import_staff_list(
                uow,
                admin_id=viewer.id,
                agency_id=agency_id,
                csv_text=input.csv,
                now=info.context.now(),
            )
        return StaffListImport(agency_id=strawberry.ID(str(input.agency_id)), staff_count=count)

    @strawberry.mutation(
        description="Agency administrators: issue a civil-servant card to someone on the "
        "agency's staff list (bound to their newest device key)."
    )
    async def issue_civil_servant_card(
        self, info: Info, input: IssueCivilServantCardInput
    ) -> CardNode | None:
        viewer = await info.context.require_viewer()
        agency_id = decode_id(input.agency_id, "CardAgency", field="input.agencyId")
        async with info.context.unit_of_work() as uow:
            card = await issuing.issue_civil_servant_card(
                uow,
                issuer_of(info),
                admin_id=viewer.id,
                agency_id=agency_id,
                phone=input.phone,
                photo_ref=input.photo_ref,
                valid_from=input.valid_from,
                valid_to=input.valid_to,
                now=info.context.now(),
            )
        return CardNode.from_row(CardRow.of(card))

    @strawberry.mutation(
        description="Operators: issue a pilot citizen card to a resident whose identity "
        "documents you checked."
    )
    async def issue_citizen_card(self, info: Info, input: IssueCitizenCardInput) -> CardNode | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            card = await issuing.issue_citizen_card(
                uow,
                issuer_of(info),
                operator_id=viewer.id,
                phone=input.phone,
                full_name=input.full_name,
                birth_date=input.birth_date,
                personal_id=input.personal_id,
                address=input.address,
                photo_ref=input.photo_ref,
                now=info.context.now(),
            )
        return CardNode.from_row(CardRow.of(card))

    @strawberry.mutation(description="Verified representatives: take the business's pilot card.")
    async def request_business_card(
        self, info: Info, input: RequestBusinessCardInput
    ) -> CardNode | None:
        viewer = await info.context.require_viewer()
        business_id = decode_id(input.business_id, "Business", field="input.businessId")
        async with info.context.unit_of_work() as uow:
            card = await issuing.issue_business_card(
                uow,
                issuer_of(info),
                user_id=viewer.id,
                business_id=business_id,
                now=info.context.now(),
            )
        return CardNode.from_row(CardRow.of(card))

    @strawberry.mutation(
        description="Issuers: suspend (block), revoke (withdraw, final) or reinstate a card; "
        "the status list changes at once and the holder is told."
    )
    async def change_card_status(self, info: Info, input: ChangeCardStatusInput) -> CardNode | None:
        viewer = await info.context.require_viewer()
        card_id = decode_id(input.card_id, "Card", field="input.cardId")
        async with info.context.unit_of_work() as uow:
            card = await status.change_status(
                uow,
                actor_id=viewer.id,
                card_id=card_id,
                to=CHANGES[input.change],
                now=info.context.now(),
            )
        return CardNode.from_row(CardRow.of(card))

    @strawberry.mutation(
        description="A fresh nonce (single use, two minutes) for signing in with a card or for "
        "a holder to present a card to this verifier."
    )
    async def request_card_nonce(self, info: Info, input: RequestCardNonceInput) -> CardNonce:
        async with info.context.unit_of_work() as uow:
            issued = await presentations.new_nonce(
                uow,
                issuer_of(info),
                purpose=input.purpose.value,
                origin=info.context.origin(),
                limits=presentations.NonceLimits.from_settings(info.context.services.settings),
                now=info.context.now(),
            )
        return CardNonce(nonce=issued.value, audience=issued.audience, expires_at=issued.expires_at)

    @strawberry.mutation(
        description="Civil servants: sign in by presenting the card over a SIGN_IN nonce."
    )
    async def sign_in_with_card(
        self, info: Info, input: PresentationInput
    ) -> CardSignInPayload | None:
        context = info.context
        async with context.unit_of_work() as uow:
            opened, card = await presentations.sign_in_with_card(
                uow,
                context.auth,
                issuer_of(info),
                presentation=input.presentation,
                now=context.now(),
            )
        return CardSignInPayload(
            access_token=opened.access_token,
            access_token_expires_at=opened.access_token_expires_at,
            refresh_token=opened.refresh_token,
            card=CardNode.from_row(CardRow.of(card)),
        )

    @strawberry.mutation(
        description="Verifier apps online: check a presentation (over a PRESENTATION nonce or "
        "a time-based one) against the issuer's keys and current status lists."
    )
    async def verify_presentation(
        self, info: Info, input: PresentationInput
    ) -> PresentationVerification:
        issuer = issuer_of(info)
        async with info.context.unit_of_work() as uow:
            outcome = await presentations.check_presentation(
                uow, issuer, presentation=input.presentation, now=info.context.now()
            )
        kind: CardKind | None = None
        if outcome.vct:
            kind = kind_of_path(outcome.vct.rsplit("/", 1)[-1])
        return PresentationVerification(
            valid=outcome.valid,
            reason=outcome.reason,
            kind=CardKindValue(kind.value) if kind else None,
            claims=[
                DisclosedClaim(name=name, value=json.dumps(value, ensure_ascii=False))
                for name, value in sorted(outcome.disclosed.items())
            ],
        )

    @strawberry.mutation(
        description="Desktop consoles: start a QR sign-in (a one-time challenge, one minute)."
    )
    async def start_desktop_card_sign_in(self, info: Info) -> DesktopCardSignIn:
        async with info.context.unit_of_work() as uow:
            started = await desktop.start(uow, now=info.context.now())
        return DesktopCardSignIn(
            challenge=started.challenge,
            poll_secret=started.poll_secret,
            qr_text=started.qr_text,
            expires_at=started.expires_at,
        )

    @strawberry.mutation(
        description="The civil servant's app: approve a desktop's challenge by presenting the "
        "card with the challenge as nonce (audience `<issuer>/desktop-sign-in`)."
    )
    async def approve_desktop_card_sign_in(
        self, info: Info, input: PresentationInput
    ) -> bool | None:
        async with info.context.unit_of_work() as uow:
            await desktop.approve(
                uow, issuer_of(info), presentation=input.presentation, now=info.context.now()
            )
        return True

    @strawberry.mutation(
        description="Desktop consoles: poll a QR sign-in; tokens come once (or subscribe to "
        "`desktopCardSignIn`)."
    )
    async def collect_desktop_card_sign_in(
        self, info: Info, input: CollectDesktopCardSignInInput
    ) -> DesktopCardSignInResult | None:
        context = info.context
        async with context.unit_of_work() as uow:
            collected = await desktop.collect(
                uow,
                context.auth,
                challenge=input.challenge,
                poll_secret=input.poll_secret,
                now=context.now(),
            )
        return DesktopCardSignInResult.of(collected)
