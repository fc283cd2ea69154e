"""Query plans answer exactly as graphql-core's executor does: every query of the mobile contract,
anonymous and signed in, on both databases; and fields that fail, return null or resolve lazily,
on a schema made to fail."""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta
from enum import Enum
from typing import Any, cast

import pytest
import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    OperationDefinitionNode,
    Undefined,
    parse,
    type_from_ast,
)
from strawberry import relay
from strawberry.schema_directives import OneOf
from strawberry.types import ExecutionResult

from backend.db.types import utcnow
from backend.graphql_api.context import Context
from backend.graphql_api.plans import QueryPlans, by_level, settle
from backend.graphql_api.schema import CitizenSchema, build_schema
from backend.i18n import Locale
from backend.seed.demo import stable_id
from backend.settings import Settings
from tests.contract.test_operations import BY_NAME, NEAR, App
from tests.support.sessions import token

QUERIES = sorted(name for name, o in BY_NAME.items() if o["body"].lstrip().startswith("query"))


def answer(result: ExecutionResult) -> tuple[Any, list[dict[str, Any]]]:
    """What a client reads: the data and the errors (any order: plans run level by level)."""
    errors = sorted((e.formatted for e in result.errors or ()), key=lambda e: str(e.get("path")))
    return result.data, errors


async def run(
    schema: CitizenSchema,
    services: Any,
    name: str,
    variables: dict[str, Any],
    access_token: str | None,
) -> tuple[Any, list[dict[str, Any]]]:
    """What one contract operation answers through `schema`, in English."""
    context = Context(services, locale=Locale.EN, client_address=None, access_token=access_token)
    try:
        result = await schema.execute(
            BY_NAME[name]["body"], variable_values=variables, context_value=context
        )
    finally:
        await context.close()
    return answer(result)


