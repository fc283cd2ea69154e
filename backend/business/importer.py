"""`citizen import businesses FILE`: a registry extract (CSV, UTF-8, header row) into the
registry. Every row is checked first and refusals are reported by line and column; nothing is
written when any row is refused unless invalid rows are to be skipped. Rows are keyed by code,
so importing the same extract again changes nothing.

Columns: code, kind (enterprise | branch | household), name_vi, name_en, legal_form, vsic_main,
vsic_other (codes separated by `;`), address, latitude, longitude, representative, status
(active | suspended | dissolved). name_en, vsic_other, latitude and longitude may be empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.business import registry
from backend.business.models import BusinessKind, BusinessStatus, LegalForm
from backend.business.registry import BusinessRecord, ImportReport
from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput
from backend.i18n import Locale, field_label, translate

COLUMNS = (
    "code",
    "kind",
    "name_vi",
    "name_en",
    "legal_form",
    "vsic_main",
    "vsic_other",
    "address",
    "latitude",
    "longitude",
    "representative",
    "status",
)
# Rows saved between two progress reports.
CHUNK = 200
MAX_ROWS = 200_000

E = TypeVar("E", bound=StrEnum)


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
    report: ImportReport | None = None
    rows: int = 0

    @property
    def written(self) -> bool:
        return self.report is not None


class ImportFileError(ValueError):
    """The file cannot be read as an extract at all (wrong columns, not UTF-8, too long)."""


# camelCase field of a refusal → the CSV column it came from.
_COLUMN_OF = {
    "code": "code",
    "nameVi": "name_vi",
    "nameEn": "name_en",
    "legalForm": "legal_form",
    "vsicMain": "vsic_main",
    "vsicOther": "vsic_other",
    "address": "address",
    "latitude": "latitude",
    "representativeName": "representative",
}


def _enum(kind: type[E], value: str, column: str) -> E:
    try:
        return kind(value.strip().lower())
    except ValueError as exc:
        raise BadUserInput("business.import_value_unknown", field=column) from exc


def _number(value: str, column: str) -> float | None:
    text = value.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise BadUserInput("input.coordinates", field=column) from exc


def record_of(row: dict[str, str]) -> BusinessRecord:
    """One CSV row checked like any registry entry."""
    kind = _enum(BusinessKind, row["kind"], "kind")
    other = [code for code in row["vsic_other"].split(";") if code.strip()]
    return registry.checked_record(
        code=row["code"],
        kind=kind,
        name_vi=row["name_vi"],
        name_en=row["name_en"] or None,
        legal_form=_enum(LegalForm, row["legal_form"], "legal_form"),
        vsic_main=row["vsic_main"],
        vsic_other=other,
        address=row["address"],
        latitude=_number(row["latitude"], "latitude"),
        longitude=_number(row["longitude"], "longitude"),
        representative_name=row["representative"],
        status=_enum(BusinessStatus, row["status"], "status"),
    )


def read_extract(text: str) -> Iterable[tuple[int, dict[str, str]]]:
    """(line, row) for every data row; the header must name exactly `COLUMNS`."""
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    if reader.fieldnames is None or [name.strip() for name in reader.fieldnames] != list(COLUMNS):
        raise ImportFileError(f"the header must be: {','.join(COLUMNS)}")
    for row in reader:
        if reader.line_num - 1 > MAX_ROWS:
            raise ImportFileError(f"at most {MAX_ROWS} rows per file")
        if None in row or any(value is None for value in row.values()):
            yield reader.line_num, {}
            continue
        yield reader.line_num, {key.strip(): value for key, value in row.items()}


def check_extract(text: str, locale: Locale = Locale.EN) -> tuple[list[BusinessRecord], Outcome]:
    """Every row checked; refusals by line (a code twice in the file refuses the later line)."""
    outcome = Outcome()
    records: list[BusinessRecord] = []
    seen: dict[str, int] = {}
    try:
        for line, row in read_extract(text):
            outcome.rows += 1
            if not row:
                outcome.errors.append(
                    RowError(
                        line,
                        "*",
                        "business.import_columns",
                        _message("business.import_columns", "*", locale),
                    )
                )
                continue
            try:
                record = record_of(row)
            except BadUserInput as refusal:
                column = _COLUMN_OF.get(str(refusal.field).split("[")[0], str(refusal.field))
                outcome.errors.append(
                    RowError(
                        line,
                        column,
                        refusal.message_key,
                        _message(refusal.message_key, column, locale, **refusal.params),
                    )
                )
                continue
            if record.code in seen:
                outcome.errors.append(
                    RowError(
                        line,
                        "code",
                        "business.import_duplicate",
                        _message(
                            "business.import_duplicate", "code", locale, line=seen[record.code]
                        ),
                    )
                )
                continue
            seen[record.code] = line
            records.append(record)
    except csv.Error as exc:
        raise ImportFileError(f"not a valid CSV file: {exc}") from exc
    return records, outcome


def _message(key: str, column: str, locale: Locale, **params: object) -> str:
    return translate(key, locale, field=field_label(column, locale, "business"), **params)


async def import_extract(
    sessions: async_sessionmaker[AsyncSession],
    text: str,
    *,
    skip_invalid: bool,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Check, then write in one transaction (all rows or none); with `skip_invalid`, the valid
    rows are written and the refused ones only reported."""
    records, outcome = check_extract(text)
    if outcome.errors and not skip_invalid:
        return outcome
    added = updated = unchanged = 0
    async with UnitOfWork(sessions) as uow:
        for start in range(0, len(records), CHUNK):
            chunk = records[start : start + CHUNK]
            saved = await registry.save_records(uow, chunk, actor_id=None, now=now)
            added, updated = added + saved.added, updated + saved.updated
            unchanged += saved.unchanged
            if progress is not None:
                progress(start + len(chunk), len(records))
    outcome.report = ImportReport(added=added, updated=updated, unchanged=unchanged)
    return outcome
