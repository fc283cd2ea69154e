"""`citizen import violations FILE`: camera-detected violations from the police system (CSV,
UTF-8, header row naming `violations.FIELDS`). Every row is checked first and refusals are
reported by line and column; nothing is written when any row is refused. Rows are keyed by their
natural key, so importing the same file again changes nothing; a status change updates.

Times are ISO 8601 with an offset (2026-11-26T08:15:00+07:00); amounts in đồng."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.unit_of_work import TaskSender, UnitOfWork
from backend.errors import BadUserInput
from backend.i18n import Locale, field_label, translate
from backend.traffic import violations
from backend.traffic.violations import FIELDS, SaveReport, ViolationRecord

CHUNK = 200
MAX_ROWS = 500_000


class ImportFileError(ValueError):
    """The file cannot be read as a feed at all (wrong header, not CSV, too long)."""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message} [{self.code}]"


@dataclass(slots=True)
class Outcome:
    errors: list[RowError] = field(default_factory=list)
    report: SaveReport | None = None
    rows: int = 0


def check_file(text: str, locale: Locale = Locale.EN) -> tuple[list[ViolationRecord], Outcome]:
    outcome = Outcome()
    records: list[ViolationRecord] = []
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = [name.strip() for name in reader.fieldnames or []]
        if header != list(FIELDS):
            raise ImportFileError(f"the header must be: {','.join(FIELDS)}")
        for row in reader:
            outcome.rows += 1
            if outcome.rows > MAX_ROWS:
                raise ImportFileError(f"at most {MAX_ROWS} rows per file")
            line = reader.line_num
            if None in row or any(value is None for value in row.values()):
                outcome.errors.append(_error(line, "*", "traffic.import_columns", locale))
                continue
            try:
                records.append(violations.checked_record({k.strip(): v for k, v in row.items()}))
            except BadUserInput as refusal:
                column = str(refusal.field)
                outcome.errors.append(
                    _error(line, column, refusal.message_key, locale, **refusal.params)
                )
    except csv.Error as exc:
        raise ImportFileError(f"not a valid CSV file: {exc}") from exc
    return records, outcome


def _error(line: int, column: str, key: str, locale: Locale, **params: object) -> RowError:
    label = field_label(column, locale, "traffic")
    return RowError(line, column, key, translate(key, locale, field=label, **params))


async def import_file(
    sessions: async_sessionmaker[AsyncSession],
    text: str,
    *,
    tasks: TaskSender | None,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Check, then write in one transaction (all rows or none); owners' pushes leave through
    `tasks` after the commit."""
    records, outcome = check_file(text)
    if outcome.errors:
        return outcome
    added = updated = unchanged = 0
    async with UnitOfWork(sessions, tasks) as uow:
        for start in range(0, len(records), CHUNK):
            chunk = records[start : start + CHUNK]
            saved = await violations.save_records(uow, chunk, now=now)
            added, updated = added + saved.added, updated + saved.updated
            unchanged += saved.unchanged
            if progress is not None:
                progress(start + len(chunk), len(records))
    outcome.report = SaveReport(added=added, updated=updated, unchanged=unchanged)
    return outcome
