"""Group commit of ingest batches: the batches that concurrent requests of one process bring are
written in one transaction, and each request is answered once that transaction has committed.

A batch is checked before it joins (refused rows are its own), so a group holds only rows to
store. A group is written once it holds `max_rows` readings, or `max_delay` seconds after its
oldest batch arrived; batches that arrive while every writer is busy form the next group, which
goes as soon as a writer is free. At most `writers` groups are written at once (on PostgreSQL a
group is one statement that locks the latest values in datastream order, then the rules in slug
order, so concurrent groups never wait on each other in a cycle).

Durability is that of a transaction per batch: nothing is acknowledged before its commit. If a
statement of the group fails, the group is rolled back and each batch is written again alone, so
one batch the database refuses does not sink the others; a batch that fails alone, or a commit
that fails, fails its requests with `StoreFailed` (nothing of theirs is reported stored)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from backend.environment.ingest import Batch, Report

log = logging.getLogger(__name__)

# Writes batches in one transaction and returns their reports, in order; raises `CommitFailed`
# if the commit itself failed, anything else if a statement did.
Write = Callable[[Sequence[Batch]], Awaitable[list[Report]]]


class StoreFailed(Exception):
    """The batch could not be stored; nothing of it is reported stored."""


class CommitFailed(Exception):
    """The group's statements ran but its commit failed: none of it may be acknowledged."""


@dataclass(slots=True)
class _Waiting:
    batch: Batch
    answer: asyncio.Future[Report]
    arrived: float


class GroupCommit:
    """One per process and event loop: `submit` a checked batch, get its report after the
    commit of the group it joined. At most `writers` groups are written at once."""

    def __init__(self, write: Write, *, max_rows: int, max_delay: float, writers: int = 2) -> None:
        self._write = write
        self._max_rows = max_rows
        self._max_delay = max_delay
        self._max_writers = writers
        self._waiting: list[_Waiting] = []
        self._rows = 0
        self._full = asyncio.Event()
        # Writers gathering a group (not yet writing it) and all writers.
        self._gathering = 0
        self._writers: set[asyncio.Task[None]] = set()

    async def submit(self, batch: Batch) -> Report:
        if not batch.kept:
            return Report(refused=batch.refused)
        loop = asyncio.get_running_loop()
        waiting = _Waiting(batch, loop.create_future(), loop.time())
        self._waiting.append(waiting)
        self._rows += len(batch.kept)
        if self._rows >= self._max_rows:
            self._full.set()
        if not self._gathering and len(self._writers) < self._max_writers:
            self._writers.add(loop.create_task(self._run()))
        # A request that goes away leaves its batch in the group: it is stored all the same.
        return await asyncio.shield(waiting.answer)

    async def _run(self) -> None:
        """Gather and write groups until none is waiting; then stop (the next batch starts a
        writer again). A group is due `max_delay` after its oldest batch arrived, or when full:
        batches that waited for a busy writer go at once."""
        loop = asyncio.get_running_loop()
        try:
            while self._waiting:
                self._gathering += 1
                try:
                    while self._waiting and self._rows < self._max_rows:
                        remaining = self._waiting[0].arrived + self._max_delay - loop.time()
                        if remaining <= 0:
                            break
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self._full.wait(), timeout=remaining)
                finally:
                    self._gathering -= 1
                if self._waiting:
                    await self._write_group(self._take())
        finally:
            # At once, not in a done callback: a batch submitted from now on starts a writer.
            task = asyncio.current_task()
            if task is not None:
                self._writers.discard(task)

    def _take(self) -> list[_Waiting]:
        taken: list[_Waiting] = []
        rows = 0
        while self._waiting and (
            not taken or rows + len(self._waiting[0].batch.kept) <= self._max_rows
        ):
            waiting = self._waiting.pop(0)
            taken.append(waiting)
            rows += len(waiting.batch.kept)
        self._rows -= rows
        if self._rows < self._max_rows:
            self._full.clear()
        return taken

    async def _write_group(self, group: list[_Waiting]) -> None:
        try:
            reports = await self._write([w.batch for w in group])
        except CommitFailed as exc:
            log.exception("environment.ingest.commit_failed", extra={"batches": len(group)})
            for waiting in group:
                _fail(waiting, exc)
            return
        except Exception as exc:
            if len(group) == 1:
                log.exception("environment.ingest.store_failed")
                _fail(group[0], exc)
                return
            # One batch may be at fault: each is written again in a transaction of its own.
            log.warning("environment.ingest.group_split", extra={"batches": len(group)})
            for waiting in group:
                await self._write_group([waiting])
            return
        for waiting, report in zip(group, reports, strict=True):
            if not waiting.answer.done():
                waiting.answer.set_result(report)


def _fail(waiting: _Waiting, cause: BaseException) -> None:
    if not waiting.answer.done():
        failure = StoreFailed()
        failure.__cause__ = cause
        waiting.answer.set_exception(failure)
