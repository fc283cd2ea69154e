"""Import historical observations from CSV (`citizen import observations FILE`): columns
`datastream,phenomenon_time,result`, a header line, UTF-8. Rows are stored in batches of
`ingest.MAX_BATCH`, each committed on its own: an interrupted import is simply run again (the
rows already stored are ignored as repeats)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backend.db.unit_of_work import TaskSender, UnitOfWork
from backend.environment import ingest

COLUMNS = ("datastream", "phenomenon_time", "result")


class HistoryFileError(ValueError):
    pass


@dataclass(slots=True)
class Outcome:
    rows: int = 0
    report: ingest.Report = field(default_factory=ingest.Report)
    # (line number, code) of refused rows.
    refused_lines: list[tuple[int, str]] = field(default_factory=list)


def _parse(record: dict[str, str | None]) -> ingest.Reading | ingest.RowError:
    raw_id = (record.get("datastream") or "").strip()
    if not raw_id.isdigit():
        return ingest.RowError.UNKNOWN_DATASTREAM
    try:
        result: object = float((record.get("result") or "").strip())
    except ValueError:
        result = None
    return ingest.parse_row(
        {"phenomenonTime": (record.get("phenomenon_time") or "").strip(), "result": result},
        int(raw_id),
    )


def _chunks(
    records: Iterable[dict[str, str | None]], size: int
) -> Iterator[list[ingest.Reading | ingest.RowError]]:
    chunk: list[ingest.Reading | ingest.RowError] = []
    for record in records:
        chunk.append(_parse(record))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def import_history(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    source: TextIO,
    *,
    now: datetime,
    tasks: TaskSender | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> Outcome:
    reader = csv.DictReader(source)
    if reader.fieldnames is None or not set(COLUMNS) <= set(reader.fieldnames):
        raise HistoryFileError(f"the header must name the columns {', '.join(COLUMNS)}")
    ingestor = ingest.Ingestor(engine)
    outcome = Outcome()
    for chunk in _chunks(reader, ingest.MAX_BATCH):
        async with UnitOfWork(sessions, tasks) as uow:
            report = await ingestor.ingest(uow, chunk, station=None, now=now)
        # Line 1 is the header.
        outcome.refused_lines.extend(
            (outcome.rows + r.index + 2, r.code.value) for r in report.refused
        )
        outcome.report.add(report, offset=outcome.rows)
        outcome.rows += len(chunk)
        if progress is not None:
            progress(outcome)
    return outcome
