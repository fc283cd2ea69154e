"""The registry of businesses: checking an entry, adding or updating it (the import), and the
public directory of certified businesses on the map."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shapely.geometry import Point
from sqlalchemy.ext.asyncio import AsyncSession

from backend.business import access, codes
from backend.business.models import Business, BusinessKind, BusinessStatus, LegalForm
from backend.business.repository import businesses as repository
from backend.business.repository.businesses import DirectoryOrder
from backend.business.repository.rows import BusinessRow
from backend.business.text import checked_text
from backend.db.text_search import MAX_QUERY_LENGTH
from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput
from backend.free_text import check_name, check_printable
from backend.places import service as places

MAX_NAME = 300
MAX_ADDRESS = 300
MAX_PERSON = 120
MAX_RADIUS_M = 50_000


@dataclass(frozen=True, slots=True)
class BusinessRecord:
    """One registry entry, checked."""

    code: str
    kind: BusinessKind
    name_vi: str
    name_en: str | None
    legal_form: LegalForm
    vsic_main: str
    vsic_other: tuple[str, ...]
    address: str
    location: Point | None
    representative_name: str
    status: BusinessStatus


def _text(value: str, *, field: str, limit: int) -> str:
    text = checked_text(value, field=field, limit=limit, required=True)
    assert text is not None
    return text


def checked_record(
    *,
    code: str,
    kind: BusinessKind,
    name_vi: str,
    name_en: str | None,
    legal_form: LegalForm,
    vsic_main: str,
    vsic_other: Sequence[str],
    address: str,
    latitude: float | None,
    longitude: float | None,
    representative_name: str,
    status: BusinessStatus,
    prefix: str = "",
) -> BusinessRecord:
    """A registry entry with every rule checked; a refusal names the field (`prefix` + name)."""
    # A household business and a branch each have a legal form of their own, and only they do.
    for special_kind, special_form in (
        (BusinessKind.HOUSEHOLD, LegalForm.HOUSEHOLD_BUSINESS),
        (BusinessKind.BRANCH, LegalForm.BRANCH),
    ):
        if (kind is special_kind) != (legal_form is special_form):
            raise BadUserInput("business.legal_form_mismatch", field=f"{prefix}legalForm")
    location = None
    if (latitude is None) != (longitude is None):
        raise BadUserInput("input.coordinates", field=f"{prefix}latitude")
    if latitude is not None and longitude is not None:
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            raise BadUserInput("input.coordinates", field=f"{prefix}latitude")
        location = places.checked_point(latitude, longitude, field=f"{prefix}latitude")
    english = checked_text(name_en, field=f"{prefix}nameEn", limit=MAX_NAME, required=False)
    return BusinessRecord(
        code=codes.business_code(code, kind, field=f"{prefix}code"),
        kind=kind,
        name_vi=_text(name_vi, field=f"{prefix}nameVi", limit=MAX_NAME),
        name_en=english,
        legal_form=legal_form,
        vsic_main=codes.vsic_code(vsic_main, field=f"{prefix}vsicMain"),
        vsic_other=tuple(codes.vsic_codes(list(vsic_other), field=f"{prefix}vsicOther")),
        address=_text(address, field=f"{prefix}address", limit=MAX_ADDRESS),
        location=location,
        representative_name=check_name(
            _text(representative_name, field=f"{prefix}representativeName", limit=MAX_PERSON),
            field=f"{prefix}representativeName",
        ),
        status=status,
    )


def search_text(record: BusinessRecord) -> str:
    """What search matches: both names, the code and the address."""
    return " | ".join(
        part for part in (record.name_vi, record.name_en, record.code, record.address) if part
    )


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: int
    updated: int
    unchanged: int


async def save_records(
    uow: UnitOfWork,
    records: Sequence[BusinessRecord],
    *,
    actor_id: uuid.UUID | None,
    now: datetime,
) -> ImportReport:
    """Add new entries and update changed ones, keyed by code: importing the same extract
    twice changes nothing the second time. Each addition and change is audited."""
    session = uow.session
    known = await repository.businesses_by_codes(session, [record.code for record in records])
    added = updated = unchanged = 0
    for record in records:
        existing = known.get(record.code)
        if existing is None:
            ward = (
                None if record.location is None else await places.ward_at(session, record.location)
            )
            business = Business(
                id=uuid.uuid4(),
                code=record.code,
                location=record.location,
                created_at=now,
                updated_at=now,
                **_values(record, ward_id=None if ward is None else ward.id),
            )
            await repository.add_business(session, business)
            known[record.code] = business
            await access.audit(
                session, "business.registered", business_id=business.id, actor_id=actor_id, now=now
            )
            added += 1
            continue
        changed = await apply_record(session, existing, record, now=now)
        if not changed:
            unchanged += 1
            continue
        await access.audit(
            session,
            "business.updated",
            business_id=existing.id,
            actor_id=actor_id,
            now=now,
            fields=",".join(changed),
        )
        updated += 1
    return ImportReport(added=added, updated=updated, unchanged=unchanged)


def _values(record: BusinessRecord, *, ward_id: uuid.UUID | None) -> dict[str, Any]:
    """The columns a record sets, location aside (points are compared with a tolerance)."""
    return {
        "kind": record.kind,
        "name_vi": record.name_vi,
        "name_en": record.name_en,
        "legal_form": record.legal_form,
        "vsic_main": record.vsic_main,
        "vsic_other": list(record.vsic_other),
        "address": record.address,
        "ward_id": ward_id,
        "representative_name": record.representative_name,
        "status": record.status,
        "search_text": search_text(record),
    }


async def apply_record(
    session: AsyncSession, existing: Business, record: BusinessRecord, *, now: datetime
) -> list[str]:
    """Make the entry say what `record` says; the names of the columns that changed (none: the
    entry is left as it was, its time of change included)."""
    ward = None if record.location is None else await places.ward_at(session, record.location)
    values = _values(record, ward_id=None if ward is None else ward.id)
    changed = sorted(name for name, value in values.items() if getattr(existing, name) != value)
    if not _same_point(existing.location, record.location):
        changed.append("location")
    if not changed:
        return []
    for name in changed:
        setattr(existing, name, record.location if name == "location" else values[name])
    existing.updated_at = now
    await session.flush()
    return changed


def _same_point(left: Point | None, right: Point | None) -> bool:
    if left is None or right is None:
        return left is right
    return bool(abs(left.x - right.x) < 1e-9 and abs(left.y - right.y) < 1e-9)


# --- the public directory --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DirectoryHit:
    row: BusinessRow
    # Metres from `near`, or the Vietnamese name.
    key: Any


def directory_order(near: Point | None) -> DirectoryOrder:
    return DirectoryOrder.NAME if near is None else DirectoryOrder.DISTANCE


def checked_search(text: str | None, *, field: str) -> str | None:
    if text is None:
        return None
    text = check_printable(text, field=field).strip()
    if not text:
        raise BadUserInput("business.search_blank", field=field)
    if len(text) > MAX_QUERY_LENGTH:
        raise BadUserInput("input.too_long", field=field, max=MAX_QUERY_LENGTH)
    return text


async def directory(
    session: AsyncSession,
    *,
    today: date,
    near: Point | None,
    radius_m: float | None,
    vsic: str | None,
    search: str | None,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
    permit_type_id: uuid.UUID | None = None,
) -> list[DirectoryHit]:
    """Certified active businesses: nearest first within `radius_m` of `near`, else by name;
    with `permit_type_id`, those certified by that type (food safety, listed prices)."""
    radius = None
    if near is not None:
        radius = MAX_RADIUS_M if radius_m is None else radius_m
        if not 1 <= radius <= MAX_RADIUS_M:
            raise BadUserInput("input.radius", field="radiusMeters", max=MAX_RADIUS_M)
    wanted_vsic = None if vsic is None else codes.vsic_prefix(vsic, field="vsic")
    found = await repository.directory_page(
        session,
        today=today,
        order=directory_order(near),
        near=near,
        radius_m=radius,
        vsic=wanted_vsic,
        search=search,
        after=after,
        limit=limit,
        permit_type_id=permit_type_id,
    )
    return [DirectoryHit(row, key) for row, key in found]


async def businesses_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[BusinessRow]:
    return await repository.businesses_by_ids(session, ids)
