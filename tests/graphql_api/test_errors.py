"""Every error carries a code; unexpected ones are masked; messages follow Accept-Language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.app import create_app
from backend.settings import Settings
from tests.helpers import error_codes, only_error


async def test_syntax_errors_are_parse_failures_every_time(api: Any) -> None:
    for _ in range(2):  # the second answer comes through the document cache path
        body = await api("{ places { ")
        assert error_codes(body) == ["GRAPHQL_PARSE_FAILED"]


async def test_unknown_fields_are_validation_failures(api: Any) -> None:
    assert error_codes(await api("{ passwords }")) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_literal_of_the_wrong_type_names_the_argument(api: Any) -> None:
    error = only_error(await api("{ places(kinds: [CASTLE]) { edges { cursor } } }"))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "kinds"}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, "Vui lòng nhập tên hiển thị."),
        ("en", "Display name is required."),
        ("de-DE, en;q=0.5", "Display name is required."),
        ("fr-FR, en;q=0.5", "Le champ « nom d'affichage » est obligatoire."),
        ("vi-VN,vi;q=0.9,en;q=0.8", "Vui lòng nhập tên hiển thị."),
    ],
)
async def test_messages_follow_accept_language(
    api: Any, language: str | None, message: str
) -> None:
    body = await api(
        'mutation { register(input: {displayName: " ", password: "0123456789", phone: "0905123456"}) { id } }',
        language=language,
    )
    assert only_error(body)["message"] == message


async def test_unexpected_failures_are_masked(tmp_path: Path) -> None:
    """A database that cannot be reached is an INTERNAL error with no detail leaked."""
    settings = Settings(
        DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1:1/nothing", CITIZEN_VAR_DIR=tmp_path
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://citizen.test") as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ wards { edges { cursor } } }"},
            headers={"Accept-Language": "en"},
        )
    error = only_error(response.json())
    assert error["extensions"] == {"code": "INTERNAL"}
    assert error["message"] == "Something went wrong. Please try again later."
    await app.state.engine.dispose()
