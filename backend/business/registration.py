"""Operators keep the registry right between two extracts: they correct a business's registered
details against its registration certificate and record a suspension, a resumption or a
dissolution. Every change is checked like an imported row, audited with the operator and the
reason, and refused with nothing written when anything is wrong.

A business that is not active takes no new applications (`applications.create` and its
submissions check the status), drops off the map and receives no notices. Dissolution is final:
a dissolved business is never active again.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from enum import Enum
from typing import TypeVar

from backend.business import access, registry
from backend.business.models import Business, BusinessStatus, LegalForm
from backend.business.repository import businesses as repository
from backend.business.repository.rows import BusinessRow
from backend.business.text import checked_text
from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, NotFound
from backend.places import service as places

MAX_REASON = 500
T = TypeVar("T")

# Moves of the registry status an operator may record; dissolution is final.
STATUS_MOVES: dict[BusinessStatus, frozenset[BusinessStatus]] = {
    BusinessStatus.ACTIVE: frozenset({BusinessStatus.SUSPENDED, BusinessStatus.DISSOLVED}),
    BusinessStatus.SUSPENDED: frozenset({BusinessStatus.ACTIVE, BusinessStatus.DISSOLVED}),
    BusinessStatus.DISSOLVED: frozenset(),
}


class Keep(Enum):
    """A detail the correction leaves as registered."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True, slots=True)
class Correction:
    """What the operator changes; `KEEP` leaves a detail as it is, `None` clears an optional
    one (the English name, the location)."""

    name_vi: str | Keep = KEEP
    name_en: str | Keep | None = KEEP
    legal_form: LegalForm | Keep = KEEP
    vsic_main: str | Keep = KEEP
    vsic_other: Sequence[str] | Keep = KEEP
    address: str | Keep = KEEP
    location: tuple[float, float] | Keep | None = KEEP
    representative_name: str | Keep = KEEP

    def is_empty(self) -> bool:
        return all(getattr(self, item.name) is KEEP for item in fields(self))


def _or(value: T | Keep, current: T) -> T:
    return current if isinstance(value, Keep) else value


async def _locked(uow: UnitOfWork, operator_id: uuid.UUID, business_id: uuid.UUID) -> Business:
    session = uow.session
    await access.require_operator(session, operator_id)
    business = await repository.business_for_update(session, business_id, lock=True)
    if business is None:
        raise NotFound("business.not_found", field="input.businessId")
    return business


async def _row(uow: UnitOfWork, business_id: uuid.UUID) -> BusinessRow:
    [row] = await repository.businesses_by_ids(uow.session, [business_id])
    return row


async def correct(
    uow: UnitOfWork,
    *,
    operator_id: uuid.UUID,
    business_id: uuid.UUID,
    correction: Correction,
    reason: str,
    now: datetime,
) -> BusinessRow:
    """Correct registered details; the whole entry is checked as the import checks a row. A
    correction that changes nothing writes nothing (a retry is harmless)."""
    business = await _locked(uow, operator_id, business_id)
    if correction.is_empty():
        raise BadUserInput("business.correction_empty", field="input")
    note = checked_text(reason, field="input.reason", limit=MAX_REASON, required=True)
    latitude, longitude = (
        (None, None)
        if business.location is None
        else (float(business.location.y), float(business.location.x))
    )
    if not isinstance(correction.location, Keep):
        latitude, longitude = (None, None) if correction.location is None else correction.location
        if latitude is not None and longitude is not None:
            places.checked_point(latitude, longitude, field="input.location")
    record = registry.checked_record(
        code=business.code,
        kind=business.kind,
        name_vi=_or(correction.name_vi, business.name_vi),
        name_en=_or(correction.name_en, business.name_en),
        legal_form=_or(correction.legal_form, business.legal_form),
        vsic_main=_or(correction.vsic_main, business.vsic_main),
        vsic_other=list(_or(correction.vsic_other, business.vsic_other)),
        address=_or(correction.address, business.address),
        latitude=latitude,
        longitude=longitude,
        representative_name=_or(correction.representative_name, business.representative_name),
        status=business.status,
        prefix="input.",
    )
    changed = await registry.apply_record(uow.session, business, record, now=now)
    if changed:
        await access.audit(
            uow.session,
            "business.corrected",
            business_id=business.id,
            actor_id=operator_id,
            now=now,
            fields=",".join(changed),
            reason=note,
        )
    return await _row(uow, business.id)


async def set_status(
    uow: UnitOfWork,
    *,
    operator_id: uuid.UUID,
    business_id: uuid.UUID,
    status: BusinessStatus,
    reason: str,
    now: datetime,
) -> BusinessRow:
    """Record a suspension, a resumption or a dissolution, with the reason (the decision's
    number, say). Moving to the status it has, or out of dissolution, is CONFLICT."""
    business = await _locked(uow, operator_id, business_id)
    note = checked_text(reason, field="input.reason", limit=MAX_REASON, required=True)
    previous = business.status
    if status is previous:
        raise Conflict("business.status_unchanged", field="input.status")
    if status not in STATUS_MOVES[previous]:
        raise Conflict("business.dissolved", field="input.status")
    business.status = status
    business.updated_at = now
    await uow.session.flush()
    await access.audit(
        uow.session,
        "business.status_changed",
        business_id=business.id,
        actor_id=operator_id,
        now=now,
        before=previous.value,
        after=status.value,
        reason=note,
    )
    return await _row(uow, business.id)
