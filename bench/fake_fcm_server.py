"""Run the FCM fake in its own process for benchmarks; prints its settings as one JSON line.

python -m bench.fake_fcm_server DIRECTORY
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from pathlib import Path

from tests.fakes.fcm import FakeFCM


def main() -> None:
    directory = Path(sys.argv[1])
    directory.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with FakeFCM() as fcm:
        account = fcm.service_account_file(directory)
        print(json.dumps({"fcm_url": fcm.fcm_url, "credentials": str(account)}), flush=True)
        started = time.process_time()
        while not stop.wait(0.5):
            pass
        print(
            json.dumps(
                {"messages": len(fcm.messages), "cpu_seconds": time.process_time() - started}
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
