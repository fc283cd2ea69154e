"""Production refuses unsafe settings; development makes its own keys under var/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from backend.app import create_app
from backend.settings import ConfigurationError, Settings
from tests.support.processes import write_signing_key


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"REFRESH_TOKEN_SECRET": "s" * 40},
        {"JWT_SIGNING_KEY_FILE": "key.pem"},
        {"JWT_SIGNING_KEY_FILE": "key.pem", "REFRESH_TOKEN_SECRET": "too-short"},
    ],
)
def test_production_refuses_to_start_without_keys(tmp_path: Path, values: dict[str, str]) -> None:
    resolved = {
        k: str(write_signing_key(tmp_path / v)) if k == "JWT_SIGNING_KEY_FILE" else v
        for k, v in values.items()
    }
    with pytest.raises(ConfigurationError):
        Settings(CITIZEN_ENV="production", CITIZEN_VAR_DIR=tmp_path, **resolved)
    assert not (tmp_path / "keys").exists()  # no key was generated to paper over it


def test_citizen_serve_exits_with_an_error_in_production_without_keys(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JWT_", "REFRESH_TOKEN"))}
    env.update(CITIZEN_ENV="production", CITIZEN_VAR_DIR=str(tmp_path), PORT="0")
    result = subprocess.run(
        [sys.executable, "-m", "backend.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "production refuses to start without JWT_SIGNING_KEY_FILE" in result.stderr


async def test_production_with_keys_serves_without_introspection_or_ide(tmp_path: Path) -> None:
    settings = Settings(
        CITIZEN_ENV="production",
        CITIZEN_VAR_DIR=tmp_path,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/p.db",
        JWT_SIGNING_KEY_FILE=write_signing_key(tmp_path / "key.pem"),
        REFRESH_TOKEN_SECRET="s" * 40,
    )
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        introspection = (
            await client.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        ).json()
        ide = await client.get("/graphql", headers={"Accept": "text/html"})
    assert introspection["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "GraphiQL" not in ide.text
    assert not (tmp_path / "keys").exists()
    await app.state.engine.dispose()


def test_development_generates_and_reuses_its_keys(tmp_path: Path) -> None:
    first = Settings(CITIZEN_VAR_DIR=tmp_path)
    second = Settings(CITIZEN_VAR_DIR=tmp_path)
    assert first.signing_key_pem == second.signing_key_pem
    assert first.refresh_secret == second.refresh_secret
    assert (tmp_path / "keys" / "jwt-signing-ed25519.pem").stat().st_mode & 0o777 == 0o600


def _production(tmp_path: Path, **values: object) -> Settings:
    return Settings(
        CITIZEN_ENV="production",
        CITIZEN_VAR_DIR=tmp_path,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/p.db",
        JWT_SIGNING_KEY_FILE=write_signing_key(tmp_path / "key.pem"),
        REFRESH_TOKEN_SECRET="s" * 40,
        **values,
    )


async def _get(settings: Settings, path: str, **headers: str) -> httpx.Response:
    app = create_app(settings)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as client:
            return await client.get(path, headers=headers)
    finally:
        await app.state.engine.dispose()


async def test_metrics_are_open_in_development_and_take_a_token_elsewhere(tmp_path: Path) -> None:
    development = Settings(
        CITIZEN_VAR_DIR=tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/d.db"
    )
    assert (await _get(development, "/metrics")).status_code == 200

    assert (await _get(_production(tmp_path), "/metrics")).status_code == 404
    guarded = _production(tmp_path, METRICS_TOKEN="m" * 32)
    assert (await _get(guarded, "/metrics")).status_code == 404
    assert (await _get(guarded, "/metrics", Authorization="Bearer wrong")).status_code == 404
    scraped = await _get(guarded, "/metrics", Authorization="Bearer " + "m" * 32)
    assert scraped.status_code == 200
    assert "citizen_http_requests_total" in scraped.text


def test_production_refuses_a_wildcard_cors_origin(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="CORS"):
        _production(tmp_path, CORS_ALLOWED_ORIGINS=["*"])


async def test_only_listed_origins_may_call_from_a_browser(tmp_path: Path) -> None:
    console = "https://console.hue.gov.vn"
    settings = _production(tmp_path, CORS_ALLOWED_ORIGINS=[console])
    app = create_app(settings)
    preflight = {"Access-Control-Request-Method": "POST"}
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as client:
            allowed = await client.options("/graphql", headers={"Origin": console, **preflight})
            other = await client.options(
                "/graphql", headers={"Origin": "https://evil.example", **preflight}
            )
    finally:
        await app.state.engine.dispose()
    assert allowed.headers["access-control-allow-origin"] == console
    assert "access-control-allow-credentials" not in allowed.headers
    assert "access-control-allow-origin" not in other.headers


def test_a_deep_var_folder_relays_live_events_through_a_short_shared_folder(
    tmp_path: Path,
) -> None:
    shallow = Settings(CITIZEN_VAR_DIR=Path("/srv/citizen"))
    assert shallow.live_relay_folder == Path("/srv/citizen/live")
    deep = tmp_path / ("nested-" * 12) / "var"
    first, second = Settings(CITIZEN_VAR_DIR=deep), Settings(CITIZEN_VAR_DIR=deep)
    assert first.live_relay_folder == second.live_relay_folder  # processes of one var/ meet
    assert first.live_relay_folder != Settings(CITIZEN_VAR_DIR=tmp_path).live_relay_folder
    socket_path = first.live_relay_folder / f"{4_194_304}-{'f' * 8}.sock"
    assert len(str(socket_path).encode()) <= 107
