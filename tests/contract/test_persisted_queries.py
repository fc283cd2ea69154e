"""Automatic persisted queries (Apollo's protocol), GET for CDN caching, and the production
allow-list of trusted documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from backend.app import create_app
from backend.graphql_api.persisted import MANIFEST, ManifestError, MemoryDocumentStore, sha256
from tests.support.api import open_api
from tests.support.graphql import data, error_codes, login

WARDS = "query Wards { wards(first: 3) { edges { node { name } } } }"


def persisted(digest: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


async def post(api: Any, **payload: Any) -> dict[str, Any]:
    response = await api.client.post("/graphql", json=payload)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_unknown_hash_then_registration_then_hash_alone(seeded: Any) -> None:
    digest = sha256(WARDS)

    unknown = await post(seeded, extensions=persisted(digest))
    assert unknown["errors"][0]["message"] == "PersistedQueryNotFound"
    assert error_codes(unknown) == ["PERSISTED_QUERY_NOT_FOUND"]

    registered = await post(seeded, query=WARDS, extensions=persisted(digest))
    by_hash = await post(seeded, extensions=persisted(digest))

    assert data(registered) == data(by_hash)
    assert len(data(by_hash)["wards"]["edges"]) == 3


@pytest.mark.parametrize(
    "document",
    [
        "{ wards { edges { cursor } ",  # does not parse
        "{ noSuchField }",  # does not validate
        "{ a: wards { totalCount } }",  # does not validate either
    ],
)
async def test_a_document_that_fails_is_not_remembered(seeded: Any, document: str) -> None:
    digest = sha256(document)

    refused = await post(seeded, query=document, extensions=persisted(digest))
    by_hash = await post(seeded, extensions=persisted(digest))

    assert error_codes(refused)
    assert "PERSISTED_QUERY_NOT_FOUND" not in error_codes(refused)
    assert error_codes(by_hash) == ["PERSISTED_QUERY_NOT_FOUND"]


@pytest.mark.parametrize(
    "extensions",
    [
        {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}},  # not the query's hash
        {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}},
        {"persistedQuery": {"version": 1, "sha256Hash": "not-hex"}},
        {"persistedQuery": "yes"},
    ],
)
async def test_malformed_persisted_requests_are_refused(seeded: Any, extensions: Any) -> None:
    body = await post(seeded, query=WARDS, extensions=extensions)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_public_queries_by_get_are_cacheable_and_personal_ones_are_not(seeded: Any) -> None:
    digest = sha256(WARDS)
    await post(seeded, query=WARDS, extensions=persisted(digest))
    params = {"extensions": json.dumps(persisted(digest)), "operationName": "Wards"}

    accept = {"Accept": "application/json"}
    anonymous = await seeded.client.get("/graphql", params=params, headers=accept)
    token = (await login(seeded))["accessToken"]
    signed_in = await seeded.client.get(
        "/graphql", params=params, headers={**accept, "Authorization": f"Bearer {token}"}
    )
    by_post = await seeded.client.post("/graphql", json={"query": WARDS})

    assert len(anonymous.json()["data"]["wards"]["edges"]) == 3
    assert anonymous.headers["cache-control"] == "public, max-age=60"
    assert anonymous.headers["vary"] == "Accept, Accept-Language"
    assert signed_in.headers["cache-control"] == "private, no-store"
    assert by_post.headers["cache-control"] == "private, no-store"


async def test_a_document_that_selects_the_viewer_is_never_shared(seeded: Any) -> None:
    mixed = "query Mixed { wards(first: 1) { edges { node { name } } } viewer { id } }"
    digest = sha256(mixed)
    await post(seeded, query=mixed, extensions=persisted(digest))
    params = {"extensions": json.dumps(persisted(digest)), "operationName": "Mixed"}

    anonymous = await seeded.client.get("/graphql", params=params, headers={"Accept": "*/*"})

    assert anonymous.status_code == 200
    assert anonymous.json()["data"]["viewer"] is None
    assert anonymous.headers["cache-control"] == "private, no-store"


async def test_apq_over_get_with_any_accept_runs_the_operation(seeded: Any) -> None:
    """Apollo sends `Accept: */*`: that is not a browser asking for the IDE."""
    digest = sha256(WARDS)
    await post(seeded, query=WARDS, extensions=persisted(digest))
    params = {"extensions": json.dumps(persisted(digest)), "operationName": "Wards"}

    by_hash = await seeded.client.get("/graphql", params=params, headers={"Accept": "*/*"})
    unknown = await seeded.client.get(
        "/graphql",
        params={"extensions": json.dumps(persisted("1" * 64))},
        headers={"Accept": "*/*"},
    )
    browser = await seeded.client.get("/graphql", headers={"Accept": "text/html"})

    assert by_hash.headers["content-type"] == "application/json"
    assert len(by_hash.json()["data"]["wards"]["edges"]) == 3
    assert unknown.headers["content-type"] == "application/json"
    assert error_codes(unknown.json()) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert unknown.headers["cache-control"] == "private, no-store"
    assert browser.headers["content-type"].startswith("text/html")


async def test_mutations_are_refused_over_get(seeded: Any) -> None:
    mutation = 'mutation { logout(input: {refreshToken: "x"}) }'
    response = await seeded.client.get(
        "/graphql", params={"query": mutation}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert error_codes(response.json()) == ["METHOD_NOT_ALLOWED"]


@pytest.mark.parametrize("settings_overrides", [{"GRAPHQL_TRUSTED_DOCUMENTS_ONLY": True}])
async def test_the_allow_list_runs_only_the_apps_operations(seeded: Any) -> None:
    refused = await seeded.client.post("/graphql", json={"query": WARDS})
    assert refused.headers["cache-control"] == "private, no-store"
    adhoc = await post(seeded, query=WARDS)
    adhoc_registration = await post(seeded, query=WARDS, extensions=persisted(sha256(WARDS)))
    adhoc_by_hash = await post(seeded, extensions=persisted(sha256(WARDS)))

    assert error_codes(adhoc) == ["OPERATION_NOT_ALLOWED"]
    assert error_codes(adhoc_registration) == ["OPERATION_NOT_ALLOWED"]
    assert error_codes(adhoc_by_hash) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert seeded.sql.count == 0  # refused before anything ran


# How Apollo Kotlin prints the Wards operation: other spacing than graphql-js, no __typename.
NATIVE_WARDS = "query Wards {\n  wards(first: 3) {\n    edges {\n      node {\n        name\n      }\n    }\n  }\n}"


def app_operation(name: str) -> str:
    """The id of one of the app's own operations, from its manifest."""
    manifest = json.loads(MANIFEST.read_text())
    return next(entry["id"] for entry in manifest["operations"] if entry["name"] == name)


