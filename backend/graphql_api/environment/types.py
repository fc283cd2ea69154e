"""GraphQL types of the environment domain: stations (SensorThings Things) with their latest
readings and series, the VN_AQI with its band and advice, the flood situation. All public."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Self

import strawberry
from strawberry import relay

from backend.environment import aqi
from backend.environment import reads as environment
from backend.environment.models import Quality, ThingKind
from backend.environment.repository.reads import Interval
from backend.environment.repository.rows import BucketRow, LatestRow, ThingRow
from backend.graphql_api.context import Info
from backend.graphql_api.environment.loaders import EnvironmentLoaders
from backend.graphql_api.nodes import RowNode, nodes_from
from backend.graphql_api.places.types import GeoPoint
from backend.i18n import Locale, messages, translate

strawberry.enum(ThingKind, name="StationKind")
strawberry.enum(Interval, name="SeriesInterval")
strawberry.enum(environment.Trend, name="LevelTrend")
strawberry.enum(aqi.Band, name="AqiBandCode")
strawberry.enum(aqi.Pollutant, name="AqiPollutant")


@strawberry.type(description="A station's newest reading of one property.")
class Reading:
    property: str = strawberry.field(
        description="pm25, pm10, o3, co, so2, no2, water_level, rainfall, reservoir_level, "
        "inflow or outflow."
    )
    property_name: str
    unit: str
    value: float
    time: datetime
    flagged: bool = strawberry.field(
        description="Outside the datastream's plausible range: shown for the record, never "
        "used in indices."
    )

    @classmethod
    def of(cls, row: LatestRow, info: Info) -> Self:
        return cls(
            property=row.property_code,
            property_name=row.property_name.get(info.context.locale),
            unit=row.unit_symbol,
            value=row.result,
            time=row.phenomenon_time,
            flagged=row.quality is not Quality.OK,
        )


@strawberry.type(description="One interval of a series: statistics of its good readings.")
class SeriesPoint:
    start: datetime
    mean: float
    min: float
    max: float
    count: int

    @classmethod
    def of(cls, row: BucketRow) -> Self:
        return cls(
            start=row.start,
            mean=round(row.mean, 3),
            min=row.minimum,
            max=row.maximum,
            count=row.count,
        )


@strawberry.type(
    name="Station",
    description="A monitoring station (a SensorThings Thing): air quality, river gauge, "
    "reservoir or flood point.",
)
class StationNode(RowNode):
    row: strawberry.Private[ThingRow]
    code: str
    kind: ThingKind
    location: GeoPoint

    @classmethod
    def from_row(cls, row: ThingRow) -> Self:
        return cls(
            row=row,
            code=row.code,
            kind=row.kind,
            location=GeoPoint(latitude=row.latitude, longitude=row.longitude),
        )

    @strawberry.field
    def name(self, info: Info) -> str:
        return self.row.name.get(info.context.locale)

    @strawberry.field(description="The river or the street.")
    def description(self, info: Info) -> str:
        return self.row.description.get(info.context.locale)

    @strawberry.field(description="The newest reading of each property measured here.")
    async def latest(self, info: Info) -> list[Reading]:
        found = await EnvironmentLoaders.of(info).latest_by_station_id.load(self.row.id)
        return [Reading.of(row, info) for row in found]

    @strawberry.field(
        description="Readings of one property aggregated per hour (UTC) or per local day "
        "(Asia/Ho_Chi_Minh), in [from, to): at most 744 hours or 366 days."
    )
    async def series(
        self,
        info: Info,
        property: str,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        interval: Interval = Interval.HOUR,
    ) -> list[SeriesPoint]:
        async with info.context.read() as session:
            found = await environment.series(
                session,
                self.row.id,
                property_code=property,
                start=from_,
                end=to,
                interval=interval,
            )
        return [SeriesPoint.of(row) for row in found]

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(EnvironmentLoaders.of(info).station_by_id, ids, cls.from_row)


@strawberry.type(description="A station found near a place; the distance belongs to the search.")
class StationEdge(relay.Edge[StationNode]):
    distance_meters: float | None = strawberry.field(
        default=None, description="Metres from `near`, when the list was searched by distance."
    )


@strawberry.type
class StationConnection(relay.Connection[StationNode]):
    edges: list[StationEdge]  # type: ignore[assignment]  # a Connection of richer edges


@strawberry.type(description="A VN_AQI band (Decision 1459/QĐ-TCMT), its colour and advice.")
class AqiBand:
    code: aqi.Band
    name: str
    colour: str = strawberry.field(description="#RRGGBB")
    red: int
    green: int
    blue: int
    advice_general: str = strawberry.field(description="Advice for the general public.")
    advice_sensitive: str = strawberry.field(
        description="Advice for sensitive groups (children, the elderly, people with heart or "
        "lung disease)."
    )
    advice_language: Locale = strawberry.field(
        description="The language the advice is actually in (the request's, else English, "
        "else Vietnamese, the decision's own)."
    )
    advice_machine_translated: bool = strawberry.field(
        description="Whether the advice in `adviceLanguage` is a machine translation."
    )

    @classmethod
    def of(cls, band: aqi.BandInfo, info: Info) -> Self:
        locale = info.context.locale
        code = band.band.value
        general = messages().resolve(f"environment.aqi.advice.{code}.general", locale)
        sensitive = messages().resolve(f"environment.aqi.advice.{code}.sensitive", locale)
        # Both texts of a band are kept in the same languages (a test holds the catalogues to it).
        language, machine = (general[1], general[2]) if general else (Locale.VI, False)
        machine = machine or bool(sensitive and sensitive[2])
        return cls(
            advice_language=language,
            advice_machine_translated=machine,
            code=band.band,
            name=translate(f"environment.aqi.band.{code}", locale),
            colour=band.hex,
            red=band.rgb[0],
            green=band.rgb[1],
            blue=band.rgb[2],
            advice_general=translate(f"environment.aqi.advice.{code}.general", locale),
            advice_sensitive=translate(f"environment.aqi.advice.{code}.sensitive", locale),
        )


@strawberry.type(description="One pollutant's part in the index.")
class AqiPollutantValue:
    pollutant: aqi.Pollutant
    concentration: float = strawberry.field(
        description="µg/m³: the NowCast for PM, the hour's mean for gases."
    )
    sub_index: int
    highest: bool = strawberry.field(description="The pollutant that sets the index.")


@strawberry.type(description="The hourly VN_AQI at the air station nearest a place.")
class AirQuality:
    index_name: str = strawberry.field(description='Always "VN_AQI".')
    value: int
    band: AqiBand
    pollutants: list[AqiPollutantValue]
    station: StationNode
    measured_at: datetime = strawberry.field(description="The start of the hour it is for.")
    source: str = strawberry.field(description="The method's legal source.")

    @classmethod
    def of(cls, found: environment.AirQuality, info: Info) -> Self:
        index = found.index
        return cls(
            index_name=aqi.LABEL,
            value=index.value,
            band=AqiBand.of(index.band, info),
            pollutants=[
                AqiPollutantValue(
                    pollutant=pollutant,
                    concentration=round(found.concentrations[pollutant], 1),
                    sub_index=sub,
                    highest=pollutant is index.dominant,
                )
                for pollutant, sub in sorted(index.sub_indices.items(), key=lambda kv: -kv[1])
                if pollutant in found.concentrations
            ],
            station=StationNode.from_row(found.station),
            measured_at=found.hour,
            source=aqi.SOURCE,
        )


@strawberry.type(description="A river gauge's level against its alarm levels.")
class GaugeStatus:
    station: StationNode
    level: Reading | None
    trend: environment.Trend | None = strawberry.field(
        description="Over the last three hours (±5 cm counts as steady)."
    )
    alarm_level: int = strawberry.field(
        description="0 below báo động I, else the highest alarm level reached (1, 2 or 3)."
    )
    alarm_label: str | None
    alarm_levels: list[float | None] = strawberry.field(
        description="The levels of báo động I, II and III (m)."
    )


@strawberry.type(description="A reservoir's order to release water, as published.")
class ReleaseOrder:
    flow_min: float = strawberry.field(description="m³/s")
    flow_max: float = strawberry.field(description="m³/s")
    starts_at: datetime
    issued_at: datetime
    source: str = strawberry.field(description="Who ordered it, or the document's number.")


@strawberry.type(description="A reservoir: its level against the normal level, its flows.")
class ReservoirStatus:
    station: StationNode
    normal_level: float | None
    level: Reading | None
    inflow: Reading | None
    outflow: Reading | None
    release_order: ReleaseOrder | None = strawberry.field(
        default=None, description="The newest release order published for this reservoir."
    )


@strawberry.type(description="A street reported under water.")
class FloodPointStatus:
    station: StationNode
    depth: Reading


@strawberry.type(description="Rivers, reservoirs and flooded streets, as last reported.")
class FloodSituation:
    gauges: list[GaugeStatus]
    reservoirs: list[ReservoirStatus]
    flood_points: list[FloodPointStatus] = strawberry.field(
        description="Flood points with water reported in the last six hours."
    )

    @classmethod
    def of(cls, found: environment.FloodSituation, info: Info) -> Self:
        def reading(row: LatestRow | None) -> Reading | None:
            return None if row is None else Reading.of(row, info)

        locale = info.context.locale
        return cls(
            gauges=[
                GaugeStatus(
                    station=StationNode.from_row(g.station),
                    level=reading(g.level),
                    trend=g.trend,
                    alarm_level=g.alarm_level,
                    alarm_label=translate(f"environment.flood.alarm_{g.alarm_level}", locale)
                    if g.alarm_level
                    else None,
                    alarm_levels=[g.station.alarm_1, g.station.alarm_2, g.station.alarm_3],
                )
                for g in found.gauges
            ],
            reservoirs=[
                ReservoirStatus(
                    station=StationNode.from_row(r.station),
                    normal_level=r.station.normal_level,
                    level=reading(r.level),
                    inflow=reading(r.inflow),
                    outflow=reading(r.outflow),
                    release_order=None
                    if r.release_order is None
                    else ReleaseOrder(
                        flow_min=r.release_order.flow_min,
                        flow_max=r.release_order.flow_max,
                        starts_at=r.release_order.starts_at,
                        issued_at=r.release_order.issued_at,
                        source=r.release_order.source,
                    ),
                )
                for r in found.reservoirs
            ],
            flood_points=[
                FloodPointStatus(
                    station=StationNode.from_row(p.station), depth=Reading.of(p.depth, info)
                )
                for p in found.flood_points
            ],
        )
