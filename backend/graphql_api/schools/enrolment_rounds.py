"""GraphQL of enrolment rounds: the city's administrators open and reschedule a round; a
school's administrators set the places their school offers in it."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.schools.enrolment import RoundNode, SchoolEnrolmentPlaces
from backend.schools.admissions import rounds
from backend.schools.admissions.models import EnrolmentRound
from backend.schools.admissions.repository import RoundRow


@strawberry.input(description="The round's windows, in UTC; shown in Huế's local time.")
class SchoolEnrolmentWindowsInput:
    online_opens_at: datetime
    online_closes_at: datetime
    direct_opens_at: datetime = strawberry.field(description="In-person applications.")
    direct_closes_at: datetime
    results_on: date
    confirm_by: datetime = strawberry.field(description="Admitted children confirm by then.")


@strawberry.input
class CreateSchoolEnrolmentRoundInput:
    school_year: str = strawberry.field(description="e.g. 2027-2028.")
    grade: int = strawberry.field(description="1, 6 or 10.")
    max_preferences: int = strawberry.field(
        description="1: the zone school only; up to 5 ranked wishes."
    )
    windows: SchoolEnrolmentWindowsInput


@strawberry.input
class UpdateSchoolEnrolmentRoundInput:
    round_id: relay.GlobalID
    max_preferences: int = strawberry.field(description="Changes only before the round opens.")
    windows: SchoolEnrolmentWindowsInput


@strawberry.input
class SetSchoolEnrolmentPlacesInput:
    round_id: relay.GlobalID
    school_id: relay.GlobalID
    places: int = strawberry.field(description="Never fewer than the children admitted.")


def _windows(given: SchoolEnrolmentWindowsInput) -> rounds.Windows:
    return rounds.Windows(
        online_opens_at=given.online_opens_at,
        online_closes_at=given.online_closes_at,
        direct_opens_at=given.direct_opens_at,
        direct_closes_at=given.direct_closes_at,
        results_on=given.results_on,
        confirm_by=given.confirm_by,
    )


def _node(row: EnrolmentRound) -> RoundNode:
    return RoundNode.from_row(
        RoundRow(
            id=row.id,
            school_year=row.school_year,
            grade=row.grade,
            max_preferences=row.max_preferences,
            online_opens_at=row.online_opens_at,
            online_closes_at=row.online_closes_at,
            direct_opens_at=row.direct_opens_at,
            direct_closes_at=row.direct_closes_at,
            results_on=row.results_on,
            confirm_by=row.confirm_by,
        )
    )


@strawberry.type
class EnrolmentRoundsMutation:
    @strawberry.mutation(
        description="City administrators: open a round for an entry grade of a school year."
    )
    async def create_school_enrolment_round(
        self, info: Info, input: CreateSchoolEnrolmentRoundInput
    ) -> RoundNode | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            created = await rounds.create(
                uow,
                admin_id=viewer.id,
                year=input.school_year,
                grade=input.grade,
                max_preferences=input.max_preferences,
                windows=_windows(input.windows),
                now=info.context.now(),
            )
        return _node(created)

    @strawberry.mutation(description="City administrators: move a round's windows.")
    async def update_school_enrolment_round(
        self, info: Info, input: UpdateSchoolEnrolmentRoundInput
    ) -> RoundNode | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            updated = await rounds.update(
                uow,
                admin_id=viewer.id,
                round_id=decode_id(input.round_id, "SchoolEnrolmentRound", field="input.roundId"),
                max_preferences=input.max_preferences,
                windows=_windows(input.windows),
                now=info.context.now(),
            )
        return _node(updated)

    @strawberry.mutation(
        description="School administrators: the places the school offers in a round."
    )
    async def set_school_enrolment_places(
        self, info: Info, input: SetSchoolEnrolmentPlacesInput
    ) -> SchoolEnrolmentPlaces | None:
        viewer = await info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            offered, admitted = await rounds.set_places(
                uow,
                staff_id=viewer.id,
                round_id=decode_id(input.round_id, "SchoolEnrolmentRound", field="input.roundId"),
                school_id=decode_id(input.school_id, "School", field="input.schoolId"),
                places=input.places,
            )
        return SchoolEnrolmentPlaces(offered=offered, admitted=admitted)
