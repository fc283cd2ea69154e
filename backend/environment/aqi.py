"""VN_AQI, the Vietnamese air quality index of Decision 1459/QĐ-TCMT (2019), as pure functions.

Concentrations in µg/m³. A sub-index interpolates linearly between the decision's breakpoints
and is rounded to the nearest integer (halves up); the index is the largest sub-index and needs
PM10 or PM2.5. Hourly PM uses the NowCast of the last 12 hourly means. Beyond the table's last
breakpoint the sub-index stays 500 (the top of the scale).

The decision's hourly worked example gives NO2 118.7 µg/m³ the sub-index 60; the formula gives
59.35, hence 59: this module follows the formula.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

LABEL = "VN_AQI"
SOURCE = "Decision 1459/QĐ-TCMT (2019)"

INDEX_LEVELS = (0, 50, 100, 150, 200, 300, 400, 500)


class Pollutant(StrEnum):
    O3_1H = "o3_1h"
    O3_8H = "o3_8h"
    CO = "co"
    SO2 = "so2"
    NO2 = "no2"
    PM10 = "pm10"
    PM25 = "pm25"


# Breakpoints BP_i for the index levels I_i above; None where the table has none.
BREAKPOINTS: Mapping[Pollutant, tuple[float | None, ...]] = {
    Pollutant.O3_1H: (0, 160, 200, 300, 400, 800, 1000, 1200),
    Pollutant.O3_8H: (0, 100, 120, 170, 210, 400, None, None),
    Pollutant.CO: (0, 10000, 30000, 45000, 60000, 90000, 120000, 150000),
    Pollutant.SO2: (0, 125, 350, 550, 800, 1600, 2100, 2630),
    Pollutant.NO2: (0, 100, 200, 700, 1200, 2350, 3100, 3850),
    Pollutant.PM10: (0, 50, 150, 250, 350, 420, 500, 600),
    Pollutant.PM25: (0, 25, 50, 80, 150, 250, 350, 500),
}

PM = (Pollutant.PM10, Pollutant.PM25)
NOWCAST_HOURS = 12
# The 8-hour ozone index is not used when the day's 8-hour maximum exceeds this.
O3_8H_LIMIT = 400.0


class Band(StrEnum):
    GOOD = "good"
    MODERATE = "moderate"
    POOR = "poor"
    BAD = "bad"
    VERY_BAD = "very_bad"
    HAZARDOUS = "hazardous"


@dataclass(frozen=True, slots=True)
class BandInfo:
    band: Band
    low: int
    high: int
    rgb: tuple[int, int, int]

    @property
    def hex(self) -> str:
        return "#{:02X}{:02X}{:02X}".format(*self.rgb)


BANDS = (
    BandInfo(Band.GOOD, 0, 50, (0, 228, 0)),
    BandInfo(Band.MODERATE, 51, 100, (255, 255, 0)),
    BandInfo(Band.POOR, 101, 150, (255, 126, 0)),
    BandInfo(Band.BAD, 151, 200, (255, 0, 0)),
    BandInfo(Band.VERY_BAD, 201, 300, (143, 63, 151)),
    BandInfo(Band.HAZARDOUS, 301, 500, (126, 0, 35)),
)


@dataclass(frozen=True, slots=True)
class Index:
    """A VN_AQI value, the pollutant that set it, and every sub-index computed."""

    value: int
    dominant: Pollutant
    sub_indices: Mapping[Pollutant, int]

    @property
    def band(self) -> BandInfo:
        return band_of(self.value)


def round_half_up(value: float) -> int:
    # A tolerance so that 109.49999999999999 (55.7 µg/m³ of PM2.5) is the decision's 110.
    return math.floor(value + 0.5 + 1e-9)


def band_of(value: int) -> BandInfo:
    for band in BANDS:
        if value <= band.high:
            return band
    return BANDS[-1]


def sub_index_exact(pollutant: Pollutant, concentration: float) -> float:
    """The interpolated sub-index before rounding; 500 beyond the table."""
    if concentration < 0 or math.isnan(concentration):
        raise ValueError("a concentration is a non-negative number")
    points = BREAKPOINTS[pollutant]
    for i in range(len(points) - 1):
        low, high = points[i], points[i + 1]
        if low is None or high is None:
            break
        if concentration <= high:
            i_low, i_high = INDEX_LEVELS[i], INDEX_LEVELS[i + 1]
            return (i_high - i_low) / (high - low) * (concentration - low) + i_low
    last = max(i for i, p in enumerate(points) if p is not None)
    return float(INDEX_LEVELS[last])


def sub_index(pollutant: Pollutant, concentration: float) -> int:
    return round_half_up(sub_index_exact(pollutant, concentration))


def nowcast_weight(hourly: Sequence[float | None]) -> float | None:
    present = [c for c in hourly[:NOWCAST_HOURS] if c is not None]
    if not present:
        return None
    high = max(present)
    if high == 0:
        return 1.0
    return max(min(present) / high, 0.5)


def nowcast(hourly: Sequence[float | None]) -> float | None:
    """NowCast of hourly means, latest first (`hourly[0]` is the last hour); None (a missing
    hour) weighs nothing. Needs 2 of the 3 latest hours; else no value."""
    if sum(c is not None for c in hourly[:3]) < 2:
        return None
    w = nowcast_weight(hourly)
    assert w is not None
    total = weights = 0.0
    for i, c in enumerate(hourly[:NOWCAST_HOURS]):
        if c is not None:
            total += w**i * c
            weights += w**i
    return total / weights


def _index(concentrations: Mapping[Pollutant, float | None]) -> Index | None:
    subs = {p: sub_index(p, c) for p, c in concentrations.items() if c is not None}
    if not any(p in subs for p in PM):
        return None
    # Ties go to the pollutant listed first in the decision's table.
    dominant = max(subs, key=lambda p: (subs[p], -list(Pollutant).index(p)))
    return Index(subs[dominant], dominant, subs)


def hourly_index(
    *,
    pm25: Sequence[float | None] = (),
    pm10: Sequence[float | None] = (),
    o3: float | None = None,
    co: float | None = None,
    so2: float | None = None,
    no2: float | None = None,
) -> Index | None:
    """The hourly VN_AQI: PM from the NowCast of up to 12 hourly means (latest first), gases
    from the last hourly mean. None without a PM value."""
    return _index(
        {
            Pollutant.PM25: nowcast(pm25),
            Pollutant.PM10: nowcast(pm10),
            Pollutant.O3_1H: o3,
            Pollutant.CO: co,
            Pollutant.SO2: so2,
            Pollutant.NO2: no2,
        }
    )


def daily_index(
    *,
    pm25_mean: float | None = None,
    pm10_mean: float | None = None,
    o3_1h_max: float | None = None,
    o3_8h_max: float | None = None,
    co_max: float | None = None,
    so2_max: float | None = None,
    no2_max: float | None = None,
) -> Index | None:
    """The daily VN_AQI: PM 24-hour means, the day's largest 1-hour means of CO, SO2, NO2, and
    ozone's larger of its 1-hour and 8-hour indices (1-hour only past 400 µg/m³ over 8 h)."""
    if o3_8h_max is not None and o3_8h_max > O3_8H_LIMIT:
        o3_8h_max = None
    return _index(
        {
            Pollutant.PM25: pm25_mean,
            Pollutant.PM10: pm10_mean,
            Pollutant.O3_1H: o3_1h_max,
            Pollutant.O3_8H: o3_8h_max,
            Pollutant.CO: co_max,
            Pollutant.SO2: so2_max,
            Pollutant.NO2: no2_max,
        }
    )


def daily_from_hours(
    hours: Mapping[str, Sequence[float | None]], *, min_hours: int = 18
) -> Index | None:
    """The daily index from a day's 24 hourly means per property code (pm25, pm10, o3, co,
    so2, no2). A PM mean needs `min_hours` hours present (our rule: three quarters of the day)."""

    def mean(code: str) -> float | None:
        present = [c for c in hours.get(code, ()) if c is not None]
        return sum(present) / len(present) if len(present) >= min_hours else None

    def largest(code: str) -> float | None:
        present = [c for c in hours.get(code, ()) if c is not None]
        return max(present) if present else None

    o3 = list(hours.get("o3", ()))
    eights: list[float] = []
    for start in range(max(len(o3) - 7, 0)):
        window = [c for c in o3[start : start + 8] if c is not None]
        if len(window) == 8:
            eights.append(sum(window) / 8)
    return daily_index(
        pm25_mean=mean("pm25"),
        pm10_mean=mean("pm10"),
        o3_1h_max=largest("o3"),
        o3_8h_max=max(eights) if eights else None,
        co_max=largest("co"),
        so2_max=largest("so2"),
        no2_max=largest("no2"),
    )
