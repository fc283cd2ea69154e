"""The environment demo's stations, as data. Coordinates are approximate (geocoded streets and
map reading, ±300 m); Phú Ốc's alarm level I is unconfirmed."""

from __future__ import annotations

from dataclasses import dataclass

from backend.environment.models import ThingKind


@dataclass(frozen=True, slots=True)
class PropertySeed:
    code: str
    vi: str
    en: str
    definition: str


@dataclass(frozen=True, slots=True)
class StreamSeed:
    id: int
    property: str
    unit_name: str
    unit_symbol: str
    valid_min: float | None
    valid_max: float | None


@dataclass(frozen=True, slots=True)
class ThingSeed:
    code: str
    kind: ThingKind
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    lat: float
    lon: float
    streams: tuple[StreamSeed, ...]
    alarms: tuple[float | None, float | None, float | None] = (None, None, None)
    normal_level: float | None = None
    unconfirmed: str | None = None


_UGM3 = ("microgram per cubic metre", "µg/m³")
PROPERTIES = (
    PropertySeed("pm25", "Bụi PM2.5", "PM2.5", "https://en.wikipedia.org/wiki/Particulates"),
    PropertySeed("pm10", "Bụi PM10", "PM10", "https://en.wikipedia.org/wiki/Particulates"),
    PropertySeed("o3", "Ôzôn (O₃)", "Ozone (O₃)", "https://en.wikipedia.org/wiki/Ozone"),
    PropertySeed(
        "co",
        "Cacbon monoxit (CO)",
        "Carbon monoxide (CO)",
        "https://en.wikipedia.org/wiki/Carbon_monoxide",
    ),
    PropertySeed(
        "so2",
        "Lưu huỳnh đioxit (SO₂)",
        "Sulphur dioxide (SO₂)",
        "https://en.wikipedia.org/wiki/Sulfur_dioxide",
    ),
    PropertySeed(
        "no2",
        "Nitơ đioxit (NO₂)",
        "Nitrogen dioxide (NO₂)",
        "https://en.wikipedia.org/wiki/Nitrogen_dioxide",
    ),
    PropertySeed(
        "water_level", "Mực nước", "Water level", "https://en.wikipedia.org/wiki/Stage_(hydrology)"
    ),
    PropertySeed("rainfall", "Lượng mưa", "Rainfall", "https://en.wikipedia.org/wiki/Rain"),
    PropertySeed(
        "reservoir_level",
        "Mực nước hồ",
        "Reservoir level",
        "https://en.wikipedia.org/wiki/Reservoir",
    ),
    PropertySeed(
        "inflow",
        "Lưu lượng đến hồ",
        "Inflow",
        "https://en.wikipedia.org/wiki/Discharge_(hydrology)",
    ),
    PropertySeed(
        "outflow", "Lưu lượng xả", "Outflow", "https://en.wikipedia.org/wiki/Discharge_(hydrology)"
    ),
)


def _air(first_id: int) -> tuple[StreamSeed, ...]:
    limits = {
        "pm25": 1000.0,
        "pm10": 1500.0,
        "o3": 2000.0,
        "co": 200000.0,
        "so2": 5000.0,
        "no2": 5000.0,
    }
    return tuple(
        StreamSeed(first_id + i, code, *_UGM3, 0.0, limit)
        for i, (code, limit) in enumerate(limits.items())
    )


def _gauge(first_id: int) -> tuple[StreamSeed, ...]:
    return (
        StreamSeed(first_id, "water_level", "metre", "m", -3.0, 10.0),
        StreamSeed(first_id + 1, "rainfall", "millimetre", "mm", 0.0, 300.0),
    )


def _reservoir(first_id: int, top: float) -> tuple[StreamSeed, ...]:
    return (
        StreamSeed(first_id, "reservoir_level", "metre", "m", 0.0, top),
        StreamSeed(first_id + 1, "inflow", "cubic metre per second", "m³/s", 0.0, 20000.0),
        StreamSeed(first_id + 2, "outflow", "cubic metre per second", "m³/s", 0.0, 20000.0),
    )


def _flood_point(stream_id: int) -> tuple[StreamSeed, ...]:
    return (StreamSeed(stream_id, "water_level", "metre", "m", 0.0, 5.0),)


