"""An agency's staff list, imported from CSV as a whole: one bad line refuses the file and
keeps the previous list."""

from __future__ import annotations

import csv
import io
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from backend.cards import repository
from backend.cards.models import StaffEntry
from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, NotFound
from backend.identity.contacts import normalize_phone

COLUMNS = ("phone", "full_name", "employing_unit", "position", "card_number")
MAX_ROWS = 5000
MAX_BYTES = 1_000_000


def normalized_phone(raw: str, *, field: str) -> str:
    return normalize_phone(raw, field=field)


def text(raw: str, *, field: str, limit: int) -> str:
    value = " ".join(raw.split())
    if not value or len(value) > limit:
        raise BadUserInput("cards.text_invalid", field=field, max=limit)
    return value


async def import_staff_list(
    uow: UnitOfWork, *, admin_id: uuid.UUID, agency_id: uuid.UUID, csv_text: str, now: datetime
) -> int:
    """Replace the agency's staff list; returns the number of people on it."""
    session = uow.session
    if not await repository.is_agency_admin(session, agency_id, admin_id):
        raise NotFound("cards.agency_not_found", field="agencyId")
    entries = parse_staff_csv(csv_text, agency_id=agency_id, now=now)
    await repository.replace_staff_list(session, agency_id, entries)
    return len(entries)


@dataclass(frozen=True, slots=True)
class Problem:
    """A refused line of a staff list: its number in the file and the message key."""

    line: int
    reason: str


Progress = Callable[[int, int], None]


def parse_staff_csv(csv_text: str, *, agency_id: uuid.UUID, now: datetime) -> list[StaffEntry]:
    """The file's entries, or the first bad line as an error (nothing is kept of a bad file)."""
    entries, problems = check_staff_csv(csv_text, agency_id=agency_id, now=now)
    if problems:
        first = problems[0]
        raise BadUserInput(first.reason, field="csv", line=first.line)
    return entries


def check_staff_csv(
    csv_text: str, *, agency_id: uuid.UUID, now: datetime, progress: Progress | None = None
) -> tuple[list[StaffEntry], list[Problem]]:
    """Every line checked: the entries, and each bad line with its reason. `progress(done,
    total)` hears of every hundredth line and of the last."""
    if len(csv_text.encode()) > MAX_BYTES:
        raise BadUserInput("cards.staff_csv_too_large", field="csv", max=MAX_BYTES)
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    if reader.fieldnames is None or tuple(reader.fieldnames) != COLUMNS:
        raise BadUserInput("cards.staff_csv_header", field="csv", columns=",".join(COLUMNS))
    rows = list(itertools.islice(reader, MAX_ROWS + 1))
    if len(rows) > MAX_ROWS:
        raise BadUserInput("cards.staff_csv_too_many", field="csv", max=MAX_ROWS)
    entries: list[StaffEntry] = []
    problems: list[Problem] = []
    phones: set[str] = set()
    numbers: set[str] = set()
    for done, row in enumerate(rows, start=1):
        entry = _entry(row, agency_id, now)
        number = done + 1  # the header is line 1
        if entry is None:
            problems.append(Problem(number, "cards.staff_csv_line"))
        elif entry.phone in phones or entry.card_number in numbers:
            problems.append(Problem(number, "cards.staff_csv_duplicate"))
        else:
            phones.add(entry.phone)
            numbers.add(entry.card_number)
            entries.append(entry)
        if progress is not None and (done % 100 == 0 or done == len(rows)):
            progress(done, len(rows))
    return entries, problems


def _entry(row: dict[str, str | None], agency_id: uuid.UUID, now: datetime) -> StaffEntry | None:
    try:
        return StaffEntry(
            id=uuid.uuid4(),
            agency_id=agency_id,
            phone=normalize_phone(row["phone"] or "", field="csv"),
            full_name=text(row["full_name"] or "", field="csv", limit=120),
            employing_unit=text(row["employing_unit"] or "", field="csv", limit=200),
            position=text(row["position"] or "", field="csv", limit=120),
            card_number=text(row["card_number"] or "", field="csv", limit=32),
            imported_at=now,
        )
    except BadUserInput:
        return None


async def import_staff_file(
    uow: UnitOfWork,
    *,
    agency_slug: str,
    csv_text: str,
    now: datetime,
    progress: Progress | None = None,
) -> tuple[int, list[Problem]]:
    """An operator's import (`citizen card import-staff`): every line checked with progress,
    then the agency's list replaced in one transaction, or nothing written if a line is bad."""
    session = uow.session
    agency = await repository.agency_by_slug(session, agency_slug)
    if agency is None:
        raise NotFound("cards.agency_not_found", field="agency")
    entries, problems = check_staff_csv(csv_text, agency_id=agency.id, now=now, progress=progress)
    if problems:
        return 0, problems
    await repository.replace_staff_list(session, agency.id, entries)
    return len(entries), []