async def test_every_contract_query_answers_as_graphql_core_does(
    seeded: Any, settings: Settings
) -> None:
    app = App(seeded)
    app.token = await token(seeded, "+84905000001")
    facilities = (await app.send("HealthFacilities", {"near": NEAR}))["healthFacilities"]["edges"]
    facility = next(e["node"] for e in facilities if e["nextAvailableSlot"])
    now = utcnow()
    window = {
        "facilityId": facility["id"],
        "from": now.isoformat(),
        "to": (now + timedelta(days=14)).isoformat(),
    }
    slots = (await app.send("AvailableSlots", window))["availableSlots"]["edges"]
    booked = (
        await app.send(
            "BookAppointment",
            {"input": {"slotId": slots[0]["node"]["id"], "patient": {"self": True}}},
        )
    )["bookAppointment"]
    site = (await app.send("Attractions", {"near": NEAR, "first": 2}))["attractions"]["edges"]
    route = (await app.send("Itineraries", {}))["itineraries"]["edges"][0]["node"]["id"]
    day = {"visitorType": "ADULT", "date": "2026-09-02"}  # a public holiday
    for saved in ({"attractionId": site[0]["node"]["id"]}, {"attractionId": site[1]["node"]["id"]}):
        await app.send("AddFavourite", {"input": saved})
    variables: dict[str, dict[str, Any]] = {
        "HealthFacilities": {"near": NEAR},
        "HealthFacility": {"id": facility["id"]},
        "AvailableSlots": window,
        "Home": {"near": NEAR},
        "MyAppointments": {},
        "Appointment": {"id": booked["id"]},
        "Inbox": {},
        "Settings": {},
        "HealthSpecialties": {},
        "Attractions": {"near": NEAR, "first": 5},
        "Attraction": {"id": site[0]["node"]["id"]},
        "TourismSearch": {"text": "minh mang"},
        "TourismEvents": {"from": "2026-01-01T00:00:00+07:00", "to": "2026-12-31T00:00:00+07:00"},
        "TourismEvent": {
            "id": str(relay.GlobalID("Event", str(stable_id("event", "festival-hue-2026")))),
            "first": 2,
        },
        "Itineraries": {},
        "Itinerary": {"id": route, "start": "2026-09-03T08:00:00Z"},
        "TicketPrice": {"site": site[0]["node"]["id"], **day},
        "TicketCombination": {"sites": [site[0]["node"]["id"]], **day},
        "MyFavourites": {"first": 1},
        "CertifiedBusinesses": {"near": NEAR, "search": "bun bo"},
        "BusinessPermitTypes": {},
        "MyBusinesses": {},
        "BusinessApplication": {
            "id": str(
                relay.GlobalID(
                    "BusinessApplication", str(stable_id("application", "restaurant-pavement"))
                )
            )
        },
        "BusinessApplicationQueue": {},
        "BusinessClaims": {},
        "BusinessNotices": {
            "membershipId": str(
                relay.GlobalID("BusinessMembership", str(stable_id("membership", "3300912348")))
            )
        },
        "BusinessNotice": {
            "id": str(relay.GlobalID("BusinessNotice", str(stable_id("notice", "flood-season"))))
        },
        "MyAgencies": {},
        "BusinessStaff": {
            "membershipId": str(
                relay.GlobalID("BusinessMembership", str(stable_id("membership", "3300912348")))
            )
        },
        "BusinessPermit": {
            "id": str(relay.GlobalID("Permit", str(stable_id("permit", "ATTP-2025-0001DEMO"))))
        },
        "BusinessPermits": {
            "membershipId": str(
                relay.GlobalID("BusinessMembership", str(stable_id("membership", "3300912348")))
            )
        },
        "BusinessReports": {
            "agencyId": str(relay.GlobalID("Agency", str(stable_id("agency", "chi-cuc-attp"))))
        },
        "TrafficIncidents": {"near": NEAR, "radiusMeters": 5000},
        "TrafficIncident": {
            "id": str(
                relay.GlobalID(
                    "TrafficIncident", str(stable_id("traffic-incident", "congestion-hung-vuong"))
                )
            )
        },
        "MyVehicles": {},
        "MySavedTrafficRoutes": {},
        "VehicleViolations": {
            "vehicleId": str(relay.GlobalID("Vehicle", str(stable_id("vehicle", "75-B1 234.56"))))
        },
        "TrafficViolation": {
            "id": str(relay.GlobalID("TrafficViolation", str(stable_id("violation", "red-light"))))
        },
        "TrafficVehicleRegistrations": {},
        "TrafficOperationsSummary": {},
        "TrafficStatistics": {
            "from": (now - timedelta(days=2)).isoformat(),
            "to": now.isoformat(),
        },
        "TrafficPlateLookup": {
            "plate": "75-B1 234.56",
            "plateColour": "WHITE",
            "vehicleType": "MOTORBIKE",
        },
        "MyCards": {},
        "MyPasskeys": {},
        "Stations": {"near": NEAR},
        "Station": {
            "id": str(relay.GlobalID("Station", str(stable_id("env-thing", "TV-KIM-LONG")))),
            "property": "water_level",
            "from": (now - timedelta(days=3)).isoformat(),
            "to": now.isoformat(),
            "interval": "HOUR",
        },
        "AirQuality": {"near": NEAR},
        "FloodSituation": {},
        "Alerts": {"active": False},
        "Alert": {"id": str(relay.GlobalID("Alert", str(stable_id("alert", "flood-huong"))))},
        "OperatorAlerts": {},
        "Schools": {"near": NEAR},
        "School": {"id": str(relay.GlobalID("School", str(stable_id("place", "tieu-hoc-le-loi"))))},
        "SchoolsForAddress": {
            "ward": str(relay.GlobalID("Ward", str(stable_id("ward", "phu-hoi"))))
        },
        "MySchoolChildren": {},
        "SchoolNotices": {},
        "SchoolNoticeResponses": {
            "noticeId": str(
                relay.GlobalID("SchoolNotice", str(stable_id("school-notice", "11-toan-dai-noi")))
            )
        },
        "SchoolStudent": {
            "id": str(relay.GlobalID("SchoolStudent", str(stable_id("student", "046210004321"))))
        },
        "SchoolEnrolmentRounds": {
            "schoolId": str(relay.GlobalID("School", str(stable_id("place", "tieu-hoc-le-loi"))))
        },
        "MySchoolEnrolmentApplications": {},
        "SchoolEnrolmentApplication": {
            "id": str(relay.GlobalID("SchoolEnrolmentApplication", str(stable_id("none", "none"))))
        },
        "SchoolEnrolmentApplications": {
            "schoolId": str(relay.GlobalID("School", str(stable_id("place", "tieu-hoc-le-loi"))))
        },
    }
    assert set(variables) == set(QUERIES), "give every contract query its variables here"

    services = seeded.app.state.services
    planned = build_schema(settings)
    general = build_schema(settings.model_copy(update={"graphql_query_plans": False}))
    compared = 0
    for name in QUERIES:
        for access_token in (None, app.token):
            answers = [
                await run(schema, services, name, variables[name], access_token)
                for schema in (planned, general)
            ]
            assert answers[0] == answers[1], name
            assert answers[0][0] is not None or answers[0][1], name
            compared += 1
    assert compared == 2 * len(QUERIES)
    # The plans really ran (the general path is the fallback for what they don't cover).
    assert planned.plans is not None
    assert planned.plans.plan_count == len(QUERIES)