def write_manifest(path: Path, operations: list[dict[str, str]]) -> Path:
    path.write_text(
        json.dumps(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
        )
    )
    return path


@pytest.mark.parametrize("settings_overrides", [{"GRAPHQL_TRUSTED_DOCUMENTS_ONLY": True}])
async def test_a_native_builds_manifest_is_trusted_beside_the_apps(
    seeded: Any, settings: Any, tmp_path: Path
) -> None:
    native = write_manifest(
        tmp_path / "android.json",
        [{"id": sha256(NATIVE_WARDS), "name": "Wards", "type": "query", "body": NATIVE_WARDS}],
    )
    refused = await post(seeded, extensions=persisted(sha256(NATIVE_WARDS)))

    with_native = settings.model_copy(update={"graphql_extra_manifests": [native]})
    async with open_api(with_native) as android:
        by_id = await post(android, extensions=persisted(sha256(NATIVE_WARDS)))
        by_text = await post(android, query=NATIVE_WARDS)
        unlisted = await post(android, query=WARDS)
        apps_own = await post(android, extensions=persisted(app_operation("HealthSpecialties")))

    assert error_codes(refused) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert len(data(by_id)["wards"]["edges"]) == 3
    assert data(by_text) == data(by_id)
    assert error_codes(unlisted) == ["OPERATION_NOT_ALLOWED"]
    assert data(apps_own)["healthSpecialties"]


@pytest.mark.parametrize(
    "entry",
    [
        # an id that is not the hash of its body would run a document nobody sees by its text
        {"id": sha256(WARDS), "name": "Wards", "type": "query", "body": NATIVE_WARDS},
        {"id": "0" * 64, "name": "Wards", "type": "query", "body": NATIVE_WARDS},
    ],
)
def test_a_manifest_whose_ids_are_not_their_bodies_hashes_stops_the_start(
    settings: Any, tmp_path: Path, entry: dict[str, str]
) -> None:
    broken = write_manifest(tmp_path / "ios.json", [entry])

    with pytest.raises(ManifestError, match="not the sha256 of its body"):
        create_app(settings.model_copy(update={"graphql_extra_manifests": [broken]}))


def test_a_file_that_is_not_a_manifest_stops_the_start(settings: Any, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"operations": []}))

    with pytest.raises(ManifestError, match="not an apollo-persisted-query-manifest"):
        create_app(settings.model_copy(update={"graphql_extra_manifests": [other]}))


async def test_api_processes_share_persisted_queries_through_redis(
    settings: Any, redis_url: str
) -> None:
    """Registered on one API process, known by hash on another: the CDN-facing GETs and the
    app's retries can land anywhere behind the load balancer."""
    import httpx

    from backend.app import create_app

    shared = settings.model_copy(update={"cache_redis_url": redis_url})
    first, second = create_app(shared), create_app(shared)
    digest = sha256(WARDS)
    try:
        async with (
            httpx.AsyncClient(transport=httpx.ASGITransport(app=first), base_url="http://a") as one,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=second), base_url="http://b"
            ) as two,
        ):
            before = (await two.post("/graphql", json={"extensions": persisted(digest)})).json()
            await one.post("/graphql", json={"query": WARDS, "extensions": persisted(digest)})
            after = (await two.post("/graphql", json={"extensions": persisted(digest)})).json()
    finally:
        await first.state.engine.dispose()
        await second.state.engine.dispose()

    assert error_codes(before) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert data(after) == {"wards": {"edges": []}}


async def test_a_padded_document_runs_but_is_not_remembered(seeded: Any) -> None:
    padded = WARDS + " " * 20_000
    digest = sha256(padded)

    answered = await post(seeded, query=padded, extensions=persisted(digest))
    by_hash = await post(seeded, extensions=persisted(digest))

    assert len(data(answered)["wards"]["edges"]) == 3
    assert error_codes(by_hash) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_the_memory_store_is_bounded_in_bytes() -> None:
    store = MemoryDocumentStore(max_bytes=100_000)
    for number in range(30):
        await store.put(f"{number:064x}", f"# {number}\n" + "{ wards { edges { cursor } } }" * 300)

    assert store.size_in_bytes <= 100_000
    assert await store.get(f"{29:064x}") is not None  # the newest stay
    assert await store.get(f"{0:064x}") is None  # the oldest went
