"""Passkey mutations: a civil servant registers a passkey, then signs in on the web with a
password and the passkey."""

from __future__ import annotations

import strawberry

from backend.cards import passkeys
from backend.cards.passkeys import RelyingParty
from backend.graphql_api.cards.types import PasskeyInfo, PasskeyOptions, PasskeySignInPayload
from backend.graphql_api.context import Info


def relying_party(info: Info) -> RelyingParty:
    return RelyingParty.from_settings(info.context.services.settings)


@strawberry.input
class PasskeyCredentialInput:
    credential: str = strawberry.field(
        description="The PublicKeyCredential the browser returned, as JSON (its toJSON())."
    )


@strawberry.input
class StartPasskeySignInInput:
    identifier: str
    password: str


@strawberry.type
class PasskeyMutation:
    @strawberry.mutation(description="Civil servants: options to create a passkey.")
    async def passkey_registration_options(self, info: Info) -> PasskeyOptions | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            options = await passkeys.registration_options(
                uow, relying_party(info), user=viewer, now=info.context.now()
            )
        return PasskeyOptions(options_json=options.json, expires_at=options.expires_at)

    @strawberry.mutation(description="Civil servants: keep the passkey the browser created.")
    async def register_passkey(
        self, info: Info, input: PasskeyCredentialInput
    ) -> PasskeyInfo | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            found = await passkeys.register(
                uow,
                relying_party(info),
                user=viewer,
                credential=input.credential,
                now=info.context.now(),
            )
        return PasskeyInfo(
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
