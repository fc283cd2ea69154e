"""GraphQL over HTTP: the spec's media type when the client prefers it, with 4xx and no `data`
for a request that never executed; JSON with the legacy 200 for `*/*` and `application/json`."""

from __future__ import annotations

from typing import Any

import pytest

from backend.graphql_api.media_types import prefers_html, response_media_type
from tests.support.graphql import only_error

SPEC = "application/graphql-response+json"
APOLLO_4 = "application/graphql-response+json,application/json;q=0.9"
WARDS = "{ wards(first: 1) { edges { cursor } } }"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (APOLLO_4, SPEC),
        (SPEC, SPEC),
        ("application/json, application/graphql-response+json", SPEC),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (None, "application/json"),
        ("application/json, application/graphql-response+json;q=0.5", "application/json"),
        ("application/graphql-response+json;q=0", "application/json"),
        ("text/html", "application/json"),
    ],
)
def test_the_media_type_follows_the_clients_preference(accept: str | None, expected: str) -> None:
    assert response_media_type(accept) == expected


@pytest.mark.parametrize(
    ("accept", "page"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # a browser
        ("text/html", True),
        ("*/*", False),  # Apollo Client
        ("application/json, text/html;q=0.5", False),
        ("application/graphql-response+json, text/html", True),
        ("text/html;q=0", False),
        (None, False),
    ],
)
async def test_the_ide_page_only_for_a_client_preferring_html(
    api: Any, accept: str | None, page: bool
) -> None:
    assert prefers_html(accept) is page
    headers = {"accept": accept} if accept is not None else {}
    response = await api.client.get("/graphql", headers=headers)
    assert response.headers["content-type"].startswith("text/html") is page


async def post(api: Any, body: dict[str, Any] | str, accept: str) -> Any:
    if isinstance(body, str):  # JSON text httpx would not write (a lone surrogate)
        headers = {"accept": accept, "content-type": "application/json"}
        return await api.client.post("/graphql", content=body.encode(), headers=headers)
    return await api.client.post("/graphql", json=body, headers={"accept": accept})


async def test_an_executed_answer_is_200_in_the_spec_type(api: Any) -> None:
    response = await post(api, {"query": WARDS}, APOLLO_4)
    assert response.status_code == 200
    assert response.headers["content-type"] == SPEC
    assert response.headers["cache-control"] == "private, no-store"
    assert response.json() == {"data": {"wards": {"edges": []}}}


async def test_a_field_error_keeps_its_data_and_200(api: Any) -> None:
    response = await post(
        api, {"query": "{ viewer { id } wards(first: 1) { edges { cursor } } }"}, SPEC
    )
    body = response.json()
    assert response.status_code == 200, body
    assert body["data"] is not None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{ wards("}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ nothingHere }"}, "GRAPHQL_VALIDATION_FAILED"),
        (
            {"query": "query W($n: Int!) { wards(first: $n) { edges { cursor } } }"},
            "BAD_USER_INPUT",
        ),
        (
            {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}},
            "PERSISTED_QUERY_NOT_FOUND",
        ),
        (
            '{"query": "query W($t: String) { wards(first: 1) { edges { cursor } } }",'
            ' "variables": {"t": "\\ud800"}}',
            "BAD_USER_INPUT",
        ),
    ],
    ids=["parse", "validation", "variables", "persisted query", "lone surrogate"],
)
async def test_a_request_that_never_ran_is_400_without_data_in_the_spec_type(
    api: Any, body: dict[str, Any] | str, code: str
) -> None:
    spec = await post(api, body, APOLLO_4)
    assert spec.status_code == 400, spec.text
    assert spec.headers["content-type"] == SPEC
    assert spec.headers["cache-control"] == "private, no-store"
    assert "data" not in spec.json()
    assert only_error(spec.json())["extensions"]["code"] == code

    legacy = await post(api, body, "*/*")
    assert legacy.status_code == 200, legacy.text
    assert legacy.headers["content-type"] == "application/json"
    assert legacy.json()["data"] is None
    assert only_error(legacy.json())["extensions"]["code"] == code


async def test_a_get_negotiates_too(api: Any) -> None:
    params = {"query": "{ wards( "}
    spec = await api.client.get("/graphql", params=params, headers={"accept": APOLLO_4})
    assert (spec.status_code, spec.headers["content-type"]) == (400, SPEC)
    assert "data" not in spec.json()
    ok = await api.client.get("/graphql", params={"query": WARDS}, headers={"accept": "*/*"})
    assert (ok.status_code, ok.headers["content-type"]) == (200, "application/json")
