"""Mutations of the identity domain: each parses input, runs one use case in a unit of work.

Mutation results are nullable, so one failed field in a document never hides its siblings.
"""

from __future__ import annotations

import strawberry

from backend.graphql_api.context import Info
from backend.graphql_api.identity.types import (
    AuthPayload,
    LoginInput,
    LogoutInput,
    RefreshTokenInput,
    RegisterInput,
    UserRef,
    user_node,
)
from backend.identity import service


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(description="Create a resident account; then sign in with `login`.")
    async def register(self, info: Info, input: RegisterInput) -> UserRef | None:
        info.context.spend_password_check()
        async with info.context.unit_of_work() as uow:
            user = await service.register(
                uow,
                phone=input.phone,
                email=input.email,
                password=input.password,
                display_name=input.display_name,
                locale=input.locale,
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
                client_address=context.client_address,
                now=context.now(),
            )
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="Exchange a refresh token for a new pair; the old one dies.")
    async def refresh_token(self, info: Info, input: RefreshTokenInput) -> AuthPayload | None:
        context = info.context
        async with context.unit_of_work() as uow:
            session = await service.refresh(
                uow, context.auth, refresh_token=input.refresh_token, now=context.now()
            )
        return AuthPayload.from_session(session)

    @strawberry.mutation(description="End the session of this refresh token, on this device.")
    async def logout(self, info: Info, input: LogoutInput) -> bool | None:
        context = info.context
        async with context.unit_of_work() as uow:
            await service.logout(uow, refresh_token=input.refresh_token, now=context.now())
        return True
