"""Verified parent links. The school records each student's guardians' phones and issues a
one-time code; an account whose verified phone the school recorded links with the student's
identifier and the code. Codes are kept hashed, expire, serve once and die after a few wrong
tries; an account's failed tries are throttled, and every step is logged. Unknown identifiers
and wrong codes are refused alike, so guessing tells nothing."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, Forbidden, NotFound, RateLimited
from backend.identity import service as identity
from backend.identity.contacts import normalize_phone
from backend.identity.models import User
from backend.schools import access
from backend.schools.identifiers import student_identifier
from backend.schools.models import LinkAction, LinkCode, LinkEvent, ParentLink, Student
from backend.schools.repository import links as rows

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or from paper
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(days=14)
MAX_CODE_ATTEMPTS = 5
# Failed tries an account may make in the window before it must wait.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class IssuedCode:
    student: Student
    code: str
    expires_at: datetime


def code_hash(student_id: uuid.UUID, code: str) -> str:
    return hashlib.sha256(f"{student_id}:{code}".encode()).hexdigest()


def _normalised_code(raw: str) -> str:
    return raw.strip().upper().replace(" ", "").replace("-", "")


def _event(
    student_id: uuid.UUID | None,
    user_id: uuid.UUID,
    action: LinkAction,
    now: datetime,
    **details: str,
) -> LinkEvent:
    return LinkEvent(
        id=uuid.uuid4(),
        student_id=student_id,
        user_id=user_id,
        action=action,
        at=now,
        details=details,
    )


async def issue_code(
    uow: UnitOfWork, *, staff_id: uuid.UUID, school_id: uuid.UUID, identifier: str, now: datetime
) -> IssuedCode:
    """A new code for a student of the school (earlier live codes stop working); the plain code
    is returned this once and never stored."""
    session = uow.session
    wanted = student_identifier(identifier, field="input.identifier")
    await access.require_staff(session, staff_id, school_id)
    student = await rows.student_by_identifier(session, wanted)
    if student is None or student.school_id != school_id:
        raise NotFound("school.student_not_found", field="input.identifier")
    await access.require_student(
        session, staff_id, school_id, student.class_id, field="input.identifier"
    )
    for earlier in await rows.live_codes_for_update(session, student.id, now):
        earlier.revoked_at = now
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires_at = now + CODE_LIFETIME
    rows.add(
        session,
        LinkCode(
            id=uuid.uuid4(),
            student_id=student.id,
            code_hash=code_hash(student.id, code),
            expires_at=expires_at,
            attempts=0,
            issued_by=staff_id,
            created_at=now,
        ),
        _event(student.id, staff_id, LinkAction.CODE_ISSUED, now),
    )
    await session.flush()
    return IssuedCode(student=student, code=code, expires_at=expires_at)


async def _throttle(uow: UnitOfWork, user_id: uuid.UUID, now: datetime) -> None:
    since = now - FAILURE_WINDOW
    if await rows.failures_since(uow.session, user_id, since) < MAX_FAILURES:
        return
    oldest = await rows.oldest_failure_since(uow.session, user_id, since)
    wait = (oldest + FAILURE_WINDOW - now) if oldest is not None else FAILURE_WINDOW
    raise RateLimited(
        "school.link_throttled", retry_after_seconds=max(1, int(wait.total_seconds()) + 1)
    )


async def _fail(
    uow: UnitOfWork, user_id: uuid.UUID, student_id: uuid.UUID | None, now: datetime
) -> BadUserInput:
    """Log a failed try (kept although the mutation refuses) and the refusal to raise."""
    rows.add(uow.session, _event(student_id, user_id, LinkAction.FAILED, now))
    await uow.session.flush()
    return BadUserInput("school.link_invalid", field="input.code", keep_changes=True)


async def link_child(
    uow: UnitOfWork, *, parent: User, identifier: str, code: str, now: datetime
) -> Student:
    """Link the account to the student if the code is the student's live one and the school
    recorded the account's verified phone as a guardian's."""
    session = uow.session
    wanted = student_identifier(identifier, field="input.identifier")
    typed = _normalised_code(code)
    if not typed or len(typed) > 32:
        raise BadUserInput("school.link_invalid", field="input.code")
    await _throttle(uow, parent.id, now)
    student = await rows.student_by_identifier(session, wanted)
    if student is None:
        raise await _fail(uow, parent.id, None, now)
    live = await rows.live_codes_for_update(session, student.id, now)
    expected = code_hash(student.id, typed)
    matching = next((c for c in live if hmac.compare_digest(c.code_hash, expected)), None)
    if matching is None:
        await rows.count_wrong_try(
            session, [candidate.id for candidate in live], now, limit=MAX_CODE_ATTEMPTS
        )
        raise await _fail(uow, parent.id, student.id, now)
    phones = await rows.guardian_phones(session, student.id)
    if parent.phone is None or parent.phone_verified_at is None or parent.phone not in phones:
        rows.add(session, _event(student.id, parent.id, LinkAction.FAILED, now, reason="phone"))
        await session.flush()
        raise Forbidden("school.not_guardian", field="input.identifier", keep_changes=True)
    existing = await rows.link_of(session, student.id, parent.id)
    if existing is not None and existing.revoked_at is None:
        raise Conflict("school.already_linked", field="input.identifier")
    if not await rows.spend_code(session, matching.id, now):
        # Another guardian's request spent (or a wrong try killed) the code a moment ago.
        raise await _fail(uow, parent.id, student.id, now)
    if existing is not None:
        # The school revoked an earlier link and issued a fresh code: link again.
        existing.revoked_at = None
        existing.revoked_by = None
    else:
        rows.add(
            session,
            ParentLink(id=uuid.uuid4(), student_id=student.id, user_id=parent.id, created_at=now),
        )
    rows.add(session, _event(student.id, parent.id, LinkAction.LINKED, now))
    await session.flush()
    return student


async def approve_link(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    school_id: uuid.UUID,
    identifier: str,
    parent_phone: str,
    now: datetime,
) -> Student:
    """Link a guardian without a code, on the school's approval (a parent who came to the
    school): still only an account whose verified phone the school recorded for the child;
    logged as a link made by the staff member."""
    session = uow.session
    wanted = student_identifier(identifier, field="input.identifier")
    phone = normalize_phone(parent_phone, field="input.parentPhone")
    await access.require_staff(session, staff_id, school_id)
    student = await rows.student_by_identifier(session, wanted)
    if student is None or student.school_id != school_id:
        raise NotFound("school.student_not_found", field="input.identifier")
    await access.require_student(
        session, staff_id, school_id, student.class_id, field="input.identifier"
    )
    account = await identity.active_user_by_phone(session, phone)
    if (
        account is None
        or account.phone_verified_at is None
        or phone not in await rows.guardian_phones(session, student.id)
    ):
        raise Forbidden("school.not_guardian", field="input.parentPhone")
    existing = await rows.link_of(session, student.id, account.id)
    if existing is not None and existing.revoked_at is None:
        raise Conflict("school.already_linked", field="input.parentPhone")
    if existing is not None:
        existing.revoked_at, existing.revoked_by = None, None
    else:
        rows.add(
            session,
            ParentLink(id=uuid.uuid4(), student_id=student.id, user_id=account.id, created_at=now),
        )
    rows.add(
        session,
        _event(student.id, staff_id, LinkAction.LINKED, now, parent=str(account.id)),
    )
    await session.flush()
    return student


async def revoke_link(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    school_id: uuid.UUID,
    identifier: str,
    parent_phone: str,
    now: datetime,
) -> Student:
    """End a parent's link to a student of the school (the school's decision, logged)."""
    session = uow.session
    wanted = student_identifier(identifier, field="input.identifier")
    phone = normalize_phone(parent_phone, field="input.parentPhone")
    await access.require_staff(session, staff_id, school_id)
    student = await rows.student_by_identifier(session, wanted)
    if student is None or student.school_id != school_id:
        raise NotFound("school.student_not_found", field="input.identifier")
    await access.require_student(
        session, staff_id, school_id, student.class_id, field="input.identifier"
    )
    account = await identity.active_user_by_phone(session, phone)
    link = None if account is None else await rows.link_of(session, student.id, account.id)
    if link is None or link.revoked_at is not None:
        raise NotFound("school.link_not_found", field="input.parentPhone")
    link.revoked_at = now
    link.revoked_by = staff_id
    rows.add(session, _event(student.id, staff_id, LinkAction.REVOKED, now, link=str(link.id)))
    await session.flush()
    return student
