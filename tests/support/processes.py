"""Tests that start processes of their own: a port for the API, its health, a signing key; a
Mosquitto of the test's own."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return int(response.status) == 200
    except OSError:
        return False


def write_signing_key(path: Path) -> Path:
    """A new Ed25519 private key for access tokens, PEM (PKCS#8), as production is given one."""
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def start_mosquitto(config: Path, port: int) -> subprocess.Popen[bytes]:
    """The machine's Mosquitto with this configuration, once it takes connections on `port`."""
    process = subprocess.Popen(
        ["mosquitto", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("Mosquitto did not start") from None
            time.sleep(0.05)
