"""Assertions on GraphQL answers, the sign-in documents and the demo's credentials."""

from __future__ import annotations

from typing import Any

from backend.seed.hue import DEMO_PASSWORD

RESIDENT_PHONE = "0905000001"
ADMIN_PHONE = "0905000007"

LOGIN = """
mutation Login($identifier: String!, $password: String!) {
  login(input: {identifier: $identifier, password: $password}) {
    accessToken refreshToken accessTokenExpiresAt
    user { id displayName phone email roles { role scopeId } }
  }
}
"""

REFRESH = """
mutation Refresh($token: String!) {
  refreshToken(input: {refreshToken: $token}) { accessToken refreshToken user { phone } }
}
"""

VIEWER = "query { viewer { id displayName phone email locale roles { role } } }"


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors") or []]


def only_error(body: dict[str, Any]) -> dict[str, Any]:
    errors = body.get("errors") or []
    assert len(errors) == 1, body
    error: dict[str, Any] = errors[0]
    return error


def data(body: dict[str, Any]) -> dict[str, Any]:
    assert not body.get("errors"), body["errors"]
    result: dict[str, Any] = body["data"]
    return result


async def login(
    api: Any, identifier: str = RESIDENT_PHONE, password: str = DEMO_PASSWORD
) -> dict[str, Any]:
    payload: dict[str, Any] = data(
        await api(LOGIN, {"identifier": identifier, "password": password})
    )["login"]
    return payload


REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { verificationId phone expiresAt resendAvailableAt }
}
"""

VERIFY_PHONE = """
mutation VerifyPhone($id: ID!, $code: String!) {
  verifyPhone(input: {verificationId: $id, code: $code}) {
    accessToken refreshToken
    user { id displayName phone phoneVerified email locale roles { role scopeId } }
  }
}
"""

RESEND = """
mutation Resend($id: ID!) {
  resendVerificationCode(input: {verificationId: $id}) { verificationId expiresAt resendAvailableAt }
}
"""
