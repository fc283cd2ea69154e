"""Requests refused before GraphQL runs still get a coded GraphQL error, a meaningful HTTP status
and a message in the caller's language; odd text in input is the user's error, not ours."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import strawberry
from sqlalchemy import func, select

from backend.graphql_api.errors import ErrorFormatter
from backend.graphql_api.schema import Mutation, Query
from backend.identity.models import PhoneVerification, User
from backend.settings import Settings
from tests.support.graphql import data, only_error
from tests.support.sessions import token

REGISTER = "mutation R($input: RegisterInput!) { register(input: $input) { verificationId } }"
VALID_INPUT = {"displayName": "Nguyễn Thị Hoa", "password": "mật khẩu an toàn 2026"}
WARDS = "{ wards(first: 1) { edges { cursor } } }"
JSON = {"content-type": "application/json", "accept-language": "en"}
ADD_DEPENDANT = "mutation A($input: AddDependantInput!) { addDependant(input: $input) { id } }"
RESIDENT = "+84905000001"  # a demo account


def register_body(**overrides: Any) -> dict[str, Any]:
    return {
        "query": REGISTER,
        "variables": {"input": {**VALID_INPUT, "phone": "0905123456", **overrides}},
    }


async def users(api: Any) -> int:
    async with api.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(User)))


def refusal(response: Any, status: int, code: str) -> dict[str, Any]:
    """The one error of a refused request: a JSON GraphQL error body, never cacheable."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "private, no-store"
    body = response.json()
    assert "data" not in body
    error = only_error(body)
    assert error["extensions"] == {"code": code}
    return error


MALFORMED: list[tuple[str, bytes, str]] = [
    (
        "batch",
        json.dumps([register_body(), register_body(phone="0905123457")]).encode(),
        "Send one operation per request; batches are not accepted.",
    ),
    ("empty batch", b"[]", "Send one operation per request; batches are not accepted."),
    ("not JSON", b'{"query": "mutation {', "The request's JSON is not valid."),
    ("number", b"42", "The request body must be a JSON object with a query."),
    ("null", b"null", "The request body must be a JSON object with a query."),
    ("string", b'"x"', "The request body must be a JSON object with a query."),
    (
        "not UTF-8",
        json.dumps(register_body(displayName="Hoa")).encode().replace(b"Hoa", b"Ho\xe0"),
        "The request body must be encoded as UTF-8.",
    ),
    ("no query", b'{"variables": {}}', "The request has no GraphQL query."),
    ("query is not text", b'{"query": 42}', "The request's query has the wrong type."),
    (
        "variables are not an object",
        json.dumps({"query": REGISTER, "variables": [1]}).encode(),
        "The request's variables has the wrong type.",
    ),
]


@pytest.mark.parametrize(
    ("body", "message"), [case[1:] for case in MALFORMED], ids=[case[0] for case in MALFORMED]
)
async def test_malformed_requests_are_coded_400s_and_change_nothing(
    api: Any, body: bytes, message: str
) -> None:
    response = await api.client.post("/graphql", content=body, headers=JSON)

    error = refusal(response, 400, "BAD_REQUEST")
    assert error["message"] == message
    assert api.sql.count == 0