MUTATIONS_OF_THE_APP = sorted(
    name for name, o in BY_NAME.items() if o["body"].lstrip().startswith("mutation")
)


def made_up(type_: GraphQLInputType) -> Any:
    """A value of an input type, each input object with its required fields only: enough for
    graphql-core to accept it, rarely enough for a resolver."""
    if isinstance(type_, GraphQLNonNull):
        return made_up(type_.of_type)
    if isinstance(type_, GraphQLList):
        return [made_up(type_.of_type)]
    if isinstance(type_, GraphQLInputObjectType):
        definition = type_.extensions.get("strawberry-definition")
        directives = definition.directives if definition else ()
        if type_.is_one_of or any(isinstance(d, OneOf) for d in directives):
            name, field = next(iter(type_.fields.items()))
            return {name: made_up(field.type)}
        return {
            name: made_up(field.type)
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    return SCALARS.get(type_.name, "x")


SCALARS = {
    "Int": 1,
    "Float": 1.5,
    "Boolean": True,
    "DateTime": "2026-09-02T08:00:00+07:00",
    "Date": "2026-09-02",
    "JSON": {},
}


def shape(data: Any) -> Any:
    """An answer's keys, without its values: two successes made apart differ by ids and times."""
    if isinstance(data, dict):
        return {key: shape(value) for key, value in data.items()}
    if isinstance(data, list):
        return [shape(value) for value in data]
    return None


async def test_every_contract_mutation_answers_as_graphql_core_does(
    seeded: Any, settings: Settings
) -> None:
    """Each of the app's mutations with values made from its variables' types, anonymous and
    signed in: the same refusals (codes, messages, paths), or, where both succeed, the same
    answer shape."""
    services = seeded.app.state.services
    planned = build_schema(settings)
    general = build_schema(settings.model_copy(update={"graphql_query_plans": False}))
    graphql_schema = planned._schema
    refused = succeeded = 0
    for name in MUTATIONS_OF_THE_APP:
        document = parse(BY_NAME[name]["body"])
        (operation,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        variables = {
            definition.variable.name.value: made_up(
                type_from_ast(graphql_schema, definition.type)  # type: ignore[arg-type]
            )
            for definition in operation.variable_definitions or ()
        }
        signed_in = await token(seeded, "+84905000001")  # a fresh one: Logout ends its own
        for access_token in (None, signed_in):
            answers = [
                await run(schema, services, name, variables, access_token)
                for schema in (planned, general)
            ]
            (data, errors), (general_data, general_errors) = answers
            if errors or general_errors:
                assert answers[0] == answers[1], (name, access_token is not None)
                refused += 1
            else:
                assert shape(data) == shape(general_data), name
                succeeded += 1
    assert refused > succeeded > 0
    assert planned.plans is not None
    assert planned.plans.plan_count == len(MUTATIONS_OF_THE_APP)  # every one ran a plan


# --- a schema made to fail ----------------------------------------------------------------------


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Part(Named):
    weight: int


@strawberry.enum
class Colour(Enum):
    RED = "red"
    DARK_RED = "dark-red"


LEVEL_CALLS: list[int] = []  # how many parents each `by_level` call was asked for


async def doubled_numbers(info: Any, items: list[Item]) -> list[int | Exception]:
    LEVEL_CALLS.append(len(items))
    await asyncio.sleep(0)
    return [LookupError("no double for 2") if i.number == 2 else i.number * 2 for i in items]


async def halved_numbers(info: Any, items: list[Item]) -> list[int]:
    raise ValueError("halving is off")


async def one_of(many: Any, info: Any, item: Item) -> Any:
    """A `by_level` field's value for one item, as graphql-core asks for it."""
    (value,) = await many(info, [item])
    if isinstance(value, Exception):
        raise value
    return value


@strawberry.type
class Item(Named):
    number: int
    # Leaves a plan completes without graphql-core's serializers, unless they are out of range.
    scale: float = 1.5
    count: int = 7
    colour: Colour = Colour.DARK_RED

    @strawberry.field
    def broken(self) -> str:
        raise ValueError(f"item {self.number} is broken")

    @strawberry.field
    def missing(self) -> str:
        return None  # type: ignore[return-value]  # a resolver that breaks its promise

    @strawberry.field
    def maybe_missing(self) -> str | None:
        return None

    @strawberry.field
    async def later(self, by: int = 1) -> int:
        await asyncio.sleep(0)
        if self.number == 2:
            raise LookupError("no later for 2")
        return self.number + by

    @strawberry.field
    @by_level(doubled_numbers)
    async def doubled(self, info: strawberry.Info) -> int | None:
        return cast(int, await one_of(doubled_numbers, info, self))

    @strawberry.field
    @by_level(halved_numbers)
    async def halved(self, info: strawberry.Info) -> int:
        return cast(int, await one_of(halved_numbers, info, self))

    @strawberry.field
    def parts(self) -> list[Part | None]:
        return [Part(name=f"p{self.number}", weight=self.number), None]

    @strawberry.field
    async def strict_parts(self) -> list[Part]:
        return [Part(name="ok", weight=1), None]  # type: ignore[list-item]

    @strawberry.field
    def related(self) -> Named:
        return Part(name="rel", weight=0) if self.number % 2 else Item(name="sub", number=9)


ITEMS = [
    Item(name="i0", number=0, scale=2, count=True),  # an int as a Float, a bool as an Int
    Item(name="i1", number=1, scale=math.nan),
    Item(name="i2", number=2, count=2**40),
    Item(name="i3", number=3, colour="red"),  # type: ignore[arg-type]  # a value, not a member
]


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return ITEMS

    @strawberry.field
    def maybe_items(self) -> list[Item | None] | None:
        return [*ITEMS, None]

    @strawberry.field
    async def first(self) -> Item | None:
        return ITEMS[1]

    @strawberry.field
    def named(self) -> list[Named]:
        return [ITEMS[0], Part(name="loose", weight=3)]


CALLS: list[str] = []  # the mutations' side effects, in the order they happened


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def make(self, number: int) -> Item:
        await asyncio.sleep(0)
        CALLS.append(f"make {number}")
        return Item(name=f"made {number}", number=number)

    @strawberry.mutation
    def refuse(self, reason: str) -> Item | None:
        CALLS.append("refuse")
        raise PermissionError(reason)

    @strawberry.mutation
    async def vanish(self) -> Item:
        CALLS.append("vanish")
        return None  # type: ignore[return-value]  # a resolver that breaks its promise


class PlannedSchema(strawberry.Schema):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans = QueryPlans(self)

    def _get_execute_function(self) -> Any:
        return self.plans.execute


GENERAL = strawberry.Schema(query=Query, mutation=Mutation, types=[Part, Item])

DOCUMENTS = [
    "{ items { name number __typename } }",
    "{ maybeItems { name broken } }",
    "{ maybeItems { name missing } }",
    "{ maybeItems { name maybeMissing later(by: 10) } }",
    "{ items { name broken } }",
    "{ first { later strictParts { name weight } } items { number } }",
    "{ maybeItems { parts { name weight } strictParts { name } } }",
    "{ named { __typename name ... on Part { weight } ... on Item { number related { name } } } }",
    "query Q($big: Boolean!) { first { ... F @include(if: $big) a: name b: name @skip(if: $big) } }"
    " fragment F on Item { number parts { weight } }",
    "{ items { related { __typename ... on Item { broken } ... on Part { weight } } } }",
    "{ maybeItems { name scale count colour } }",
    "{ items { count } }",
    "{ items { number doubled } maybeItems { doubled first: doubled halved } }",
    "{ items { halved } }",
    "{ first { related { ... on Item { doubled } } } items { related { ... on Item { doubled } } } }",
]


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("big", [True, False])
async def test_failures_and_null_propagation_match_graphql_core(document: str, big: bool) -> None:
    variables = {"big": big} if "$big" in document else None
    schema = PlannedSchema(query=Query, types=[Part, Item])
    planned = await schema.execute(document, variable_values=variables)
    general = await GENERAL.execute(document, variable_values=variables)
    assert answer(planned) == answer(general)
    assert schema.plans.plan_count == 1  # a plan answered, not the fallback


MUTATIONS = [
    "mutation { make(number: 3) { name later strictParts { name } related { __typename } } }",
    "mutation { make(number: 2) { name later parts { name } } }",
    "mutation { made: make(number: 1) { number broken } }",
    'mutation { refuse(reason: "closed") { name } }',
    "mutation { vanish { name } }",
    "mutation M($n: Int!) { make(number: $n) { __typename number parts { weight } } }",
]


@pytest.mark.parametrize("document", MUTATIONS)
async def test_a_mutation_of_one_root_field_runs_its_plan_as_graphql_core_would(
    document: str,
) -> None:
    variables = {"n": 3} if "$n" in document else None
    schema = PlannedSchema(query=Query, mutation=Mutation, types=[Part, Item])
    CALLS.clear()
    planned = await schema.execute(document, variable_values=variables)
    done_by_plan = list(CALLS)
    CALLS.clear()
    general = await GENERAL.execute(document, variable_values=variables)
    assert answer(planned) == answer(general)
    assert done_by_plan == CALLS  # run once, as graphql-core runs it
    assert len(CALLS) == 1
    assert schema.plans.plan_count == 1


async def test_a_mutation_of_several_root_fields_goes_to_graphql_core_in_order() -> None:
    schema = PlannedSchema(query=Query, mutation=Mutation, types=[Part, Item])
    CALLS.clear()
    document = 'mutation { a: make(number: 1) { number } b: refuse(reason: "no") { name } '
    document += "c: make(number: 2) { number } }"
    planned = await schema.execute(document)
    assert CALLS == ["make 1", "refuse", "make 2"]  # one after another, as the spec says
    assert answer(planned) == answer(await GENERAL.execute(document))
    assert schema.plans.plan_count == 0


async def test_introspection_goes_to_graphql_core() -> None:
    schema = PlannedSchema(query=Query, types=[Part, Item])
    introspected = await schema.execute("{ __schema { queryType { name } } items { number } }")
    assert introspected.data == {
        "__schema": {"queryType": {"name": "Query"}},
        "items": [{"number": n} for n in range(4)],
    }
    assert schema.plans.plan_count == 0


def test_the_setting_turns_plans_off(settings: Settings) -> None:
    on = build_schema(settings)
    off = build_schema(settings.model_copy(update={"graphql_query_plans": False}))
    assert isinstance(on, CitizenSchema)
    assert on.plans is not None
    assert off.plans is None  # type: ignore[attr-defined]


async def test_a_level_whose_resolvers_take_turns_on_one_connection_settles_in_order() -> None:
    # As a request's reads do: each resolver waits for the lock, then for its statement. The
    # level must wake whenever any of them can go on, never wait on a future that is done.
    turn = asyncio.Lock()
    finished: list[int] = []

    async def read(number: int) -> int:
        async with turn:
            await asyncio.sleep(0.001 * (number % 3))
            finished.append(number)
        if number == 7:
            raise ValueError("seven")
        return number * 10

    async with asyncio.timeout(5):
        values = await settle([read(n) for n in range(12)])
    assert finished == list(range(12))
    assert [v for i, v in enumerate(values) if i != 7] == [n * 10 for n in range(12) if n != 7]
    assert isinstance(values[7], ValueError)


async def test_a_by_level_field_is_asked_once_per_level_for_all_its_parents() -> None:
    schema = PlannedSchema(query=Query, types=[Part, Item])
    LEVEL_CALLS.clear()
    planned = await schema.execute("{ items { doubled } maybeItems { doubled } }")
    assert LEVEL_CALLS == [4, 4]  # once per field of the level, for all four items
    LEVEL_CALLS.clear()
    general = await GENERAL.execute("{ items { doubled } maybeItems { doubled } }")
    assert LEVEL_CALLS == [1] * 8
    assert answer(planned) == answer(general)
    assert planned.data is not None
    assert [item["doubled"] for item in planned.data["items"]] == [0, 2, None, 6]
