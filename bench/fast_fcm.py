"""A fast FCM fake for benchmarks: one uvloop process, a hand-rolled HTTP/1.1 keep-alive parser.

It costs a few hundredths of a millisecond per message, so the fan-out benchmark measures our
worker rather than the fake (tests/fakes/fcm.py, threaded http.server, costs ~0.7 ms). It checks
nothing: any bearer token is accepted. It serves the OAuth token endpoint, messages:send (token,
fid or topic) and the topic (un)subscription endpoints, and counts messages per target, so a
benchmark can prove none was lost or sent twice, and when each topic was first sent to.

    python -m bench.fast_fcm DIRECTORY    # prints {"fcm_url", "credentials"} as one JSON line;
                                          # on SIGTERM, its counts as another
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import uvloop

from tests.fakes.fcm import FakeFCM

_TOKEN_REPLY = json.dumps(
    {"access_token": "ya29.bench", "expires_in": 3600, "token_type": "Bearer"}
).encode()
# Compact JSON (ours) or with a space after the colon (firebase-admin's send_each).
_TARGETS = tuple(
    f'"{name}":{space}"'.encode() for name in ("token", "fid", "topic") for space in ("", " ")
)


class Counts:
    def __init__(self) -> None:
        self.per_target: Counter[bytes] = Counter()
        self.per_second: Counter[int] = Counter()  # arrivals per wall-clock second
        self.messages = 0
        self.subscriptions = 0
        self.first_topic_send: dict[str, float] = {}  # time.time() of each topic's first send
        self.first_message_at = self.last_message_at = 0.0

    def summary(self, cpu_seconds: float) -> dict[str, object]:
        return {
            "messages": self.messages,
            "distinct_targets": len(self.per_target),
            "sent_twice": sum(1 for n in self.per_target.values() if n > 1),
            "peak_messages_in_one_second": max(self.per_second.values(), default=0),
            "first_message_at": self.first_message_at,
            "last_message_at": self.last_message_at,
            "subscriptions": self.subscriptions,
            "first_topic_send": self.first_topic_send,
            "cpu_seconds": round(cpu_seconds, 3),
            "cpu_ms_per_message": round(1000 * cpu_seconds / max(1, self.messages), 4),
        }


class _Http(asyncio.Protocol):
    def __init__(self, counts: Counts) -> None:
        self.counts = counts
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            at = head.find(b"content-length:")
            stop = head.find(b"\r\n", at + 15)
            length = int(head[at + 15 : stop if stop >= 0 else None]) if at >= 0 else 0
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            path = self.buffer[: self.buffer.find(b"\r\n")].split(b" ")[1]
            self.buffer = self.buffer[end + 4 + length :]
            self._answer(path, body)

    def _answer(self, path: bytes, body: bytes) -> None:
        if path.endswith(b"messages:send"):
            reply = self._send(body)
        elif path == b"/token":
            reply = _TOKEN_REPLY
        else:  # topic (un)subscriptions
            self.counts.subscriptions += 1
            reply = b"{}"
        assert self.transport is not None
        self.transport.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
            % (len(reply), reply)
        )

    def _send(self, body: bytes) -> bytes:
        counts = self.counts
        counts.messages += 1
        now = time.time()
        counts.per_second[int(now)] += 1
        counts.first_message_at = counts.first_message_at or now
        counts.last_message_at = now
        for marker in _TARGETS:
            at = body.find(marker)
            if at >= 0:
                start = at + len(marker)
                target = body[start : body.find(b'"', start)]
                counts.per_target[target] += 1
                if marker.startswith(b'"topic"') and target.decode() not in counts.first_topic_send:
                    counts.first_topic_send[target.decode()] = time.time()
                break
        return b'{"name":"projects/bench/messages/%d"}' % counts.messages


async def serve(directory: Path) -> None:
    counts = Counts()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Http(counts), "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    # A service account with a real RSA key for google-auth to sign with; tokens come from here.
    account = FakeFCM().service_account_file(directory, token_uri=f"{base}/token")
    print(
        json.dumps(
            {"fcm_url": f"{base}/v1/projects/{{0}}/messages:send", "credentials": str(account)}
        ),
        flush=True,
    )
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    started = time.process_time()
    await stop.wait()
    server.close()
    print(json.dumps(counts.summary(time.process_time() - started)), flush=True)


def start(directory: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """Run the fake in its own process; return it and its `fcm_url` and `credentials`."""
    fake = subprocess.Popen(
        [sys.executable, "-m", "bench.fast_fcm", str(directory)],
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    return fake, json.loads(fake.stdout.readline())


def stop(fake: subprocess.Popen[str]) -> dict[str, Any]:
    """Stop the fake and return its counts."""
    fake.terminate()
    tail = fake.communicate(timeout=60)[0].strip().splitlines()
    counts: dict[str, Any] = json.loads(tail[-1]) if tail else {}
    return counts


def main() -> None:
    directory = Path(sys.argv[1])
    directory.mkdir(parents=True, exist_ok=True)
    uvloop.run(serve(directory))


if __name__ == "__main__":
    main()
