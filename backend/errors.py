"""Expected failures, each with a machine-readable code the app can act on."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL = "INTERNAL"
    # Phone verification: the account has not proved its number; a code is wrong; a
    # verification is over (expired, used, out of attempts, or unknown): start again.
    PHONE_NOT_VERIFIED = "PHONE_NOT_VERIFIED"
    # The account holds a role (civil servant) this session does not carry: it was opened with
    # a password alone; sign in again with the card or with the password and a passkey.
    SECOND_FACTOR_REQUIRED = "SECOND_FACTOR_REQUIRED"
    VERIFICATION_CODE_INVALID = "VERIFICATION_CODE_INVALID"
    VERIFICATION_EXPIRED = "VERIFICATION_EXPIRED"
    # The database or the broker cannot be reached: the same request may succeed shortly.
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    # The HTTP request is malformed before any GraphQL runs: a bug in the client.
    BAD_REQUEST = "BAD_REQUEST"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    # Raised by the GraphQL layer before anything runs.
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    OPERATION_NOT_ALLOWED = "OPERATION_NOT_ALLOWED"


class DomainError(Exception):
    """A refusal the user can understand; `message_key` names a text in `backend.i18n`.

    `keep_changes` marks refusals that must still commit what the service recorded before
    refusing (a failed-login counter, a revoked token family): the unit of work commits, then
    re-raises.
    """

    code: ErrorCode = ErrorCode.INTERNAL
    keep_changes = False

    def __init__(
        self,
        message_key: str,
        *,
        field: str | None = None,
        keep_changes: bool | None = None,
        **params: Any,
    ) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.field = field
        self.params = params
        if keep_changes is not None:
            self.keep_changes = keep_changes

    def extensions(self) -> dict[str, Any]:
        extensions: dict[str, Any] = {"code": self.code.value}
        if self.field:
            extensions["field"] = self.field
        return extensions


class Unauthenticated(DomainError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class BadUserInput(DomainError):
    code = ErrorCode.BAD_USER_INPUT


class Conflict(DomainError):
    code = ErrorCode.CONFLICT


class PhoneNotVerified(DomainError):
    code = ErrorCode.PHONE_NOT_VERIFIED


class SecondFactorRequired(DomainError):
    code = ErrorCode.SECOND_FACTOR_REQUIRED

    def extensions(self) -> dict[str, Any]:
        return {**super().extensions(), "methods": ["CARD", "PASSKEY"]}


class VerificationExpired(DomainError):
    code = ErrorCode.VERIFICATION_EXPIRED


class VerificationCodeInvalid(DomainError):
    """A wrong code; it counts against the verification, so the change is kept."""

    code = ErrorCode.VERIFICATION_CODE_INVALID
    keep_changes = True

    def __init__(self, message_key: str, *, attempts_left: int, **params: Any) -> None:
        super().__init__(message_key, attempts_left=attempts_left, **params)
        self.attempts_left = attempts_left

    def extensions(self) -> dict[str, Any]:
        return {**super().extensions(), "attemptsLeft": self.attempts_left}


class RateLimited(DomainError):
    code = ErrorCode.RATE_LIMITED

    def __init__(self, message_key: str, *, retry_after_seconds: int, **params: Any) -> None:
        super().__init__(message_key, retry_after_seconds=retry_after_seconds, **params)
        self.retry_after_seconds = retry_after_seconds

    def extensions(self) -> dict[str, Any]:
        return {**super().extensions(), "retryAfterSeconds": self.retry_after_seconds}
