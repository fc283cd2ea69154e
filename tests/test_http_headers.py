"""Every answer carries a request id and the hardening headers; nothing but GraphQL is served."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from typing import Any

import httpx
import pytest

from backend.http_headers import RequestIdLogFilter, ResponseHeaders


async def test_a_request_id_is_echoed_or_made(api: Any) -> None:
    given = await api.client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"X-Request-ID": "app-7f3a9c21"}
    )
    made = await api.client.get("/healthz", headers={"X-Request-ID": "<script>"})

    assert given.headers["x-request-id"] == "app-7f3a9c21"
    assert len(made.headers["x-request-id"]) == 32
    assert made.headers["x-request-id"] != "<script>"


@pytest.mark.parametrize("path", ["/healthz", "/graphql"])
async def test_answers_are_hardened(api: Any, path: str) -> None:
    response = await api.client.post(path, json={"query": "{ __typename }"})

    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in response.headers  # not over TLS here


async def test_hsts_is_sent_over_tls(api: Any) -> None:
    response = await api.client.get("https://citizen.test/healthz")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc"])
async def test_no_rest_documentation_is_served(api: Any, path: str) -> None:
    assert (await api.client.get(path)).status_code == 404


async def test_log_records_written_during_a_request_carry_its_id() -> None:
    seen: list[str] = []

    class Remember(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.request_id)  # type: ignore[attr-defined]

    logger = logging.getLogger("citizen.test.request_id")
    # Independent of whatever another test (a Celery worker) did to the root logger.
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.disabled = False
    handler = Remember()
    handler.addFilter(RequestIdLogFilter())
    logger.addHandler(handler)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        logger.warning("handling")
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    transport = httpx.ASGITransport(app=ResponseHeaders(app))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            answer = await client.get("/", headers={"X-Request-ID": "trace-12345678"})
        logger.warning("after")
    finally:
        logger.removeHandler(handler)
    assert answer.headers["x-request-id"] == "trace-12345678"
    assert seen == ["trace-12345678", "-"]


async def test_the_ide_page_has_a_strict_content_security_policy(api: Any) -> None:
    response = await api.client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["connect-src"] == "'self'"
    scripts = policy["script-src"].split()
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    inline = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in scripts
    external = re.findall(r'<script[^>]*src="([^"]+)"', response.text)
    assert set(external) <= set(scripts)


async def test_api_answers_carry_no_ide_policy(api: Any) -> None:
    response = await api.client.post("/graphql", json={"query": "{ __typename }"})

    assert "Content-Security-Policy" not in response.headers