async def test_refusals_speak_the_callers_language(api: Any) -> None:
    response = await api.client.post(
        "/graphql", content=b"42", headers={"content-type": "application/json"}
    )

    error = refusal(response, 400, "BAD_REQUEST")
    assert error["message"] == "Nội dung yêu cầu phải là một đối tượng JSON có trường query."


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/jsonx", "json"],
)
async def test_bodies_that_are_not_json_are_415(api: Any, content_type: str | None) -> None:
    headers = {"accept-language": "en"}
    if content_type:
        headers["content-type"] = content_type
    response = await api.client.post(
        "/graphql", content=json.dumps(register_body()).encode(), headers=headers
    )

    error = refusal(response, 415, "BAD_REQUEST")
    assert error["message"] == "The request body must be sent as application/json."
    assert await users(api) == 0


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "Application/JSON", " application/json ;"]
)
async def test_json_is_read_whatever_its_parameters_and_case(api: Any, content_type: str) -> None:
    response = await api.client.post(
        "/graphql",
        content=json.dumps({"query": "{ __typename }"}).encode(),
        headers={"content-type": content_type},
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_an_unknown_operation_name_is_a_400(api: Any) -> None:
    response = await api.client.post(
        "/graphql", json={**register_body(), "operationName": "Delete"}, headers=JSON
    )

    error = refusal(response, 400, "BAD_REQUEST")
    assert error["message"] == "The document has no operation named “Delete”."
    assert await users(api) == 0


async def test_a_mutation_over_get_is_405_and_writes_nothing(api: Any) -> None:
    response = await api.client.get(
        "/graphql",
        params={"query": REGISTER, "variables": json.dumps(register_body()["variables"])},
        headers={"accept": "application/json", "accept-language": "en"},
    )

    error = refusal(response, 405, "METHOD_NOT_ALLOWED")
    assert error["message"] == "Mutations must be sent with POST."
    assert response.headers["allow"] == "POST"
    assert await users(api) == 0
    # The same query over GET is still answered.
    answered = await api.client.get(
        "/graphql", params={"query": WARDS}, headers={"accept": "application/json"}
    )
    assert answered.status_code == 200
    assert "errors" not in answered.json()


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_other_methods_are_405(api: Any, method: str) -> None:
    response = await api.client.request(method, "/graphql", json={"query": WARDS}, headers=JSON)

    error = refusal(response, 405, "METHOD_NOT_ALLOWED")
    assert error["message"] == "Only GET and POST are accepted."
    assert response.headers["allow"] == "GET, POST"


async def test_oversized_bodies_are_413_declared_or_streamed(api: Any) -> None:
    body = json.dumps(register_body(displayName="x" * 300_000)).encode()

    async def chunks() -> Any:
        for start in range(0, len(body), 65_536):
            yield body[start : start + 65_536]

    declared = await api.client.post("/graphql", content=body, headers=JSON)
    streamed = await api.client.post(
        "/graphql",
        content=chunks(),
        headers={"content-type": "application/json", "accept-language": "vi"},
    )

    english = refusal(declared, 413, "PAYLOAD_TOO_LARGE")
    assert english["message"] == "The request is too large (at most 256 KB)."
    vietnamese = refusal(streamed, 413, "PAYLOAD_TOO_LARGE")
    assert vietnamese["message"] == "Yêu cầu quá lớn (tối đa 256 KB)."
    assert api.sql.count == 0


@pytest.mark.parametrize(
    "variables",
    [
        b'{"input": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",  # deeper than the JSON parser goes
        b'{"input": ' + b'{"a": ' * 40 + b"1" + b"}" * 40 + b"}",  # parsed, then measured
        b'{"input": ' + b"[" * 33 + b"]" * 33 + b"}",  # one level past the limit
    ],
    ids=["10000 lists", "40 objects", "33 lists"],
)
async def test_deeply_nested_variables_are_a_coded_400(api: Any, variables: bytes) -> None:
    body = b'{"query": "' + REGISTER.encode() + b'", "variables": ' + variables + b"}"

    response = await api.client.post("/graphql", content=body, headers=JSON)

    error = refusal(response, 400, "BAD_REQUEST")
    assert error["message"] == "The request's data is nested too deeply (at most 32 levels)."
    assert api.sql.count == 0


async def test_nesting_within_the_limit_reaches_graphql(api: Any) -> None:
    """32 levels are read; the schema then says what is wrong with them."""
    variables = b'{"input": ' + b"[" * 32 + b"]" * 32 + b"}"
    body = b'{"query": "' + REGISTER.encode() + b'", "variables": ' + variables + b"}"

    response = await api.client.post("/graphql", content=body, headers=JSON)

    assert response.status_code == 200
    assert only_error(response.json())["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("member", "text", "message"),
    [
        ("displayName", '"Hoa \\ud800"', "Display name contains characters that are not allowed."),
        ("displayName", '"\\udfff Hoa"', "Display name contains characters that are not allowed."),
        (
            "password",
            '"m\\ud834t kh\\u1ea9u 2026"',
            "Password contains characters that are not allowed.",
        ),
    ],
    ids=["high surrogate", "low surrogate", "password"],
)
async def test_a_lone_surrogate_in_a_variable_is_bad_user_input(
    api: Any, member: str, text: str, message: str
) -> None:
    """JSON may escape half a character; no database can store it, whichever field it is in."""
    body = json.dumps(register_body(**{member: "TEXT"})).replace('"TEXT"', text)

    response = await api.client.post("/graphql", content=body.encode(), headers=JSON)

    assert response.status_code == 200
    answer = response.json()
    assert answer["data"] is None
    error = only_error(answer)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": f"input.{member}"}
    assert error["message"] == message
    assert await users(api) == 0


async def test_a_lone_surrogate_in_an_input_key_is_bad_user_input(api: Any) -> None:
    body = json.dumps(register_body()).replace('"input": {', '"input": {"\\ud800": 1, ', 1)

    response = await api.client.post("/graphql", content=body.encode(), headers=JSON)

    error = only_error(response.json())
    assert response.status_code == 200
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input"}
    assert await users(api) == 0


async def test_a_surrogate_pair_is_an_ordinary_character(api: Any) -> None:
    body = json.dumps(register_body(displayName="NAME")).replace('"NAME"', '"Hoa \\ud83c\\udf38"')

    response = await api.client.post("/graphql", content=body.encode(), headers=JSON)

    assert response.status_code == 200
    pending = uuid.UUID(data(response.json())["register"]["verificationId"])
    async with api.sessions() as session:
        row = await session.get(PhoneVerification, pending)
    assert row is not None
    assert row.display_name == "Hoa 🌸"


@pytest.mark.parametrize(
    "mark", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"]
)
async def test_bidirectional_controls_are_refused_in_display_names(api: Any, mark: str) -> None:
    body = await api(
        REGISTER, register_body(displayName=f"Hoa{mark}gnèyuN")["variables"], language="en"
    )

    error = only_error(body)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.displayName"}
    assert error["message"] == "Display name contains characters that are not allowed."
    assert await users(api) == 0


async def test_bidirectional_controls_are_refused_in_dependant_names(seeded: Any) -> None:
    an = await token(seeded, RESIDENT)
    dependant = {"fullName": "Lành\u2067", "dateOfBirth": "1950-02-01", "relationship": "PARENT"}

    body = await seeded(ADD_DEPENDANT, {"input": dependant}, token=an, language="en")

    error = only_error(body)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.fullName"}
    assert error["message"] == "Full name contains characters that are not allowed."
    viewer = data(await seeded("{ viewer { dependants { id } } }", token=an))["viewer"]
    assert viewer["dependants"] == []


# --- "Did you mean …?" ---------------------------------------------------------------------


def production() -> Settings:
    return Settings(
        CITIZEN_ENV="production",
        JWT_SIGNING_KEY_FILE="unused.pem",
        REFRESH_TOKEN_SECRET="s" * 32,
    )


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ("{ ward { id } }", None),  # a field
        ("{ wards(frist: 1) { edges { cursor } } }", None),  # an argument
        ("{ places(kinds: [PAGODE]) { edges { cursor } } }", None),  # an enum literal
        ("query($k: [PlaceKind!]) { places(kinds: $k) { edges { cursor } } }", {"k": ["PAGODE"]}),
    ],
    ids=["field", "argument", "enum literal", "enum variable"],
)
async def test_production_keeps_the_schema_to_itself(
    document: str, variables: dict[str, Any] | None
) -> None:
    def schema(settings: Settings) -> strawberry.Schema:
        return strawberry.Schema(
            query=Query, mutation=Mutation, extensions=[ErrorFormatter.using(settings)]
        )

    development = await schema(Settings(CITIZEN_ENV="development")).execute(
        document, variable_values=variables
    )
    hidden = await schema(production()).execute(document, variable_values=variables)

    assert development.errors
    assert hidden.errors
    suggested = development.errors[0].message
    assert " Did you mean " in suggested
    assert hidden.errors[0].message == suggested[: suggested.index(" Did you mean ")]
    assert hidden.errors[0].extensions == development.errors[0].extensions
