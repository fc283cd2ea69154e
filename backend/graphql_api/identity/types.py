"""GraphQL types of the identity domain."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader

import backend.graphql_api.i18n  # noqa: F401 - registers Locale with strawberry
from backend.db.reads import RequestReads
from backend.graphql_api.context import Info
from backend.graphql_api.loaders import LoaderSet, by_keys
from backend.graphql_api.parts import role_scopes
from backend.i18n import Locale
from backend.identity import service
from backend.identity.models import Role, SecondFactor, User
from backend.identity.models import RoleAssignment as RoleAssignmentRow
from backend.identity.service import Session
from backend.identity.verification import Started

if TYPE_CHECKING:
    from backend.graphql_api.viewer import UserNode

strawberry.enum(Role, name="Role")
strawberry.enum(
    SecondFactor,
    name="SecondFactor",
    description="What proved a session beyond a password: the civil-servant card or a passkey.",
)

# `User` is composed from every domain's fields in backend/graphql_api/viewer.py, which imports
# this module through the domains' parts: the type is referred to lazily.
UserRef = Annotated["UserNode", strawberry.lazy("backend.graphql_api.viewer")]


def user_node(row: User) -> UserNode:
    from backend.graphql_api.viewer import UserNode

    return UserNode.from_row(row)


class IdentityLoaders(LoaderSet):
    def __init__(self, reads: RequestReads, now: Callable[[], datetime]) -> None:
        super().__init__(reads, now)
        self.roles_by_user_id: DataLoader[uuid.UUID, list[RoleAssignmentRow]] = by_keys(
            reads, service.roles_of, list
        )


@strawberry.type(description="A role the user holds, scoped to a facility, school or business.")
class RoleAssignment:
    role: Role
    scope_id: strawberry.ID | None = strawberry.field(
        deprecation_reason="Use `scope`, a reference to the object the role is scoped to."
    )
    row: strawberry.Private[RoleAssignmentRow]

    @strawberry.field(description="The facility, school or business this role is scoped to.")
    async def scope(self, info: Info) -> relay.Node | None:
        scoped = self.row.scope_id
        type_name = role_scopes().get(self.row.role.value)
        if scoped is None or type_name is None:
            return None
        return await relay.GlobalID(type_name, str(scoped)).resolve_node(info, required=False)


@strawberry.type
class AccountFields:
    """The identity domain's fields of the `User` type."""

    row: strawberry.Private[User]

    @strawberry.field
    def display_name(self) -> str:
        return self.row.display_name

    @strawberry.field(description="E.164, e.g. +84905123456.")
    def phone(self) -> str | None:
        return self.row.phone

    @strawberry.field(description="Whether the phone number was proved with an SMS code.")
    def phone_verified(self) -> bool:
        return self.row.phone_verified_at is not None

    @strawberry.field
    def email(self) -> str | None:
        return self.row.email

    @strawberry.field
    def locale(self) -> Locale:
        return self.row.locale

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    async def roles(self, info: Info) -> list[RoleAssignment]:
        assignments = await IdentityLoaders.of(info).roles_by_user_id.load(self.row.id)
        return [
            RoleAssignment(
                role=assignment.role,
                scope_id=strawberry.ID(str(assignment.scope_id)) if assignment.scope_id else None,
                row=assignment,
            )
            for assignment in assignments
        ]

    @strawberry.field(
        description="Whether you hold roles (civil servant) that this session does not carry "
        "because it was opened with a password alone: sign in with the card, or with the "
        "password and a passkey, to act in them. Operations that need them answer "
        "SECOND_FACTOR_REQUIRED meanwhile."
    )
    async def second_factor_required(self, info: Info) -> bool:
        held = await IdentityLoaders.of(info).roles_by_user_id.load(self.row.id)
        return service.needs_second_factor(held, await info.context.second_factor())


@strawberry.type(description="A signed-in session.")
class AuthPayload:
    access_token: str = strawberry.field(description="Bearer token (JWT), short-lived.")
    access_token_expires_at: datetime
    refresh_token: str = strawberry.field(
        description="Opaque; exchange it with refreshToken. Each one works once."
    )
    user: UserRef
    second_factor: SecondFactor | None = strawberry.field(
        default=None, description="What proved this session beyond a password, if anything."
    )

    @strawberry.field(
        description="Whether the account holds roles (civil servant) this session does not "
        "carry: it was opened with a password alone."
    )
    async def second_factor_required(self, info: Info) -> bool:
        held = await IdentityLoaders.of(info).roles_by_user_id.load(self.user.row.id)
        return service.needs_second_factor(held, self.second_factor)

    @classmethod
    def from_session(cls, session: Session) -> AuthPayload:
        return cls(
            access_token=session.access_token,
            access_token_expires_at=session.access_token_expires_at,
            refresh_token=session.refresh_token,
            user=user_node(session.user),
            second_factor=session.second_factor,
        )


@strawberry.type(
    description="A code is on its way by SMS: enter it with `verifyPhone` (registration) or "
    "`confirmPhoneChange` before `expiresAt`; ask for another with `resendVerificationCode` "
    "from `resendAvailableAt`."
)
class PhoneVerification:
    verification_id: strawberry.ID
    phone: str = strawberry.field(description="Where the SMS went, E.164.")
    expires_at: datetime
    resend_available_at: datetime

    @classmethod
    def from_started(cls, started: Started) -> PhoneVerification:
        return cls(
            verification_id=strawberry.ID(str(started.verification_id)),
            phone=started.phone,
            expires_at=started.expires_at,
            resend_available_at=started.resend_available_at,
        )


@strawberry.input
class RegisterInput:
    password: str = strawberry.field(description="At least 10 characters.")
    display_name: str
    phone: str | None = strawberry.field(
        default=None,
        description="Required: a Vietnamese mobile number (0905 123 456, +84905123456, …) "
        "that receives the verification code.",
    )
    email: str | None = None
    locale: Locale = Locale.VI


@strawberry.input
class LoginInput:
    identifier: str = strawberry.field(description="Phone number or email.")
    password: str


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.input
class LogoutInput:
    refresh_token: str


@strawberry.input
class VerifyPhoneInput:
    verification_id: strawberry.ID
    code: str = strawberry.field(description="The 6 digits of the SMS.")


@strawberry.input
class ResendVerificationCodeInput:
    verification_id: strawberry.ID


@strawberry.input
class ChangePhoneInput:
    phone: str = strawberry.field(
        description="The new number, or the account's own number to prove it."
    )
