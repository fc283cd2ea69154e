"""GraphQL types of the cards domain, written by hand: a card's credential is shown to its
holder only, through `viewer { cards }` and the holder's own mutations."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Self

import strawberry

from backend.cards.desktop import Collected
from backend.cards.models import Card, CardKind, CardStatus
from backend.cards.passkey_repository import PasskeyRow
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import RowNode


@strawberry.enum(name="CardKind")
class CardKindValue(Enum):
    CIVIL_SERVANT = "civil_servant"
    CITIZEN = "citizen"
    BUSINESS = "business"


@strawberry.enum(name="CardStatus")
class CardStatusValue(Enum):
    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


STATUS_VALUES = {
    CardStatus.VALID: CardStatusValue.VALID,
    CardStatus.SUSPENDED: CardStatusValue.SUSPENDED,
    CardStatus.INVALID: CardStatusValue.REVOKED,
}


@dataclass(frozen=True, slots=True)
class CardRow:
    id: uuid.UUID
    kind: CardKind
    status: CardStatus
    card_number: str | None
    credential: str
    valid_from: date
    expires_at: datetime
    created_at: datetime

    @classmethod
    def of(cls, card: Card) -> CardRow:
        return cls(
            id=card.id,
            kind=card.kind,
            status=CardStatus(card.status),
            card_number=card.card_number,
            credential=card.credential,
            valid_from=card.valid_from,
            expires_at=card.expires_at,
            created_at=card.created_at,
        )


@strawberry.type(name="Card", description="A digital card (an SD-JWT VC bound to a device key).")
class CardNode(RowNode):
    row: strawberry.Private[CardRow]
    kind: CardKindValue
    status: CardStatusValue
    card_number: str | None
    valid_from: date
    expires_at: datetime
    issued_at: datetime
    credential: str = strawberry.field(
        description="The SD-JWT VC (issuer JWT and every disclosure); the app keeps it with its "
        "device key and builds presentations from it."
    )

    @classmethod
    def from_row(cls, row: CardRow) -> Self:
        return cls(
            row=row,
            kind=CardKindValue(row.kind.value),
            status=STATUS_VALUES[row.status],
            card_number=row.card_number,
            valid_from=row.valid_from,
            expires_at=row.expires_at,
            issued_at=row.created_at,
            credential=row.credential,
        )


@strawberry.type(description="A public key of this app installation that cards are bound to.")
class CardDeviceKey:
    thumbprint: str = strawberry.field(description="RFC 7638 thumbprint (base64url SHA-256).")
    created_at: datetime


@strawberry.type(description="Sign a key-binding JWT with this `nonce` and `audience` (`aud`).")
class CardNonce:
    nonce: str
    audience: str
    expires_at: datetime


@strawberry.type(description="A session opened by a civil-servant card.")
class CardSignInPayload:
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str
    card: CardNode


@strawberry.type(description="A claim the holder chose to disclose.")
class DisclosedClaim:
    name: str
    value: str = strawberry.field(description="The claim's value as JSON.")


@strawberry.type(
    description="The result of checking a presentation: `valid`, or a `reason` code "
    "(mobile_contract/errors.md lists them)."
)
class PresentationVerification:
    valid: bool
    reason: str | None
    kind: CardKindValue | None
    claims: list[DisclosedClaim]


@strawberry.type
class StaffListImport:
    agency_id: strawberry.ID
    staff_count: int


@strawberry.type(
    description="Show `qrText` as a QR for the civil servant's app; poll with `challenge` and "
    "`pollSecret` (keep it on this desktop) until SIGNED_IN or EXPIRED."
)
class DesktopCardSignIn:
    challenge: str
    poll_secret: str
    qr_text: str
    expires_at: datetime


@strawberry.enum(name="DesktopCardSignInState")
class DesktopStateValue(Enum):
    PENDING = "pending"
    SIGNED_IN = "signed_in"
    EXPIRED = "expired"


@strawberry.type(description="The tokens come once, with SIGNED_IN.")
class DesktopCardSignInResult:
    state: DesktopStateValue
    access_token: str | None = None
    access_token_expires_at: datetime | None = None
    refresh_token: str | None = None

    @classmethod
    def of(cls, collected: Collected) -> DesktopCardSignInResult:
        opened = collected.session
        state = DesktopStateValue(collected.state.value)
        if opened is None:
            return cls(state=state)
        return cls(
            state=state,
            access_token=opened.access_token,
            access_token_expires_at=opened.access_token_expires_at,
            refresh_token=opened.refresh_token,
        )


@strawberry.type(description="WebAuthn options for the browser, single use until `expiresAt`.")
class PasskeyOptions:
    options_json: str = strawberry.field(
        description="`publicKey` options (JSON, base64url binaries) for navigator.credentials."
    )
    expires_at: datetime


@strawberry.type(
    name="Passkey", description="A passkey of yours (a civil servant's second factor)."
)
class PasskeyNode(RowNode):
    row: strawberry.Private[PasskeyRow]
    name: str = strawberry.field(description="The name you gave it when you registered it.")
    transports: list[str]
    backup_eligible: bool = strawberry.field(description="A synced passkey (may be copied).")
    backup_state: bool = strawberry.field(description="Backed up when it was last used.")
    created_at: datetime
    last_used_at: datetime | None = strawberry.field(description="The last sign-in with it.")

    @classmethod
    def from_row(cls, row: PasskeyRow) -> Self:
        return cls(
            row=row,
            name=row.name,
            transports=list(row.transports),
            backup_eligible=row.backup_eligible,
            backup_state=row.backup_state,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
        )

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        # Reached through `viewer { passkeys }` only.
        return [None for _ in ids]


@strawberry.type(description="A passkey of the viewer (a civil servant's second factor).")
class PasskeyInfo:
    passkey: PasskeyNode = strawberry.field(
        description="The passkey as `viewer.passkeys` lists it."
    )
    credential_id: str
    transports: list[str]
    backup_eligible: bool = strawberry.field(description="A synced passkey (may be copied).")
    backup_state: bool
    created_at: datetime


@strawberry.type(description="A web session opened with a password and a passkey.")
class PasskeySignInPayload:
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str


@strawberry.type(description="The passkey is gone, and so are the sessions it opened.")
class RemovePasskeyPayload:
    removed_passkey_id: strawberry.ID
    ended_sessions: int = strawberry.field(
        description="Sessions opened with this passkey that ended (this one included, if so)."
    )
