"""CPU time of processes, read from /proc: steadier than requests per second on a shared
machine. A process that is gone counts 0."""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> list[int]:
    try:
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
    except OSError:
        return []


def cpu_seconds(*pids: int, descendants: bool = False) -> float:
    """User + system CPU of these processes so far, and of their descendants if asked."""
    total = 0
    pending = list(pids)
    while pending:
        pid = pending.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if descendants:
            pending += children_of(pid)
    return total / TICKS
