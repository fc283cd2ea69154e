"""`citizen up` stops everything it started on SIGTERM: the API, the worker, its pool and beat.

The command runs in a session of its own, so its processes are found by session id in /proc
even after one is orphaned (an orphan is re-parented, but keeps its session)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from tests.support.processes import free_port, healthy

REPOSITORY = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 120  # migrations, the demo seed and a cold import on a busy machine
STOP_SECONDS = 20

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def _session_members(session: int) -> list[int]:
    """Live (not zombie) processes of the session."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended while we looked
            continue
        # pid (comm) state ppid pgrp session …; comm may hold spaces and parentheses.
        state, _ppid, _pgrp, sid = stat.rsplit(")", 1)[1].split()[:4]
        if int(sid) == session and state != "Z":
            members.append(int(entry.name))
    return members


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return bool(condition())


@pytest.fixture
def up(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    port = free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CELERY_", "FCM_", "CACHE_", "DATABASE_", "CITIZEN_"))
    }
    env |= {
        "CITIZEN_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'citizen.db'}",
        "PYTHONPATH": str(REPOSITORY),
    }
    log = tmp_path / "up.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "up", "--port", str(port)],
            cwd=tmp_path,  # anything written to the working directory stays in the tmp dir
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process, port, log
    finally:
        for pid in _session_members(process.pid):
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_sigterm_stops_the_api_and_every_worker_process(
    up: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    process, port, log = up

    def tail() -> str:
        return log.read_text(errors="replace")[-4000:]

    assert _wait(lambda: healthy(port) or process.poll() is not None, STARTUP_SECONDS)
    assert process.poll() is None, tail()
    assert healthy(port), tail()
    # The API, the worker and at least one process of the worker's own (pool, beat).
    assert _wait(lambda: len(_session_members(process.pid)) >= 3, STARTUP_SECONDS), tail()

    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=STOP_SECONDS) == 0, tail()
    assert _wait(lambda: not _session_members(process.pid), STOP_SECONDS), (
        _session_members(process.pid),
        tail(),
    )
