"""Accounts acting for businesses: a claim to be a business's representative, verified by an
operator against the registration certificate before it gives any access; staff added by the
representative with limited rights. Every change is audited and told to the person concerned."""

from __future__ import annotations

import uuid
from datetime import datetime

from backend.business import access, codes, notices
from backend.business.access import Right
from backend.business.models import (
    BusinessKind,
    BusinessStatus,
    MemberRole,
    Membership,
    MembershipStatus,
)
from backend.business.repository import businesses as business_rows
from backend.business.repository import members as member_rows
from backend.business.text import checked_text
from backend.db.unit_of_work import UnitOfWork
from backend.errors import Conflict, NotFound
from backend.identity import service as identity
from backend.identity.contacts import normalize_phone
from notifications.service import notify

MAX_EVIDENCE = 120
MAX_NOTE = 500
# Staff a business may have (a representative adding hundreds is a mistake or abuse).
MAX_STAFF = 50


def _code_of(raw: str) -> str:
    """An enterprise or branch code as typed (digits, maybe a dash), or a household number."""
    compact = raw.strip().replace(" ", "").replace("-", "")
    if compact.isdigit():
        kind = BusinessKind.BRANCH if len(compact) == 13 else BusinessKind.ENTERPRISE
        return codes.business_code(compact, kind, field="input.code")
    return codes.business_code(raw, BusinessKind.HOUSEHOLD, field="input.code")


async def claim(
    uow: UnitOfWork, *, user_id: uuid.UUID, code: str, evidence: str, now: datetime
) -> Membership:
    """Ask to be recognised as the representative of the business with this code; pending until
    an operator verifies the registration certificate number given as `evidence`."""
    session = uow.session
    wanted = _code_of(code)
    proof = checked_text(
        evidence, field="input.certificateNumber", limit=MAX_EVIDENCE, required=True
    )
    found = (await business_rows.businesses_by_codes(session, [wanted])).get(wanted)
    if found is None or found.status is BusinessStatus.DISSOLVED:
        raise NotFound("business.not_found", field="input.code")
    if await member_rows.membership(session, found.id, user_id) is not None:
        raise Conflict("business.already_member", field="input.code")
    if await member_rows.active_representative(session, found.id) is not None:
        raise Conflict("business.has_representative", field="input.code")
    membership = Membership(
        id=uuid.uuid4(),
        business_id=found.id,
        user_id=user_id,
        role=MemberRole.REPRESENTATIVE,
        status=MembershipStatus.PENDING,
        evidence=proof,
        created_at=now,
    )
    await member_rows.add(session, membership)
    await access.audit(session, "claim.submitted", business_id=found.id, actor_id=user_id, now=now)
    return membership


async def decide_claim(
    uow: UnitOfWork,
    *,
    operator_id: uuid.UUID,
    membership_id: uuid.UUID,
    approve: bool,
    note: str | None,
    now: datetime,
) -> Membership:
    """An operator verifies (or rejects) a pending claim; the claimant is told either way."""
    session = uow.session
    await access.require_operator(session, operator_id)
    reason = checked_text(note, field="input.note", limit=MAX_NOTE, required=not approve)
    membership = await member_rows.membership_for_update(session, membership_id)
    if membership is None:
        raise NotFound("business.claim_not_found", field="input.claimId")
    if membership.status is not MembershipStatus.PENDING:
        raise Conflict("business.claim_decided", field="input.claimId")
    if approve and await member_rows.active_representative(session, membership.business_id):
        raise Conflict("business.has_representative", field="input.claimId")
    membership.status = MembershipStatus.ACTIVE if approve else MembershipStatus.REJECTED
    membership.decided_by = operator_id
    membership.decided_at = now
    membership.decision_note = reason
    await session.flush()
    await access.audit(
        session,
        "claim.approved" if approve else "claim.rejected",
        business_id=membership.business_id,
        actor_id=operator_id,
        now=now,
        membership=membership.id,
    )
    await notify(
        uow,
        user_ids=[membership.user_id],
        message=notices.claim_decided(membership, approved=approve),
        now=now,
    )
    return membership


async def add_staff(
    uow: UnitOfWork,
    *,
    representative_id: uuid.UUID,
    business_id: uuid.UUID,
    phone: str,
    now: datetime,
) -> Membership:
    """The representative adds an account (by its phone number) as staff: it may prepare and
    submit applications and read what the business receives, nothing more."""
    session = uow.session
    await access.require(session, business_id, representative_id, Right.MANAGE)
    number = normalize_phone(phone, field="input.phone")
    user = await identity.active_user_by_phone(session, number)
    if user is None:
        raise NotFound("business.account_not_found", field="input.phone")
    existing = await member_rows.membership(session, business_id, user.id)
    if existing is not None and existing.status is MembershipStatus.ACTIVE:
        raise Conflict("business.already_member", field="input.phone")
    members = (await member_rows.active_members(session, [business_id])).get(business_id, [])
    if sum(1 for _, role in members if role is MemberRole.STAFF) >= MAX_STAFF:
        raise Conflict("business.too_many_staff", field="input.phone", max=MAX_STAFF)
    if existing is not None:
        # A former member (revoked or a rejected claim) comes back as staff.
        existing.role = MemberRole.STAFF
        existing.status = MembershipStatus.ACTIVE
        existing.decided_by = representative_id
        existing.decided_at = now
        membership = existing
        await session.flush()
    else:
        membership = Membership(
            id=uuid.uuid4(),
            business_id=business_id,
            user_id=user.id,
            role=MemberRole.STAFF,
            status=MembershipStatus.ACTIVE,
            decided_by=representative_id,
            decided_at=now,
            created_at=now,
        )
        await member_rows.add(session, membership)
    await access.audit(
        session,
        "staff.added",
        business_id=business_id,
        actor_id=representative_id,
        now=now,
        user=user.id,
    )
    await notify(uow, user_ids=[user.id], message=notices.staff_added(membership), now=now)
    return membership


async def remove_staff(
    uow: UnitOfWork, *, representative_id: uuid.UUID, membership_id: uuid.UUID, now: datetime
) -> Membership:
    """The representative ends a staff member's access at once."""
    session = uow.session
    membership = await member_rows.membership_for_update(session, membership_id)
    if membership is None:
        raise NotFound("business.member_not_found", field="input.membershipId")
    await access.require(session, membership.business_id, representative_id, Right.MANAGE)
    if membership.role is not MemberRole.STAFF or membership.status is not (
        MembershipStatus.ACTIVE
    ):
        raise Conflict("business.not_staff", field="input.membershipId")
    membership.status = MembershipStatus.REVOKED
    membership.decided_by = representative_id
    membership.decided_at = now
    await session.flush()
    await access.audit(
        session,
        "staff.removed",
        business_id=membership.business_id,
        actor_id=representative_id,
        now=now,
        user=membership.user_id,
    )
    return membership
