"""The environment demo: Huế's air station, the Kim Long and Phú Ốc gauges, three reservoirs,
five flood points, and 30 days of hourly readings ending at the seeding hour, with a flood
about eight days back (Kim Long past báo động III), a haze a day or two back, rivers rising
again now and two streets under water. Readings are generated, not measured: deterministic
functions of the hour, inserted in bulk (well under a second).

Idempotent: nothing is added when the air station exists."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import spatial
from backend.db.types import utcnow
from backend.environment import partitions
from backend.environment.models import (
    Datastream,
    ObservedProperty,
    Quality,
    ReleaseOrder,
    RuleState,
    Sensor,
    Thing,
    ThresholdRule,
)
from backend.environment.repository import observations
from backend.environment.repository.observations import Checked
from backend.i18n import Translated
from backend.seed.demo import stable_id
from backend.seed.environment_data import AIR_STATION, KIM_LONG, PROPERTIES, THINGS

HOURS = 30 * 24
# Hours before the last reading: the flood's crest and the haze's worst hour.
FLOOD_CREST = 190
HAZE_PEAK = 40


def _noise(i: int, salt: int) -> float:
    """A deterministic number in [0, 1)."""
    x = math.sin(i * 12.9898 + salt * 78.233) * 43758.5453
    return x - math.floor(x)


def _bump(age: int, centre: int, width: float) -> float:
    return math.exp(-(((age - centre) / width) ** 2))


def _rising(age: int, hours: int) -> float:
    """0 before the last `hours` hours, climbing to 1 at the last reading."""
    return max(0.0, 1 - age / hours)


Curve = Callable[[int, int], float]  # (age in hours, local hour of day) -> value


def day(hour: float) -> float:
    """The daily cycle: 0 at 06:00 local, highest at noon."""
    return math.sin((hour - 6) / 24 * 2 * math.pi)


def flood(age: int) -> float:
    return _bump(age, FLOOD_CREST, 14)


def rain(age: int) -> float:
    return _bump(age, FLOOD_CREST + 12, 16)


def pm25(a: int, h: int) -> float:
    return 20 + 6 * day(h + 12) + 5 * _noise(a, 1) + 150 * _bump(a, HAZE_PEAK, 10)


def _curves() -> dict[int, Curve]:
    return {
        1: pm25,
        2: lambda a, h: 1.6 * pm25(a, h) + 4 * _noise(a, 2),
        3: lambda a, h: max(5.0, 55 + 45 * day(h) + 8 * _noise(a, 3)),
        4: lambda a, h: (
            900 + 500 * day(h + 12) + 200 * _noise(a, 4) + 2500 * _bump(a, HAZE_PEAK, 10)
        ),
        5: lambda a, h: 12 + 4 * _noise(a, 5),
        6: lambda a, h: 28 + 12 * day(h + 12) + 6 * _noise(a, 6) + 40 * _bump(a, HAZE_PEAK, 10),
        # Kim Long: crest 3.8 m (past III), and now back above I, rising.
        7: lambda a, h: 0.45 + 0.08 * day(h * 2) + 3.35 * flood(a) + 0.9 * _rising(a, 12),
        8: lambda a, h: 35 * rain(a) + 6 * _rising(a, 12) + 0.3 * _noise(a, 8),
        # Phú Ốc: crest 4.8 m (past III), now rising past I.
        9: lambda a, h: 0.8 + 0.05 * day(h * 2) + 4.0 * flood(a) + 0.9 * _rising(a, 12),
        10: lambda a, h: 40 * rain(a) + 7 * _rising(a, 12) + 0.3 * _noise(a, 10),
        # Reservoirs: level, inflow, outflow (released a little after the inflow peaks).
        11: lambda a, h: 55.5 + 2.3 * _bump(a, FLOOD_CREST - 6, 30),
        12: lambda a, h: 25 + 900 * rain(a) + 60 * _rising(a, 12),
        13: lambda a, h: 20 + 800 * _bump(a, FLOOD_CREST - 4, 16),
        14: lambda a, h: 79.0 + 1.5 * _bump(a, FLOOD_CREST - 6, 30) + 1.5 * _rising(a, 24),
        15: lambda a, h: 60 + 1400 * rain(a) + 218 * _rising(a, 12),
        16: lambda a, h: 40 + 1100 * _bump(a, FLOOD_CREST - 4, 16),
        17: lambda a, h: 41.0 + 3.0 * _bump(a, FLOOD_CREST - 6, 30),
        18: lambda a, h: 30 + 1100 * rain(a) + 90 * _rising(a, 12),
        19: lambda a, h: 25 + 900 * _bump(a, FLOOD_CREST - 4, 16),
        # Flood points: depth in metres; xóm Gióng and Bao Vinh are under water now.
        20: lambda a, h: round(1.0 * _bump(a, FLOOD_CREST, 10) + 0.3 * (a < 4), 2),
        21: lambda a, h: round(0.5 * _bump(a, FLOOD_CREST, 8), 2),
        22: lambda a, h: round(0.4 * _bump(a, FLOOD_CREST, 8), 2),
        23: lambda a, h: round(0.3 * _bump(a, FLOOD_CREST, 6), 2),
        24: lambda a, h: round(0.6 * _bump(a, FLOOD_CREST, 10) + 0.2 * (a < 4), 2),
    }


# The datastreams a flood replay publishes: both gauges' levels and rainfall, the flood points.
FLOOD_STREAMS = (7, 8, 9, 10, 20, 21, 22, 23, 24)


def flood_episode(hours: int = 48) -> list[dict[int, float]]:
    """The demo flood hour by hour (the `hours` around its crest): values by datastream."""
    curves = _curves()
    first = FLOOD_CREST + hours // 2
    return [
        {s: round(max(curves[s](age, 12), 0.0), 2) for s in FLOOD_STREAMS}
        for age in range(first, first - hours, -1)
    ]


def readings(end: datetime, hours: int = HOURS) -> list[Checked]:
    """Every datastream's hourly readings for `hours` hours up to `end` (an o'clock instant)."""
    rows: list[Checked] = []
    for stream_id, curve in _curves().items():
        for age in range(hours - 1, -1, -1):
            moment = end - timedelta(hours=age)
            local_hour = (moment.hour + 7) % 24
            value = round(curve(age, local_hour), 2)
            rows.append(Checked(stream_id, moment, max(value, 0.0), Quality.OK))
    return rows


async def seed_environment(session: AsyncSession) -> dict[str, int]:
    report = {"environment_things": 0, "environment_datastreams": 0, "observations": 0}
    if await session.get(Thing, stable_id("env-thing", AIR_STATION)) is not None:
        return report
    now = utcnow()
    for prop in PROPERTIES:
        session.add(
            ObservedProperty(
                id=stable_id("env-property", prop.code),
                code=prop.code,
                name=Translated.of(prop.vi, prop.en),
                definition=prop.definition,
                created_at=now,
            )
        )
    sensor_id = stable_id("env-sensor", "demo")
    session.add(
        Sensor(
            id=sensor_id,
            name="Demo sensor",
            description="Generated readings of the Huế demo",
            encoding_type="text/plain",
            sensor_metadata="generated",
            created_at=now,
        )
    )
    for thing in THINGS:
        thing_id = stable_id("env-thing", thing.code)
        properties = {"source": "demo"}
        if thing.unconfirmed:
            properties["unconfirmed"] = thing.unconfirmed
        session.add(
            Thing(
                id=thing_id,
                code=thing.code,
                kind=thing.kind,
                name=Translated.of(thing.name_vi, thing.name_en),
                description=Translated.of(thing.description_vi, thing.description_en),
                place_id=None,
                location=spatial.point(thing.lat, thing.lon),
                alarm_1=thing.alarms[0],
                alarm_2=thing.alarms[1],
                alarm_3=thing.alarms[2],
                normal_level=thing.normal_level,
                properties=properties,
                created_at=now,
            )
        )
        report["environment_things"] += 1
    # Datastreams refer to things without an ORM relationship: things are flushed first.
    await session.flush()
    for thing in THINGS:
        thing_id = stable_id("env-thing", thing.code)
        for stream in thing.streams:
            session.add(
                Datastream(
                    id=stream.id,
                    thing_id=thing_id,
                    sensor_id=sensor_id,
                    observed_property_id=stable_id("env-property", stream.property),
                    unit_name=stream.unit_name,
                    unit_symbol=stream.unit_symbol,
                    valid_min=stream.valid_min,
                    valid_max=stream.valid_max,
                    created_at=now,
                )
            )
            report["environment_datastreams"] += 1
    await session.flush()
    _add_rules(session, now)
    _add_release_order(session, now)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # Later datastreams take ids after the demo's.
        await session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('env_datastreams', 'id'), "
                "(SELECT max(id) FROM env_datastreams))"
            )
        )
    end = now.replace(minute=0, second=0, microsecond=0)
    rows = readings(end)
    if dialect == "postgresql":
        months = {partitions.month_of(row.phenomenon_time) for row in rows}
        for month in sorted(months):
            await session.execute(text(partitions.create_sql(month)))
    report["observations"] = await observations.store(session, rows, now)
    return report


def _add_release_order(session: AsyncSession, now: datetime) -> None:
    # Bình Điền stands now where it stood on 16 Oct 2025 (80.5 m, inflow 278 m³/s), when it was
    # ordered to release 500–900 m³/s; the demo's order repeats that range (times are the demo's).
    hour = now.replace(minute=0, second=0, microsecond=0)
    session.add(
        ReleaseOrder(
            id=stable_id("env-release", "HO-BINH-DIEN"),
            thing_id=stable_id("env-thing", "HO-BINH-DIEN"),
            issued_at=hour - timedelta(hours=1),
            starts_at=hour + timedelta(hours=2),
            flow_min=500.0,
            flow_max=900.0,
            source="Demo, after the order of 16 Oct 2025",
            created_at=now,
        )
    )


def _add_rules(session: AsyncSession, now: datetime) -> None:
    session.add(
        ThresholdRule(
            id=stable_id("env-rule", "kim-long-alarm-2"),
            slug="kim-long-alarm-2",
            datastream_id=7,
            metric="value",
            threshold=2.0,
            hysteresis=0.2,
            hold_minutes=0,
            title=Translated.of(
                "Sông Hương tại Kim Long vượt báo động II",
                "Hương river at Kim Long above alarm level II",
            ),
            instruction=Translated.of(
                "Theo dõi tin lũ, chuẩn bị di dời tài sản khỏi vùng trũng, không đi qua "
                "đường ngập.",
                "Follow flood bulletins, move belongings out of low-lying areas and do not "
                "cross flooded roads.",
            ),
            severity="Severe",
            auto_issue=True,
            ward_codes=["kim-long", "thuan-hoa", "phu-hoi", "vinh-ninh"],
            state=RuleState.CLEAR,
            since=None,
            last_time=None,
            created_at=now,
        )
    )
    session.add(
        ThresholdRule(
            id=stable_id("env-rule", "hue-aqi-150"),
            slug="hue-aqi-150",
            datastream_id=1,
            metric="vn_aqi_hourly",
            threshold=151.0,
            hysteresis=10.0,
            hold_minutes=60,
            title=Translated.of(
                "Chất lượng không khí Huế ở mức xấu (VN_AQI trên 150)",
                "Huế air quality bad (VN_AQI above 150)",
            ),
            instruction=Translated.of(
                "Hạn chế hoạt động ngoài trời; người nhạy cảm nên ở trong nhà, ra ngoài thì đeo "
                "khẩu trang đạt tiêu chuẩn.",
                "Limit outdoor activity; sensitive people should stay indoors and wear a "
                "certified mask outside.",
            ),
            severity="Moderate",
            auto_issue=False,
            ward_codes=["thuan-hoa", "dong-ba", "vinh-ninh", "phu-hoi"],
            state=RuleState.CLEAR,
            since=None,
            last_time=None,
            created_at=now,
        )
    )


__all__ = ["KIM_LONG", "readings", "seed_environment"]
