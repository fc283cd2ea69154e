"""SMS gateways: what sends verification codes and notices to a phone number.

Without `SMS_GATEWAY_URL` (the embedded mode) a message goes to the log and to a local inbox
file, `var/sms-inbox.jsonl`, where a developer reads the code. With it, messages are POSTed as
JSON to the provider (`{"to": "+84…", "text": "…"}` with `Authorization: Bearer <token>`).
A failed send is logged, never raised: the caller already answered alike whatever happens, and
the app offers a resend after the cool-down.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import httpx

from backend.settings import Settings

log = logging.getLogger(__name__)

INBOX_FILE = "sms-inbox.jsonl"


@dataclass(frozen=True, slots=True)
class SmsMessage:
    to: str  # E.164
    text: str


class SmsGateway(Protocol):
    async def send(self, message: SmsMessage) -> bool: ...

    async def close(self) -> None: ...


class LocalSmsGateway:
    """Development: the log and a JSON-lines inbox under var/ stand in for phones."""

    def __init__(self, var_dir: Path) -> None:
        self.inbox = var_dir / INBOX_FILE

    async def send(self, message: SmsMessage) -> bool:
        log.info("sms.local", extra={"to": message.to, "text": message.text})
        line = json.dumps(
            {"to": message.to, "text": message.text, "sent_at": datetime.now(UTC).isoformat()},
            ensure_ascii=False,
        )
        await asyncio.to_thread(self._append, line)
        return True

    def _append(self, line: str) -> None:
        self.inbox.parent.mkdir(parents=True, exist_ok=True)
        with self.inbox.open("a", encoding="utf-8") as inbox:
            inbox.write(line + "\n")

    async def close(self) -> None:
        return None


class HttpSmsGateway:
    """A provider's HTTP API: one JSON POST per message, a short timeout, no retries (the
    person asks again after the cool-down)."""

    def __init__(self, url: str, token: str | None, timeout_seconds: float) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.url = url
        self._client = httpx.AsyncClient(headers=headers, timeout=timeout_seconds)

    async def send(self, message: SmsMessage) -> bool:
        try:
            response = await self._client.post(
                self.url, json={"to": message.to, "text": message.text}
            )
        except httpx.HTTPError as exc:
            log.warning("sms.http.unreachable", extra={"error": type(exc).__name__})
            return False
        if response.is_success:
            return True
        log.warning("sms.http.refused", extra={"status": response.status_code})
        return False

    async def close(self) -> None:
        await self._client.aclose()


class UnconfiguredSmsGateway:
    """Production without a provider: nothing is sent, and no code is written anywhere."""

    async def send(self, message: SmsMessage) -> bool:
        log.error("sms.not_configured", extra={"to": message.to})
        return False

    async def close(self) -> None:
        return None


def gateway_from_settings(settings: Settings) -> SmsGateway:
    if settings.sms_gateway_url:
        return HttpSmsGateway(
            settings.sms_gateway_url, settings.sms_gateway_token, settings.sms_timeout_seconds
        )
    if settings.is_production:
        return UnconfiguredSmsGateway()
    return LocalSmsGateway(settings.var_dir)
