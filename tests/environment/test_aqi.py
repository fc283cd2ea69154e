"""VN_AQI against the worked examples of Decision 1459/QĐ-TCMT, its band edges and gaps."""

from __future__ import annotations

import pytest

from backend.environment import aqi
from backend.environment.aqi import Band, Pollutant
from backend.i18n import Locale, messages

# PM2.5 hourly means 09:00 → 20:00 of the decision's NowCast example, latest first.
EXAMPLE_PM25 = [20.6, 19.6, 22.4, 20.3, 16.5, 19.0, 16.5, 19.5, 23.5, 20.5, 24.7, 26.9]


def test_nowcast_of_the_decisions_example_is_20_3_with_weight_0_61() -> None:
    assert round(aqi.nowcast_weight(EXAMPLE_PM25) or 0, 2) == 0.61
    assert round(aqi.nowcast(EXAMPLE_PM25) or 0, 1) == 20.3


def test_hourly_example_follows_the_formula_where_the_decision_slipped() -> None:
    index = aqi.hourly_index(pm25=EXAMPLE_PM25, o3=136.1, no2=118.7)
    assert index is not None
    assert index.sub_indices == {Pollutant.O3_1H: 43, Pollutant.NO2: 59, Pollutant.PM25: 41}
    # The decision prints 60 for NO2 (118.7 µg/m³ → 59.35): the formula gives 59.
    assert aqi.sub_index_exact(Pollutant.NO2, 118.7) == pytest.approx(59.35)
    assert (index.value, index.dominant, index.band.band) == (59, Pollutant.NO2, Band.MODERATE)


def test_daily_example_gives_110_from_pm25() -> None:
    index = aqi.daily_index(o3_8h_max=89.3, o3_1h_max=114.6, no2_max=130.8, pm25_mean=55.7)
    assert index is not None
    assert index.sub_indices == {
        Pollutant.O3_8H: 45,
        Pollutant.O3_1H: 36,
        Pollutant.NO2: 65,
        Pollutant.PM25: 110,
    }
    assert (index.value, index.dominant, index.band.band) == (110, Pollutant.PM25, Band.POOR)


@pytest.mark.parametrize(
    ("value", "band", "rgb"),
    [
        (0, Band.GOOD, (0, 228, 0)),
        (50, Band.GOOD, (0, 228, 0)),
        (51, Band.MODERATE, (255, 255, 0)),
        (100, Band.MODERATE, (255, 255, 0)),
        (101, Band.POOR, (255, 126, 0)),
        (150, Band.POOR, (255, 126, 0)),
        (151, Band.BAD, (255, 0, 0)),
        (200, Band.BAD, (255, 0, 0)),
        (201, Band.VERY_BAD, (143, 63, 151)),
        (300, Band.VERY_BAD, (143, 63, 151)),
        (301, Band.HAZARDOUS, (126, 0, 35)),
        (500, Band.HAZARDOUS, (126, 0, 35)),
    ],
)
def test_band_edges(value: int, band: Band, rgb: tuple[int, int, int]) -> None:
    assert aqi.band_of(value).band is band
    assert aqi.band_of(value).rgb == rgb


@pytest.mark.parametrize(
    ("pollutant", "concentration", "expected"),
    [
        (Pollutant.PM25, 25, 50),
        (Pollutant.PM25, 50, 100),
        (Pollutant.PM25, 500, 500),
        (Pollutant.PM25, 900, 500),  # beyond the table: the top of the scale
        (Pollutant.PM10, 150, 100),
        (Pollutant.CO, 10000, 50),
        (Pollutant.O3_8H, 400, 300),
    ],
)
def test_sub_index_at_breakpoints(
    pollutant: Pollutant, concentration: float, expected: int
) -> None:
    assert aqi.sub_index(pollutant, concentration) == expected


def test_nowcast_needs_two_of_the_three_latest_hours() -> None:
    assert aqi.nowcast([None, None, 30.0, 30.0]) is None
    assert aqi.nowcast([30.0, None, 30.0]) == pytest.approx(30.0)
    assert aqi.hourly_index(pm25=[None, None, 30.0], o3=100.0) is None


def test_a_missing_hour_weighs_nothing() -> None:
    with_gap = [40.0, 20.0, None, 20.0]
    w = aqi.nowcast_weight(with_gap)
    assert w == 0.5
    expected = (40 + 0.5 * 20 + 0.125 * 20) / (1 + 0.5 + 0.125)
    assert aqi.nowcast(with_gap) == pytest.approx(expected)


def test_no_index_without_particulate_matter() -> None:
    assert aqi.hourly_index(o3=300.0, no2=500.0) is None
    assert aqi.daily_index(o3_1h_max=300.0) is None


def test_daily_ozone_uses_only_its_one_hour_index_past_400_over_8_hours() -> None:
    index = aqi.daily_index(pm25_mean=10.0, o3_1h_max=420.0, o3_8h_max=405.0)
    assert index is not None
    assert Pollutant.O3_8H not in index.sub_indices
    assert index.value == aqi.sub_index(Pollutant.O3_1H, 420.0)


def test_daily_index_from_a_days_hours() -> None:
    hours = {"pm25": [55.7] * 24, "o3": [80.0] * 24, "no2": [30.0] * 23 + [130.8]}
    index = aqi.daily_from_hours(hours)
    assert index is not None
    assert index.sub_indices[Pollutant.PM25] == 110
    assert index.sub_indices[Pollutant.NO2] == 65
    assert index.sub_indices[Pollutant.O3_8H] == 40
    too_few = {"pm25": [55.7] * 17 + [None] * 7}
    assert aqi.daily_from_hours(too_few) is None


@pytest.mark.parametrize("locale", list(Locale))
def test_every_band_has_its_name_and_both_advices_in_every_app_language(locale: Locale) -> None:
    loaded = messages()
    for band in Band:
        for key in (
            f"environment.aqi.band.{band.value}",
            f"environment.aqi.advice.{band.value}.general",
            f"environment.aqi.advice.{band.value}.sensitive",
        ):
            found = loaded.resolve(key, locale)
            assert found is not None, key
            text, language, machine = found
            assert language is locale, f"{key} falls back to {language} for {locale}"
            assert text.strip()
            # Vietnamese is the decision's text and English ours; the others are machine quality.
            assert machine is (locale not in (Locale.VI, Locale.EN)), key


def test_advice_tightens_from_good_to_hazardous_for_sensitive_groups() -> None:
    # The decision's table: sensitive groups get their own advice from the moderate band on.
    vi = messages().texts[Locale.VI]
    general = [vi[f"environment.aqi.advice.{b.value}.general"] for b in Band]
    sensitive = [vi[f"environment.aqi.advice.{b.value}.sensitive"] for b in Band]
    assert general[0] == sensitive[0] == general[1]
    assert sensitive[1] != general[1]
    assert general[-1] == sensitive[-1]
