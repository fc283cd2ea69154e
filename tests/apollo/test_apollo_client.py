"""A stock Apollo Client app (`app.mjs`, Node) goes through a resident's day against the API
in production mode with the allow-list on: only the manifest's ids are accepted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import free_port, healthy, write_signing_key
from tests.support.services import unavailable

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1]
# The shortest lifetime the settings allow: the refresh step waits for the token to expire.
ACCESS_TOKEN_TTL_SECONDS = 60
STARTUP_SECONDS = 120


def _citizen(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "backend.cli", *args], env=env, check=True)


@pytest.fixture
def production_api(tmp_path: Path) -> Iterator[str]:
    """A migrated SQLite database with the demo seed (seeding refuses production), then the API
    serving it as production does."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CELERY_", "FCM_", "CACHE_", "DATABASE_", "CITIZEN_", "GRAPHQL_"))
    }
    env |= {
        "CITIZEN_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'citizen.db'}",
        "PYTHONPATH": str(REPOSITORY),
    }
    _citizen(env, "migrate")
    _citizen(env, "seed", "demo")
    key = write_signing_key(tmp_path / "jwt-signing.pem")
    env |= {
        "CITIZEN_ENV": "production",
        "GRAPHQL_TRUSTED_DOCUMENTS_ONLY": "true",
        "JWT_SIGNING_KEY_FILE": str(key),
        "REFRESH_TOKEN_SECRET": "apollo-client-test-" + "r" * 32,
        "ACCESS_TOKEN_TTL_SECONDS": str(ACCESS_TOKEN_TTL_SECONDS),
    }
    port = free_port()
    log = tmp_path / "api.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not healthy(port):
            assert process.poll() is None, log.read_text(errors="replace")[-4000:]
            assert time.monotonic() < deadline, "the API did not start"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_stock_apollo_client_app_works_end_to_end(production_api: str) -> None:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "@apollo" / "client").is_dir():
        unavailable("Node.js with tests/apollo's packages", "run `make node-deps`")
    result = subprocess.run(
        [node, str(HERE / "app.mjs")],
        cwd=HERE,
        env={**os.environ, "CITIZEN_API_URL": production_api},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    print(result.stdout, result.stderr, sep="\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
