"""Mutations of the identity domain: each parses input, runs one use case in a unit of work.

Mutation results are nullable, so one failed field in a document never hides its siblings.
SMS leave only after the commit: no code is sent for a verification that was not stored.
"""

from __future__ import annotations

import uuid

import strawberry

from backend.errors import VerificationExpired
from backend.graphql_api.context import Info
from backend.graphql_api.identity.types import (
    AuthPayload,
    ChangePhoneInput,
    LoginInput,
    LogoutInput,
    PhoneVerification,
    RefreshTokenInput,
    RegisterInput,
    ResendVerificationCodeInput,
    UserRef,
    VerifyPhoneInput,
    user_node,
)
from backend.identity import service, verification
from backend.identity.verification import Registration, Started


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(
        description="Start a resident account: a 6-digit code goes by SMS to the phone; the "
        "account exists once `verifyPhone` gets it. The answer is the same for a number that "
        "already has an account (its owner is told by SMS instead)."
    )
    async def register(self, info: Info, input: RegisterInput) -> PhoneVerification | None:
        context = info.context
        context.spend_password_check()
        registration = Registration(
            phone=input.phone,
            email=input.email,
            password=input.password,
            display_name=input.display_name,
            locale=input.locale,
        )
        async with context.unit_of_work() as uow:
            started = await verification.register(
                uow,
                context.services.verification,
                registration=registration,
                origin=context.origin(),
                now=context.now(),
            )
        return await _texted(info, started)

    @strawberry.mutation(description="Complete a registration with the SMS code; signs in.")
    async def verify_phone(self, info: Info, input: VerifyPhoneInput) -> AuthPayload | None:
        context = info.context
        async with context.unit_of_work() as uow:
            session = await verification.verify_registration(
                uow,
                context.auth,
                context.services.verification,
                verification_id=_verification_id(input.verification_id),
                code=input.code,
                now=context.now(),
            )
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="Send a new code (the previous one stops working).")
    async def resend_verification_code(
        self, info: Info, input: ResendVerificationCodeInput
    ) -> PhoneVerification | None:
        context = info.context
        async with context.unit_of_work() as uow:
            started = await verification.resend(
                uow,
                context.services.verification,
                verification_id=_verification_id(input.verification_id),
                origin=context.origin(),
                now=context.now(),
            )
        return await _texted(info, started)

    @strawberry.mutation(
        description="Signed in: send a code to a new phone number, or to your own number to "
        "prove it; `confirmPhoneChange` completes it."
    )
    async def change_phone(self, info: Info, input: ChangePhoneInput) -> PhoneVerification | None:
        context = info.context
        viewer = await context.require_viewer()
        async with context.unit_of_work() as uow:
            started = await verification.start_phone_change(
                uow,
                context.services.verification,
                user_id=viewer.id,
                phone=input.phone,
                origin=context.origin(),
                now=context.now(),
            )
        return await _texted(info, started)

    @strawberry.mutation(description="Signed in: the account takes the number the code proves.")
    async def confirm_phone_change(self, info: Info, input: VerifyPhoneInput) -> UserRef | None:
        context = info.context
        viewer = await context.require_viewer()
        async with context.unit_of_work() as uow:
            user = await verification.confirm_phone_change(
                uow,
                context.services.verification,
                user_id=viewer.id,
                verification_id=_verification_id(input.verification_id),
                code=input.code,
                origin=context.origin(),
                now=context.now(),
            )
        return user_node(user)

    @strawberry.mutation(description="Sign in with a phone number or email and a password.")
    async def login(self, info: Info, input: LoginInput) -> AuthPayload | None:
        context = info.context
        context.spend_password_check()
        async with context.unit_of_work() as uow:
            session = await service.login(
                uow,
                context.auth,
                identifier=input.identifier,
                password=input.password,
                origin=context.origin(),
                now=context.now(),
            )
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="Exchange a refresh token for a new pair; the old one dies.")
    async def refresh_token(self, info: Info, input: RefreshTokenInput) -> AuthPayload | None:
        context = info.context
        async with context.unit_of_work() as uow:
            session = await service.refresh(
                uow,
                context.auth,
                refresh_token=input.refresh_token,
                origin=context.origin(),
                now=context.now(),
            )
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="End the session of this refresh token, on this device.")
    async def logout(self, info: Info, input: LogoutInput) -> bool | None:
        context = info.context
        async with context.unit_of_work() as uow:
            await service.logout(
                uow, refresh_token=input.refresh_token, origin=context.origin(), now=context.now()
            )
        return True


async def _texted(info: Info, started: Started) -> PhoneVerification:
    await info.context.services.sms.send(started.sms)
    return PhoneVerification.from_started(started)


def _verification_id(value: strawberry.ID) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise VerificationExpired("verification.expired", field="verificationId") from None
