"""The enrolment demo: the grade-1 round of the next school year, open online from the day
before the demo was seeded, with Tiểu học Lê Lợi offering its places. Dates and places are
illustrative, not a published calendar. Idempotent: keyed by stable ids."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.schools.admissions.models import EnrolmentPlaces, EnrolmentRound
from backend.seed.demo import stable_id

ROUND_YEAR = "2027-2028"
GRADE_ONE_PLACES = (("tieu-hoc-le-loi", 175),)


async def seed_enrolment(session: AsyncSession, now: datetime) -> None:
    round_id = stable_id("school-enrolment-round", f"{ROUND_YEAR}:1")
    if await session.get(EnrolmentRound, round_id) is not None:
        return
    day = now.replace(hour=1, minute=0, second=0, microsecond=0)  # 08:00 in Huế
    session.add(
        EnrolmentRound(
            id=round_id,
            school_year=ROUND_YEAR,
            grade=1,
            max_preferences=1,  # the zone school only
            online_opens_at=day - timedelta(days=1),
            online_closes_at=day + timedelta(days=10),
            direct_opens_at=day + timedelta(days=11),
            direct_closes_at=day + timedelta(days=15),
            results_on=(day + timedelta(days=18)).date(),
            confirm_by=day + timedelta(days=25),
            created_at=now,
        )
    )
    await session.flush()
    session.add_all(
        EnrolmentPlaces(
            round_id=round_id, school_id=stable_id("place", slug), places=places, admitted=0
        )
        for slug, places in GRADE_ONE_PLACES
    )
    await session.flush()
