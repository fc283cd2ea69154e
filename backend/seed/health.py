"""Demo health data: the seeded hospitals and health station become bookable facilities with
specialties, practitioners, weekly schedules and slots over the horizon. Names of doctors and
phone numbers are invented. Idempotent: rows have stable ids and only missing ones are added;
slots are generated for days not yet covered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import inspect as inspect_model
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import Base
from backend.db.types import utcnow
from backend.health import schedules as schedule_service
from backend.health.models import (
    Facility,
    FacilityLevel,
    FacilitySpecialty,
    OpeningHours,
    Practitioner,
    PractitionerSpecialty,
    Schedule,
    Specialty,
    Weekday,
)
from backend.health.policy import HealthPolicy
from backend.i18n import Translated
from backend.places import service as places

SPECIALTIES = (
    ("family-medicine", "Y học gia đình", "Family medicine"),
    ("general-internal", "Nội tổng quát", "General internal medicine"),
    ("pediatrics", "Nhi khoa", "Paediatrics"),
    ("cardiology", "Tim mạch", "Cardiology"),
    ("obstetrics", "Sản phụ khoa", "Obstetrics and gynaecology"),
    ("ophthalmology", "Mắt", "Ophthalmology"),
    ("ent", "Tai mũi họng", "Ear, nose and throat"),
    ("dentistry", "Răng hàm mặt", "Dentistry"),
    ("dermatology", "Da liễu", "Dermatology"),
    ("traditional-medicine", "Y học cổ truyền", "Traditional medicine"),
)

DEFAULT_HORIZON_DAYS = HealthPolicy().horizon_days
WEEKDAYS = tuple(Weekday)[:5]
MON_SAT = tuple(Weekday)[:6]


def _hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class FacilitySeed:
    place_slug: str
    level: FacilityLevel
    phone: str
    accepts_insurance: bool
    specialties: tuple[str, ...]
    hours: tuple[tuple[tuple[Weekday, ...], str, str], ...]  # (days, opens, closes)


@dataclass(frozen=True)
class PractitionerSeed:
    key: str
    place_slug: str
    full_name: str
    title_vi: str
    title_en: str
    specialties: tuple[str, ...]


@dataclass(frozen=True)
class ScheduleSeed:
    place_slug: str
    specialty: str
    practitioner: str | None  # key of a PractitionerSeed; None for a specialty desk
    days: tuple[Weekday, ...]
    start: str
    end: str
    slot_minutes: int
    capacity: int


FACILITIES = (
    FacilitySeed(
        "bv-trung-uong-hue",
        FacilityLevel.CENTRAL,
        "0234 3822 325",
        True,
        ("general-internal", "pediatrics", "cardiology", "obstetrics", "ophthalmology", "ent"),
        ((MON_SAT, "07:00", "11:30"), (WEEKDAYS, "13:30", "17:00")),
    ),
    FacilitySeed(
        "bv-dai-hoc-y-duoc-hue",
        FacilityLevel.CENTRAL,
        "0234 3890 999",
        True,
        ("general-internal", "dermatology", "traditional-medicine", "dentistry"),
        ((WEEKDAYS, "07:00", "11:30"), (WEEKDAYS, "13:30", "17:00")),
    ),
    FacilitySeed(
        "bv-quoc-te-trung-uong-hue",
        FacilityLevel.CENTRAL,
        "0234 3849 999",
        False,
        ("general-internal", "obstetrics"),
        ((MON_SAT, "07:00", "19:00"),),
    ),
    FacilitySeed(
        "tram-y-te-phu-hoi",
        FacilityLevel.COMMUNE,
        "0234 3823 114",
        True,
        ("family-medicine", "pediatrics"),
        ((WEEKDAYS, "07:00", "11:30"), (WEEKDAYS, "13:30", "16:30")),
    ),
)

PRACTITIONERS = (
    PractitionerSeed(
        "tw-hoa",
        "bv-trung-uong-hue",
        "Nguyễn Thị Hoa",
        "Bác sĩ chuyên khoa II",
        "Specialist Doctor, level II",
        ("cardiology",),
    ),
    PractitionerSeed(
        "tw-bao",
        "bv-trung-uong-hue",
        "Trần Quốc Bảo",
        "Thạc sĩ, Bác sĩ",
        "Doctor, MSc",
        ("pediatrics",),
    ),
    PractitionerSeed(
        "tw-minh",
        "bv-trung-uong-hue",
        "Lê Văn Minh",
        "Phó Giáo sư, Tiến sĩ",
        "Associate Professor, PhD",
        ("ophthalmology",),
    ),
    PractitionerSeed(
        "dhyd-lan",
        "bv-dai-hoc-y-duoc-hue",
        "Phan Thị Lan",
        "Bác sĩ chuyên khoa I",
        "Specialist Doctor, level I",
        ("dermatology",),
    ),
    PractitionerSeed(
        "qt-tam",
        "bv-quoc-te-trung-uong-hue",
        "Hồ Đức Tâm",
        "Thạc sĩ, Bác sĩ",
        "Doctor, MSc",
        ("general-internal",),
    ),
    PractitionerSeed(
        "phuhoi-mai",
        "tram-y-te-phu-hoi",
        "Võ Thị Mai",
        "Bác sĩ",
        "Doctor",
        ("family-medicine", "pediatrics"),
    ),
)

SCHEDULES = (
    ScheduleSeed("bv-trung-uong-hue", "general-internal", None, MON_SAT, "07:00", "11:00", 30, 4),
    ScheduleSeed("bv-trung-uong-hue", "pediatrics", None, WEEKDAYS, "07:30", "11:00", 30, 3),
    ScheduleSeed(
        "bv-trung-uong-hue",
        "cardiology",
        "tw-hoa",
        (Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.FRIDAY),
        "13:30",
        "16:30",
        20,
        1,
    ),
    ScheduleSeed(
        "bv-trung-uong-hue",
        "pediatrics",
        "tw-bao",
        (Weekday.TUESDAY, Weekday.THURSDAY),
        "13:30",
        "16:30",
        30,
        2,
    ),
    ScheduleSeed(
        "bv-trung-uong-hue", "ophthalmology", "tw-minh", WEEKDAYS, "07:30", "10:30", 30, 2
    ),
    ScheduleSeed(
        "bv-dai-hoc-y-duoc-hue", "general-internal", None, WEEKDAYS, "07:00", "11:00", 30, 3
    ),
    ScheduleSeed(
        "bv-dai-hoc-y-duoc-hue",
        "dermatology",
        "dhyd-lan",
        (Weekday.TUESDAY, Weekday.THURSDAY),
        "13:30",
        "16:00",
        30,
        2,
    ),
    ScheduleSeed(
        "bv-quoc-te-trung-uong-hue", "general-internal", "qt-tam", MON_SAT, "08:00", "12:00", 30, 2
    ),
    ScheduleSeed("tram-y-te-phu-hoi", "family-medicine", None, WEEKDAYS, "07:30", "11:00", 30, 5),
    ScheduleSeed(
        "tram-y-te-phu-hoi",
        "pediatrics",
        "phuhoi-mai",
        (Weekday.WEDNESDAY,),
        "13:30",
        "16:30",
        30,
        4,
    ),
)


@dataclass
class HealthSeedReport:
    facilities: int = 0
    practitioners: int = 0
    schedules: int = 0
    slots: int = 0


async def seed_health(
    session: AsyncSession,
    *,
    now: datetime | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> HealthSeedReport:
    """Add what is missing of the demo health data, then slots up to the horizon."""
    from backend.seed.demo import stable_id  # demo.py imports this module

    report = HealthSeedReport()
    place_ids = {slug: stable_id("place", slug) for slug in {f.place_slug for f in FACILITIES}}
    present = {place.id for place in await places.places_by_ids(session, list(place_ids.values()))}
    facilities = [seed for seed in FACILITIES if place_ids[seed.place_slug] in present]
    wanted = {seed.place_slug for seed in facilities}
    specialty = {code: stable_id("specialty", code) for code, _, _ in SPECIALTIES}
    practitioner = {seed.key: stable_id("practitioner", seed.key) for seed in PRACTITIONERS}

    await _add_missing(
        session,
        [
            Specialty(id=specialty[code], code=code, name=Translated.of(vi, en))
            for code, vi, en in SPECIALTIES
        ],
    )
    report.facilities = await _add_missing(
        session,
        [
            Facility(
                id=place_ids[seed.place_slug],
                level=seed.level,
                phone=seed.phone,
                accepts_insurance=seed.accepts_insurance,
            )
            for seed in facilities
        ],
    )
    await _add_missing(
        session,
        [
            FacilitySpecialty(facility_id=place_ids[seed.place_slug], specialty_id=specialty[code])
            for seed in facilities
            for code in seed.specialties
        ],
    )
    await _add_missing(
        session,
        [
            OpeningHours(
                facility_id=place_ids[seed.place_slug],
                weekday=int(day),
                opens_minute=_hm(opens),
                closes_minute=_hm(closes),
            )
            for seed in facilities
            for days, opens, closes in seed.hours
            for day in days
        ],
    )
    doctors = [seed for seed in PRACTITIONERS if seed.place_slug in wanted]
    report.practitioners = await _add_missing(
        session,
        [
            Practitioner(
                id=practitioner[seed.key],
                facility_id=place_ids[seed.place_slug],
                full_name=seed.full_name,
                title=Translated.of(seed.title_vi, seed.title_en),
                active=True,
            )
            for seed in doctors
        ],
    )
    await _add_missing(
        session,
        [
            PractitionerSpecialty(
                practitioner_id=practitioner[seed.key], specialty_id=specialty[code]
            )
            for seed in doctors
            for code in seed.specialties
        ],
    )
    report.schedules = await _add_missing(
        session,
        [
            Schedule(
                id=stable_id(
                    "schedule",
                    f"{seed.place_slug}:{seed.specialty}:{seed.practitioner}:{day}:{seed.start}",
                ),
                facility_id=place_ids[seed.place_slug],
                practitioner_id=practitioner[seed.practitioner] if seed.practitioner else None,
                specialty_id=specialty[seed.specialty],
                weekday=int(day),
                start_minute=_hm(seed.start),
                end_minute=_hm(seed.end),
                slot_minutes=seed.slot_minutes,
                capacity=seed.capacity,
                active=True,
            )
            for seed in SCHEDULES
            if seed.place_slug in wanted
            for day in seed.days
        ],
    )
    report.slots = await schedule_service.generate_slots(
        session, horizon_days=horizon_days, now=now or utcnow()
    )
    return report


async def _add_missing(session: AsyncSession, rows: Sequence[Base]) -> int:
    """Insert the rows whose primary key is not in the table yet (two statements a table)."""
    if not rows:
        return 0
    mapper = inspect_model(type(rows[0]))
    key_columns = mapper.primary_key
    existing = {tuple(row) for row in await session.execute(select(*key_columns))}
    missing = [
        row
        for row in rows
        if tuple(getattr(row, mapper.get_property_by_column(column).key) for column in key_columns)
        not in existing
    ]
    session.add_all(missing)
    await session.flush()
    return len(missing)
