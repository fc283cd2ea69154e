"""The city's administrators open an enrolment round per school year and entry grade and set
its windows; a school's administrators set the places their school offers in it, never below
the number already admitted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Conflict, Forbidden, NotFound
from backend.identity import service as identity
from backend.identity.models import Role
from backend.schools import access
from backend.schools.admissions import repository
from backend.schools.admissions import rounds_repository as rows
from backend.schools.admissions.models import ENTRY_GRADES, EnrolmentPlaces, EnrolmentRound
from backend.schools.classes import school_year
from backend.schools.records import local_day

MAX_PREFERENCES = 5
MAX_PLACES = 5000


@dataclass(frozen=True, slots=True)
class Windows:
    online_opens_at: datetime
    online_closes_at: datetime
    direct_opens_at: datetime
    direct_closes_at: datetime
    results_on: date
    confirm_by: datetime


async def require_city_administrator(session: AsyncSession, user_id: uuid.UUID) -> None:
    held = (await identity.roles_of(session, [user_id]))[user_id]
    if not any(assignment.role is Role.ADMIN for assignment in held):
        raise Forbidden("forbidden")


def _checked(windows: Windows) -> Windows:
    """Each window opens before it closes; results after both close; confirmation after."""
    if windows.online_opens_at >= windows.online_closes_at:
        raise BadUserInput("school.enrolment_window_order", field="input.onlineClosesAt")
    if windows.direct_opens_at >= windows.direct_closes_at:
        raise BadUserInput("school.enrolment_window_order", field="input.directClosesAt")
    last_close = max(windows.online_closes_at, windows.direct_closes_at)
    if windows.results_on < local_day(last_close):
        raise BadUserInput("school.enrolment_results_early", field="input.resultsOn")
    if windows.confirm_by <= last_close or local_day(windows.confirm_by) < windows.results_on:
        raise BadUserInput("school.enrolment_confirm_early", field="input.confirmBy")
    return windows


def _preferences(value: int) -> int:
    if not 1 <= value <= MAX_PREFERENCES:
        raise BadUserInput(
            "school.enrolment_preferences_range", field="input.maxPreferences", max=MAX_PREFERENCES
        )
    return value


async def create(
    uow: UnitOfWork,
    *,
    admin_id: uuid.UUID,
    year: str,
    grade: int,
    max_preferences: int,
    windows: Windows,
    now: datetime,
) -> EnrolmentRound:
    session = uow.session
    wanted_year = school_year(year, field="input.schoolYear")
    if grade not in ENTRY_GRADES:
        raise BadUserInput("school.enrolment_grade_invalid", field="input.grade")
    _preferences(max_preferences)
    _checked(windows)
    await require_city_administrator(session, admin_id)
    if await rows.round_exists(session, wanted_year, grade):
        raise Conflict("school.enrolment_round_exists", field="input.grade")
    created = EnrolmentRound(
        id=uuid.uuid4(),
        school_year=wanted_year,
        grade=grade,
        max_preferences=max_preferences,
        online_opens_at=windows.online_opens_at,
        online_closes_at=windows.online_closes_at,
        direct_opens_at=windows.direct_opens_at,
        direct_closes_at=windows.direct_closes_at,
        results_on=windows.results_on,
        confirm_by=windows.confirm_by,
        created_at=now,
    )
    session.add(created)
    await session.flush()
    return created


async def update(
    uow: UnitOfWork,
    *,
    admin_id: uuid.UUID,
    round_id: uuid.UUID,
    max_preferences: int,
    windows: Windows,
    now: datetime,
) -> EnrolmentRound:
    """New windows (a deadline moved after a flood); the number of wishes only before the
    online window opens, as applications already sent were made under it."""
    session = uow.session
    _preferences(max_preferences)
    _checked(windows)
    await require_city_administrator(session, admin_id)
    found = await repository.round_by_id(session, round_id)
    if found is None:
        raise NotFound("school.enrolment_round_not_found", field="input.roundId")
    if max_preferences != found.max_preferences and now >= found.online_opens_at:
        raise Conflict("school.enrolment_round_started", field="input.maxPreferences")
    found.max_preferences = max_preferences
    found.online_opens_at, found.online_closes_at = (
        windows.online_opens_at,
        windows.online_closes_at,
    )
    found.direct_opens_at, found.direct_closes_at = (
        windows.direct_opens_at,
        windows.direct_closes_at,
    )
    found.results_on, found.confirm_by = windows.results_on, windows.confirm_by
    await session.flush()
    return found


async def set_places(
    uow: UnitOfWork,
    *,
    staff_id: uuid.UUID,
    round_id: uuid.UUID,
    school_id: uuid.UUID,
    places: int,
) -> tuple[int, int]:
    """The places the school offers in the round; returns (offered, admitted)."""
    session = uow.session
    if not 0 <= places <= MAX_PLACES:
        raise BadUserInput("school.enrolment_places_invalid", field="input.places", max=MAX_PLACES)
    await access.require_administrator(session, staff_id, school_id, field="input.schoolId")
    found = await repository.round_by_id(session, round_id)
    if found is None:
        raise NotFound("school.enrolment_round_not_found", field="input.roundId")
    if found.grade not in (await rows.school_grades(session, school_id) or []):
        raise BadUserInput("school.enrolment_grade_not_taught", field="input.roundId")
    if not await rows.set_places(
        session, round_id, school_id, places
    ) and not await _offer_first_places(session, round_id, school_id, places):
        existing = await rows.places_row(session, round_id, school_id)
        assert existing is not None
        raise Conflict(
            "school.enrolment_places_below_admitted",
            field="input.places",
            admitted=existing.admitted,
        )
    current = await repository.places_of(session, round_id, school_id)
    assert current is not None
    return current


async def _offer_first_places(
    session: AsyncSession, round_id: uuid.UUID, school_id: uuid.UUID, places: int
) -> bool:
    """The school's first places in the round; False if it has places already, with more
    admitted than `places`. Two first offers at the same moment: the second changes the first's."""
    if await rows.places_row(session, round_id, school_id) is None:
        try:
            async with session.begin_nested():
                session.add(
                    EnrolmentPlaces(
                        round_id=round_id, school_id=school_id, places=places, admitted=0
                    )
                )
            return True
        except IntegrityError:
            pass  # another request offered them just now: change those
    return await rows.set_places(session, round_id, school_id, places)