AIR_STATION = "KK-TTH01"
KIM_LONG = "TV-KIM-LONG"
PHU_OC = "TV-PHU-OC"

THINGS = (
    ThingSeed(
        AIR_STATION,
        ThingKind.AIR_STATION,
        "Trạm quan trắc không khí 83 Hùng Vương",
        "Air monitoring station, 83 Hùng Vương",
        "83 Hùng Vương, Huế",
        "83 Hùng Vương, Huế",
        16.4626,
        107.5983,
        _air(1),
        unconfirmed="coordinates geocoded from the address",
    ),
    ThingSeed(
        KIM_LONG,
        ThingKind.RIVER_GAUGE,
        "Trạm thủy văn Kim Long",
        "Kim Long gauge",
        "Sông Hương",
        "Hương river",
        16.4632,
        107.5640,
        _gauge(7),
        alarms=(1.0, 2.0, 3.5),
    ),
    ThingSeed(
        PHU_OC,
        ThingKind.RIVER_GAUGE,
        "Trạm thủy văn Phú Ốc",
        "Phú Ốc gauge",
        "Sông Bồ",
        "Bồ river",
        16.5330,
        107.4870,
        _gauge(9),
        alarms=(1.5, 3.0, 4.5),
        unconfirmed="alarm level I",
    ),
    ThingSeed(
        "HO-HUONG-DIEN",
        ThingKind.RESERVOIR,
        "Hồ thủy điện Hương Điền",
        "Hương Điền reservoir",
        "Sông Bồ",
        "Bồ river",
        16.4880,
        107.3900,
        _reservoir(11, 70.0),
        normal_level=58.0,
    ),
    ThingSeed(
        "HO-BINH-DIEN",
        ThingKind.RESERVOIR,
        "Hồ thủy điện Bình Điền",
        "Bình Điền reservoir",
        "Sông Hữu Trạch",
        "Hữu Trạch river",
        16.3120,
        107.4980,
        _reservoir(14, 100.0),
        normal_level=85.0,
    ),
    ThingSeed(
        "HO-TA-TRACH",
        ThingKind.RESERVOIR,
        "Hồ Tả Trạch",
        "Tả Trạch reservoir",
        "Sông Tả Trạch",
        "Tả Trạch river",
        16.3060,
        107.6140,
        _reservoir(17, 60.0),
        normal_level=45.0,
    ),
    ThingSeed(
        "NGAP-XOM-GIONG",
        ThingKind.FLOOD_POINT,
        "Điểm ngập Nguyễn Hữu Cảnh (xóm Gióng)",
        "Flood point: Nguyễn Hữu Cảnh (xóm Gióng)",
        "Phường An Cựu, sâu nhất khoảng 1 m",
        "An Cựu ward, up to about 1 m",
        16.4555,
        107.6045,
        _flood_point(20),
    ),
    ThingSeed(
        "NGAP-HOANG-LANH",
        ThingKind.FLOOD_POINT,
        "Điểm ngập đường Hoàng Lanh",
        "Flood point: Hoàng Lanh street",
        "Huế",
        "Huế",
        16.4540,
        107.6090,
        _flood_point(21),
    ),
    ThingSeed(
        "NGAP-BA-TRIEU",
        ThingKind.FLOOD_POINT,
        "Điểm ngập đường Bà Triệu",
        "Flood point: Bà Triệu street",
        "Huế",
        "Huế",
        16.4625,
        107.6050,
        _flood_point(22),
    ),
    ThingSeed(
        "NGAP-TRUONG-CHINH",
        ThingKind.FLOOD_POINT,
        "Điểm ngập đường Trường Chinh",
        "Flood point: Trường Chinh street",
        "Huế",
        "Huế",
        16.4520,
        107.5930,
        _flood_point(23),
    ),
    ThingSeed(
        "NGAP-BAO-VINH",
        ThingKind.FLOOD_POINT,
        "Điểm ngập Bao Vinh",
        "Flood point: Bao Vinh",
        "Phố cổ Bao Vinh",
        "Bao Vinh old quarter",
        16.4930,
        107.5790,
        _flood_point(24),
    ),
)
