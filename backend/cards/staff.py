"""An agency's staff list, imported from CSV as a whole: one bad line refuses the file and
keeps the previous list."""

from __future__ import annotations

import csv
import io
import uuid
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


def parse_staff_csv(csv_text: str, *, agency_id: uuid.UUID, now: datetime) -> list[StaffEntry]:
    if len(csv_text.encode()) > MAX_BYTES:
        raise BadUserInput("cards.staff_csv_too_large", field="csv", max=MAX_BYTES)
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    if reader.fieldnames is None or tuple(reader.fieldnames) != COLUMNS:
        raise BadUserInput("cards.staff_csv_header", field="csv", columns=",".join(COLUMNS))
    entries: list[StaffEntry] = []
    phones: set[str] = set()
    numbers: set[str] = set()
    for line, row in enumerate(reader, start=2):
        if len(entries) >= MAX_ROWS:
            raise BadUserInput("cards.staff_csv_too_many", field="csv", max=MAX_ROWS)
        try:
            phone = normalize_phone(row["phone"] or "", field="csv")
            entry = StaffEntry(
                id=uuid.uuid4(),
                agency_id=agency_id,
                phone=phone,
                full_name=text(row["full_name"] or "", field="csv", limit=120),
                employing_unit=text(row["employing_unit"] or "", field="csv", limit=200),
                position=text(row["position"] or "", field="csv", limit=120),
                card_number=text(row["card_number"] or "", field="csv", limit=32),
                imported_at=now,
            )
        except BadUserInput as exc:
            raise BadUserInput("cards.staff_csv_line", field="csv", line=line) from exc
        if phone in phones or entry.card_number in numbers:
            raise BadUserInput("cards.staff_csv_duplicate", field="csv", line=line)
        phones.add(phone)
        numbers.add(entry.card_number)
        entries.append(entry)
    return entries
