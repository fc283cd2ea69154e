"""Passkey mutations: a civil servant registers a passkey (in a session opened with the card
or another passkey), signs in on the web with a password and the passkey, removes one."""

from __future__ import annotations

import strawberry
from strawberry import relay

from backend.cards import passkeys
from backend.cards.passkey_removal import remove_passkey
from backend.cards.passkey_repository import PasskeyRow
from backend.cards.passkeys import RelyingParty
from backend.graphql_api.cards.types import (
    PasskeyInfo,
    PasskeyNode,
    PasskeyOptions,
    PasskeySignInPayload,
    RemovePasskeyPayload,
)
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id


def relying_party(info: Info) -> RelyingParty:
    return RelyingParty.from_settings(info.context.services.settings)


@strawberry.input
class PasskeyCredentialInput:
    credential: str = strawberry.field(
        description="The PublicKeyCredential the browser returned, as JSON (its toJSON())."
    )


@strawberry.input
class RegisterPasskeyInput:
    credential: str = strawberry.field(
        description="The PublicKeyCredential the browser returned, as JSON (its toJSON())."
    )
    name: str | None = strawberry.field(
        default=None,
        description='Your name for it (at most 64 characters), e.g. "Office laptop"; '
        '"Passkey N" when left out.',
    )


@strawberry.input
class RemovePasskeyInput:
    passkey_id: relay.GlobalID


@strawberry.input
class StartPasskeySignInInput:
    identifier: str
    password: str


@strawberry.type
class PasskeyMutation:
    @strawberry.mutation(
        description="Civil servants, signed in with the card or a passkey: options to create a "
        "passkey (SECOND_FACTOR_REQUIRED after a password alone)."
    )
    async def passkey_registration_options(self, info: Info) -> PasskeyOptions | None:
        context = info.context
        viewer = await context.require_viewer()
        async with context.unit_of_work() as uow:
            options = await passkeys.registration_options(
                uow,
                relying_party(info),
                user=viewer,
                second_factor=await context.second_factor(),
                now=context.now(),
            )
        return PasskeyOptions(options_json=options.json, expires_at=options.expires_at)

    @strawberry.mutation(
        description="Civil servants, signed in with the card or a passkey: keep the passkey "
        "the browser created, under a name of yours."
    )
    async def register_passkey(self, info: Info, input: RegisterPasskeyInput) -> PasskeyInfo | None:
        context = info.context
        viewer = await context.require_viewer()
        async with context.unit_of_work() as uow:
            found = await passkeys.register(
                uow,
                relying_party(info),
                user=viewer,
                second_factor=await context.second_factor(),
                name=input.name,
                credential=input.credential,
                now=context.now(),
            )
        return PasskeyInfo(
            passkey=PasskeyNode.from_row(PasskeyRow.of(found)),
            credential_id=found.credential_id,
            transports=list(found.transports),
            backup_eligible=found.backup_eligible,
            backup_state=found.backup_state,
            created_at=found.created_at,
        )

    @strawberry.mutation(
        description="Web consoles: check the password (first factor) and get options to "
        "assert one of the account's passkeys (second factor)."
    )
    async def start_passkey_sign_in(
        self, info: Info, input: StartPasskeySignInInput
    ) -> PasskeyOptions | None:
        context = info.context
        context.spend_password_check()
        async with context.unit_of_work() as uow:
            options = await passkeys.sign_in_options(
                uow,
                context.auth,
                relying_party(info),
                identifier=input.identifier,
                password=input.password,
                origin=context.origin(),
                now=context.now(),
            )
        return PasskeyOptions(options_json=options.json, expires_at=options.expires_at)

    @strawberry.mutation(description="Web consoles: finish signing in with the passkey.")
    async def finish_passkey_sign_in(
        self, info: Info, input: PasskeyCredentialInput
    ) -> PasskeySignInPayload | None:
        context = info.context
        async with context.unit_of_work() as uow:
            opened = await passkeys.sign_in(
                uow,
                context.auth,
                relying_party(info),
                credential=input.credential,
                now=context.now(),
            )
        return PasskeySignInPayload(
            access_token=opened.access_token,
            access_token_expires_at=opened.access_token_expires_at,
            refresh_token=opened.refresh_token,
        )

    @strawberry.mutation(
        description="Remove one of your passkeys; the sessions it opened end. A civil servant "
        "needs a session opened with the card or a passkey, and keeps at least one passkey "
        "unless a valid civil-servant card can sign in instead (CONFLICT)."
    )
    async def remove_passkey(
        self, info: Info, input: RemovePasskeyInput
    ) -> RemovePasskeyPayload | None:
        context = info.context
        viewer = await context.require_viewer()
        passkey_id = decode_id(input.passkey_id, "Passkey", field="input.passkeyId")
        async with context.unit_of_work() as uow:
            removed = await remove_passkey(
                uow,
                user_id=viewer.id,
                second_factor=await context.second_factor(),
                passkey_id=passkey_id,
                now=context.now(),
            )
        return RemovePasskeyPayload(
            removed_passkey_id=strawberry.ID(str(input.passkey_id)),
            ended_sessions=removed.ended_sessions,
        )
