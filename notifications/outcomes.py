"""What became of one push, and how FCM's error codes map to it (one table for every sender)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from enum import StrEnum

log = logging.getLogger("notifications.gateways")


class Outcome(StrEnum):
    SENT = "sent"
    DEAD_TARGET = "dead_target"  # the token is gone: deactivate the device
    RETRY = "retry"  # FCM refused it for now (429/503, no connection): safe to send again later
    UNKNOWN = "unknown"  # a 500 or a read timeout: FCM may have delivered it
    FAILED = "failed"  # will not succeed by retrying


@dataclass(frozen=True, slots=True)
class PushResult:
    outcome: Outcome
    message_id: str | None = None
    error: str | None = None
    retry_after: float | None = None


_TOKEN_PROBLEM = re.compile(r"registration token|\btoken\b|installation", re.IGNORECASE)


def classify(code: str, message: str, retry_after: float | None = None) -> PushResult:
    """Map FCM's error code (FcmError detail, else the canonical status) to what we do next."""
    if code in ("UNREGISTERED", "SENDER_ID_MISMATCH"):
        return PushResult(Outcome.DEAD_TARGET, error=code)
    if code == "INVALID_ARGUMENT":
        if _TOKEN_PROBLEM.search(message):
            return PushResult(Outcome.DEAD_TARGET, error=code)
        log.error("notifications.push.rejected_payload", extra={"error": message})
        return PushResult(Outcome.FAILED, error=code)
    if code in ("THIRD_PARTY_AUTH_ERROR", "APNS_AUTH_ERROR"):
        log.error("notifications.push.apns_or_webpush_credentials_rejected")
        return PushResult(Outcome.FAILED, error="THIRD_PARTY_AUTH_ERROR")
    if code in ("QUOTA_EXCEEDED", "RESOURCE_EXHAUSTED", "UNAVAILABLE"):
        return PushResult(Outcome.RETRY, error=code, retry_after=retry_after)
    if code in ("INTERNAL", "DEADLINE_EXCEEDED", "UNKNOWN"):
        return PushResult(Outcome.UNKNOWN, error=code)
    log.error("notifications.push.unexpected_error", extra={"error": message})
    return PushResult(Outcome.FAILED, error=code[:64])


def parse_retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None  # an HTTP date: FCM sends seconds; the backoff covers the rest
