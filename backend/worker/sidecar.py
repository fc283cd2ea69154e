"""A child process kept running beside `citizen worker` (the MQTT subscriber): started with
the worker, started again if it dies, stopped with it.

A child process rather than a thread of the worker: Celery owns the worker's main thread, its
signals and (with prefork) its forks, while the subscriber runs an asyncio loop of its own. It
shares the worker's process group, so `citizen up`, which kills the worker's group after a
grace period, never leaves it behind.
"""

from __future__ import annotations

import logging
import subprocess
import threading
from collections.abc import Sequence

log = logging.getLogger(__name__)

RESTART_SECONDS = 2.0
STOP_SECONDS = 10.0


class Sidecar:
    def __init__(self, name: str, argv: Sequence[str]) -> None:
        self.name = name
        self.argv = list(argv)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._watcher: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        with self._lock:
            return None if self._process is None else self._process.pid

    def start(self) -> None:
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name=f"{self.name}-sidecar")
        self._watcher.daemon = True
        self._watcher.start()

    def stop(self) -> None:
        """SIGTERM (the child finishes its batch and exits), SIGKILL after `STOP_SECONDS`."""
        with self._lock:  # no new child after this: `_spawn` checks under the same lock
            self._stopping.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._watcher is not None:
            self._watcher.join(timeout=STOP_SECONDS)

    def _spawn(self) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            self._process = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL)  # noqa: S603
            pid = self._process.pid
        log.info("worker.sidecar.started", extra={"sidecar": self.name, "pid": pid})

    def _watch(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                process = self._process
            assert process is not None
            code = process.wait()
            if self._stopping.is_set():
                return
            log.warning("worker.sidecar.exited", extra={"sidecar": self.name, "code": code})
            if self._stopping.wait(RESTART_SECONDS):
                return
            self._spawn()
