"""Every error carries a code; unexpected ones are masked; messages follow Accept-Language."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.graphql import error_codes, only_error


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
        'mutation { register(input: {displayName: " ", password: "0123456789", phone: "0905123456"}) { phone } }',
        language=language,
    )
    assert only_error(body)["message"] == message
