"""GraphQL types of the schools domain, written by hand over typed rows.

`School` is public (the directory); `SchoolStudent` only its linked parents can fetch: by
`node(id:)`, by `schoolStudent(id:)` or through `viewer.schoolChildren`, and nobody else."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Self

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import RowNode, node_from, nodes_from
from backend.graphql_api.places.loaders import PlacesLoaders
from backend.graphql_api.places.types import GeoPoint, WardNode
from backend.graphql_api.schools.loaders import SchoolsLoaders
from backend.schools import reads
from backend.schools.models import FeePeriod, Ownership, SchoolLevel
from backend.schools.repository.rows import FeeRow, IntakeRow, SchoolRow, StudentRow

strawberry.enum(
    SchoolLevel,
    name="SchoolLevel",
    description="NURSERY (nhà trẻ), KINDERGARTEN (mẫu giáo), PRIMARY (tiểu học, grades 1–5), "
    "LOWER_SECONDARY (THCS, 6–9), UPPER_SECONDARY (THPT, 10–12).",
)
strawberry.enum(Ownership, name="SchoolOwnership")
strawberry.enum(FeePeriod, name="SchoolFeePeriod")


@strawberry.type(description="A fee of the current school year.")
class SchoolFee:
    name: str
    amount_vnd: int
    period: FeePeriod
    school_year: str


def fee_from(row: FeeRow, info: Info) -> SchoolFee:
    return SchoolFee(
        name=row.name.get(info.context.locale),
        amount_vnd=row.amount_vnd,
        period=row.period,
        school_year=row.school_year,
    )


@strawberry.type(description="Places offered at an entry grade in the current school year.")
class SchoolIntake:
    grade: int = strawberry.field(description="0: the kindergarten's or nursery's entry group.")
    places: int
    school_year: str


@strawberry.type(name="School", description="A school of any level; public.")
class SchoolNode(RowNode):
    row: strawberry.Private[SchoolRow]
    level: SchoolLevel
    ownership: Ownership
    address: str
    location: GeoPoint
    phone: str | None
    website: str | None
    grades: list[int] = strawberry.field(description="Grades taught (0: kindergarten groups).")
    programmes: list[str] = strawberry.field(
        description="Programme codes: standard, gifted, bilingual, international, …"
    )
    school_year: str = strawberry.field(description="The year fees and intake describe.")

    @classmethod
    def from_row(cls, row: SchoolRow) -> Self:
        place = row.place
        return cls(
            row=row,
            level=row.level,
            ownership=row.ownership,
            address=place.address,
            location=GeoPoint(latitude=place.latitude, longitude=place.longitude),
            phone=row.phone,
            website=row.website,
            grades=list(row.grades),
            programmes=list(row.programmes),
            school_year=row.current_year,
        )

    @strawberry.field(description="Name in the viewer's language.")
    def name(self, info: Info) -> str:
        return self.row.place.name.get(info.context.locale)

    @strawberry.field
    async def ward(self, info: Info) -> WardNode | None:
        return await node_from(
            PlacesLoaders.of(info).ward_by_id, self.row.place.ward_id, WardNode.from_row
        )

    @strawberry.field(description="Fees for the current school year, largest first.")
    async def fees(self, info: Info) -> list[SchoolFee]:
        found = await SchoolsLoaders.of(info).fees_by_school_id.load(self.row.id)
        return [fee_from(row, info) for row in found]

    @strawberry.field(description="Places per entry grade for the current school year.")
    async def intake(self, info: Info) -> list[SchoolIntake]:
        found: list[IntakeRow] = await SchoolsLoaders.of(info).intakes_by_school_id.load(
            self.row.id
        )
        return [
            SchoolIntake(grade=row.grade, places=row.places, school_year=row.school_year)
            for row in found
        ]

    @strawberry.field(description="Wards whose children the school admits (tuyến tuyển sinh).")
    async def admission_zone(self, info: Info) -> list[WardNode]:
        ward_ids = await SchoolsLoaders.of(info).zone_by_school_id.load(self.row.id)
        wards = await PlacesLoaders.of(info).ward_by_id.load_many(ward_ids)
        found = [WardNode.from_row(ward) for ward in wards if ward is not None]
        return sorted(found, key=lambda node: node.row.slug)

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        return await nodes_from(SchoolsLoaders.of(info).school_by_id, ids, cls.from_row)


@strawberry.type(description="A school in a search; the distance belongs to the search.")
class SchoolEdge(relay.Edge[SchoolNode]):
    distance_meters: float | None = strawberry.field(
        default=None, description="Metres from `near`, when the list was searched by distance."
    )


@strawberry.type
class SchoolConnection(relay.Connection[SchoolNode]):
    edges: list[SchoolEdge]  # type: ignore[assignment]  # a Connection of richer edges


@strawberry.type(
    name="SchoolStudent",
    description="A child as their school recorded them; only their linked parents see it.",
)
class StudentNode(RowNode):
    row: strawberry.Private[StudentRow]
    identifier: str = strawberry.field(description="The 12-digit student identifier.")
    full_name: str
    date_of_birth: date
    grade: int
    class_name: str | None

    @classmethod
    def from_row(cls, row: StudentRow) -> Self:
        return cls(
            row=row,
            identifier=row.identifier,
            full_name=row.full_name,
            date_of_birth=row.date_of_birth,
            grade=row.grade,
            class_name=row.class_name,
        )

    @strawberry.field
    async def school(self, info: Info) -> SchoolNode | None:
        return await node_from(
            SchoolsLoaders.of(info).school_by_id, self.row.school_id, SchoolNode.from_row
        )

    @classmethod
    async def fetch(cls, info: Info, ids: Sequence[uuid.UUID]) -> Sequence[Self | None]:
        viewer = await info.context.viewer()
        async with info.context.read() as session:
            rows = await reads.visible_students(session, None if viewer is None else viewer.id, ids)
        found = {row.id: row for row in rows}
        return [cls.from_row(found[key]) if key in found else None for key in ids]


@strawberry.type(description="A link code for a guardian; shown this once, never stored.")
class SchoolLinkCode:
    code: str
    expires_at: datetime
    identifier: str
