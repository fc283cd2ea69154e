"""Every connection of the schema refuses a cursor it did not make with BAD_USER_INPUT."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import Any

import pytest
from graphql import GraphQLNamedType, GraphQLObjectType, get_named_type
from strawberry import relay

from backend.graphql_api.alerts.queries import ALERTS_BY_CHANGE, ALERTS_BY_SENT
from backend.graphql_api.business.queries import (
    BUSINESSES_BY_NAME,
    CLAIMS_BY_TIME,
    MEMBERSHIPS_BY_TIME,
    PERMIT_TYPES_BY_NAME,
    QUEUE_BY_DUE,
    REPORTS_BY_TIME,
)
from backend.graphql_api.business.types import (
    APPLICATIONS_BY_UPDATE,
    NOTICES_BY_TIME,
    PERMITS_BY_ISSUE,
    STAFF_BY_TIME,
)
from backend.graphql_api.cards.queries import CARDS_BY_TIME, PASSKEYS_BY_TIME
from backend.graphql_api.environment.queries import STATIONS_BY_CODE
from backend.graphql_api.health.queries import (
    APPOINTMENTS_BY_START,
    FACILITIES_BY_DISTANCE,
    QUEUE_BY_NUMBER,
    SLOTS_BY_START,
)
from backend.graphql_api.notifications.types import INBOX_BY_TIME
from backend.graphql_api.pagination import Keyset
from backend.graphql_api.places.queries import PLACES_BY_DISTANCE, PLACES_BY_NAME, WARDS_BY_NAME
from backend.graphql_api.schema import build_schema
from backend.graphql_api.schools import enrolment as school_enrolment
from backend.graphql_api.schools.classes import CLASS_TEACHERS, CLASSES_BY_NAME
from backend.graphql_api.schools.enrolment_log import READS
from backend.graphql_api.schools.notices import NOTICES_BY_TIME as SCHOOL_NOTICES_BY_TIME
from backend.graphql_api.schools.notices import RESPONSES_BY_NAME
from backend.graphql_api.schools.queries import CHILDREN_BY_NAME, SCHOOLS_BY_NAME
from backend.graphql_api.tourism.favourites import FAVOURITES_BY_SAVED
from backend.graphql_api.tourism.queries import (
    ATTRACTIONS_BY_NAME,
    EVENTS_BY_START,
    ITINERARIES_BY_NAME,
    SEARCH_BY_RELEVANCE,
)
from backend.graphql_api.tourism.types import PARTS_BY_START
from backend.graphql_api.tourism.unpublished import UNPUBLISHED_BY_CREATION
from backend.graphql_api.traffic.queries import (
    INCIDENTS_BY_START,
    REGISTRATIONS_BY_TIME,
    VEHICLES_BY_TIME,
)
from backend.graphql_api.traffic.routes import ROUTES_BY_TIME
from backend.graphql_api.traffic.types import VIOLATIONS_BY_TIME
from backend.seed.demo import stable_id
from backend.settings import Settings
from tests.health.conftest import CENTRAL, DUNG, NEAR_BRIDGE, facility_gid
from tests.support.sessions import token

ROW = uuid.uuid4()
EDGES = "edges { cursor }"

# Every connection, the document that reads it with `$after`, whose token, and its ordering.
FACILITY = facility_gid(CENTRAL)
NEAR = f"{{latitude: {NEAR_BRIDGE['latitude']}, longitude: {NEAR_BRIDGE['longitude']}}}"
DAY = 'from: "2030-01-01T00:00:00Z", to: "2030-01-02T00:00:00Z"'
FOOD_AGENCY = '"' + str(relay.GlobalID("Agency", str(stable_id("agency", "chi-cuc-attp")))) + '"'
PHU_HOI = relay.GlobalID("Ward", str(stable_id("ward", "phu-hoi")))
QUOC_HOC_ID = relay.GlobalID("School", str(stable_id("place", "thpt-chuyen-quoc-hoc")))
FESTIVAL = relay.GlobalID("Event", str(stable_id("event", "festival-hue-2026")))
MATHS_11 = relay.GlobalID(
    "SchoolClass", str(stable_id("school-class", "thpt-chuyen-quoc-hoc:2026-2027:11 Toán"))
)
CONSENT_FORM = relay.GlobalID("SchoolNotice", str(stable_id("school-notice", "11-toan-dai-noi")))


def _query(selection: str) -> str:
    return "query($after: String) { " + selection + " }"


# Every connection: the document that reads it with `$after`, whose token, and its ordering.
CONNECTIONS: dict[tuple[str, str], tuple[str, str | None, Keyset[Any]]] = {
    ("Query", "places"): (_query(f"places(after: $after) {{ {EDGES} }}"), None, PLACES_BY_NAME),
    ("Query", "wards"): (_query(f"wards(after: $after) {{ {EDGES} }}"), None, WARDS_BY_NAME),
    ("Query", "healthFacilities"): (
        _query(f"healthFacilities(near: {NEAR}, after: $after) {{ {EDGES} }}"),
        None,
        FACILITIES_BY_DISTANCE,
    ),
    ("Query", "availableSlots"): (
        _query(f'availableSlots(facilityId: "{FACILITY}", {DAY}, after: $after) {{ {EDGES} }}'),
        None,
        SLOTS_BY_START,
    ),
    ("Query", "facilityAppointments"): (
        _query(
            f'facilityAppointments(facilityId: "{FACILITY}", day: "2030-01-01", after: $after)'
            f" {{ {EDGES} }}"
        ),
        DUNG,
        QUEUE_BY_NUMBER,
    ),
    ("User", "appointments"): (
        _query(f"viewer {{ appointments(after: $after) {{ {EDGES} }} }}"),
        DUNG,
        APPOINTMENTS_BY_START,
    ),
    ("Query", "attractions"): (
        _query(f"attractions(after: $after) {{ {EDGES} }}"),
        None,
        ATTRACTIONS_BY_NAME,
    ),
    ("Query", "events"): (
        _query(
            'events(from: "2026-01-01T00:00:00Z", to: "2026-12-31T00:00:00Z", after: $after)'
            f" {{ {EDGES} }}"
        ),
        None,
        EVENTS_BY_START,
    ),
    ("Query", "itineraries"): (
        _query(f"itineraries(after: $after) {{ {EDGES} }}"),
        None,
        ITINERARIES_BY_NAME,
    ),
    ("Query", "tourismSearch"): (
        _query(f'tourismSearch(text: "hue", after: $after) {{ {EDGES} }}'),
        None,
        SEARCH_BY_RELEVANCE,
    ),
    ("User", "favourites"): (
        _query(f"viewer {{ favourites(after: $after) {{ {EDGES} }} }}"),
        DUNG,
        FAVOURITES_BY_SAVED,
    ),
    ("Event", "subEvents"): (
        _query(f'event(id: "{FESTIVAL}") {{ subEvents(after: $after) {{ {EDGES} }} }}'),
        None,
        PARTS_BY_START,
    ),
    # The cursor is checked before the role: anyone signed in gets the same refusal.
    ("User", "tourismUnpublished"): (
        _query(f"viewer {{ tourismUnpublished(after: $after) {{ {EDGES} }} }}"),
        DUNG,
        UNPUBLISHED_BY_CREATION,
    ),
    ("Query", "certifiedBusinesses"): (
        _query(f"certifiedBusinesses(after: $after) {{ {EDGES} }}"),
        None,
        BUSINESSES_BY_NAME,
    ),
    ("Query", "businessPermitTypes"): (
        _query(f"businessPermitTypes(after: $after) {{ {EDGES} }}"),
        None,
        PERMIT_TYPES_BY_NAME,
    ),
    ("Query", "businessApplicationQueue"): (
        _query(f"businessApplicationQueue(after: $after) {{ {EDGES} }}"),
        "+84905000003",
        QUEUE_BY_DUE,
    ),
    ("Query", "businessClaims"): (
        _query(f"businessClaims(after: $after) {{ {EDGES} }}"),
        "+84905000007",
        CLAIMS_BY_TIME,
    ),
    ("BusinessMembership", "staff"): (
        _query(
            "viewer { businessMemberships { edges { node { "
            f"staff(after: $after) {{ {EDGES} }} }} }} }} }}"
        ),
        "+84905000006",
        STAFF_BY_TIME,
    ),
    ("Query", "businessReports"): (
        _query(f"businessReports(agencyId: {FOOD_AGENCY}, after: $after) {{ {EDGES} }}"),
        "+84905000003",
        REPORTS_BY_TIME,
    ),
    ("Query", "alerts"): (_query(f"alerts(after: $after) {{ {EDGES} }}"), None, ALERTS_BY_SENT),
    ("Query", "operatorAlerts"): (
        _query(f"operatorAlerts(after: $after) {{ {EDGES} }}"),
        "+84905000003",
        ALERTS_BY_CHANGE,
    ),
    ("Query", "stations"): (
        _query(f"stations(after: $after) {{ {EDGES} }}"),
        None,
        STATIONS_BY_CODE,
    ),
    ("User", "businessMemberships"): (
        _query(f"viewer {{ businessMemberships(after: $after) {{ {EDGES} }} }}"),
        "+84905000006",
        MEMBERSHIPS_BY_TIME,
    ),
    ("BusinessMembership", "applications"): (
        _query(
            "viewer { businessMemberships { edges { node { "
            f"applications(after: $after) {{ {EDGES} }} }} }} }} }}"
        ),
        "+84905000006",
        APPLICATIONS_BY_UPDATE,
    ),
    ("BusinessMembership", "issuedPermits"): (
        _query(
            "viewer { businessMemberships { edges { node { "
            f"issuedPermits(after: $after) {{ {EDGES} }} }} }} }} }}"
        ),
        "+84905000006",
        PERMITS_BY_ISSUE,
    ),
    ("BusinessMembership", "notices"): (
        _query(
            "viewer { businessMemberships { edges { node { "
            f"notices(after: $after) {{ {EDGES} }} }} }} }} }}"
        ),
        "+84905000006",
        NOTICES_BY_TIME,
    ),
    ("User", "notifications"): (
        _query(f"viewer {{ notifications(after: $after) {{ {EDGES} }} }}"),
        DUNG,
        INBOX_BY_TIME,
    ),
    ("Query", "trafficIncidents"): (
        _query(f"trafficIncidents(after: $after) {{ {EDGES} }}"),
        None,
        INCIDENTS_BY_START,
    ),
    ("Query", "trafficVehicleRegistrations"): (
        _query(f"trafficVehicleRegistrations(after: $after) {{ {EDGES} }}"),
        "+84905000003",
        REGISTRATIONS_BY_TIME,
    ),
    ("User", "vehicles"): (
        _query(f"viewer {{ vehicles(after: $after) {{ {EDGES} }} }}"),
        "+84905000001",
        VEHICLES_BY_TIME,
    ),
    ("User", "savedTrafficRoutes"): (
        _query(f"viewer {{ savedTrafficRoutes(after: $after) {{ {EDGES} }} }}"),
        "+84905000001",
        ROUTES_BY_TIME,
    ),
    ("Vehicle", "violations"): (
        _query(
            "viewer { vehicles { edges { node { "
            f"violations(after: $after) {{ {EDGES} }} }} }} }} }}"
        ),
        "+84905000001",
        VIOLATIONS_BY_TIME,
    ),
    ("User", "cards"): (
        _query(f"viewer {{ cards(after: $after) {{ {EDGES} }} }}"),
        "+84905000003",
        CARDS_BY_TIME,
    ),
    ("User", "passkeys"): (
        _query(f"viewer {{ passkeys(after: $after) {{ {EDGES} }} }}"),
        "+84905000003",
        PASSKEYS_BY_TIME,
    ),
    ("Query", "schools"): (_query(f"schools(after: $after) {{ {EDGES} }}"), None, SCHOOLS_BY_NAME),
    ("Query", "schoolsForAddress"): (
        _query(f'schoolsForAddress(ward: "{PHU_HOI}", after: $after) {{ {EDGES} }}'),
        None,
        SCHOOLS_BY_NAME,
    ),
    ("Query", "schoolNoticeResponses"): (
        _query(f'schoolNoticeResponses(noticeId: "{CONSENT_FORM}", after: $after) {{ {EDGES} }}'),
        "+84905000005",
        RESPONSES_BY_NAME,
    ),
    ("User", "schoolChildren"): (
        _query(f"viewer {{ schoolChildren(after: $after) {{ {EDGES} }} }}"),
        "+84905000002",
        CHILDREN_BY_NAME,
    ),
    ("Query", "schoolEnrolmentRounds"): (
        _query(f"schoolEnrolmentRounds(after: $after) {{ {EDGES} }}"),
        None,
        school_enrolment.ROUNDS,
    ),
    ("Query", "schoolEnrolmentApplications"): (
        _query(
            f'schoolEnrolmentApplications(schoolId: "{QUOC_HOC_ID}", after: $after) {{ {EDGES} }}'
        ),
        "+84905000005",
        school_enrolment.BY_NAME,
    ),
    ("User", "schoolEnrolmentApplications"): (
        _query(f"viewer {{ schoolEnrolmentApplications(after: $after) {{ {EDGES} }} }}"),
        "+84905000002",
        school_enrolment.MINE,
    ),
    ("User", "schoolNotices"): (
        _query(f"viewer {{ schoolNotices(after: $after) {{ {EDGES} }} }}"),
        "+84905000002",
        SCHOOL_NOTICES_BY_TIME,
    ),
    ("Query", "schoolClasses"): (
        _query(f'schoolClasses(schoolId: "{QUOC_HOC_ID}", after: $after) {{ {EDGES} }}'),
        "+84905000005",
        CLASSES_BY_NAME,
    ),
    # The cursor is checked before the viewer's role: a teacher's request shows it.
    ("Query", "schoolClassTeachers"): (
        _query(f'schoolClassTeachers(classId: "{MATHS_11}", after: $after) {{ {EDGES} }}'),
        "+84905000005",
        CLASS_TEACHERS,
    ),
    ("Query", "schoolEnrolmentReads"): (
        _query(f'schoolEnrolmentReads(schoolId: "{QUOC_HOC_ID}", after: $after) {{ {EDGES} }}'),
        "+84905000005",
        READS,
    ),
}


def _raw(*payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


def _bad_cursors(keyset: Keyset[Any]) -> dict[str, str]:
    other = WARDS_BY_NAME if keyset is not WARDS_BY_NAME else PLACES_BY_NAME
    special: dict[str, str] = {}
    if keyset.key_type is datetime:
        special["naive time"] = _raw(keyset.name, "2027-01-01T08:00:00", ROW.hex)
        special["time out of range"] = _raw(keyset.name, "9999-12-31T23:00:00-14:00", ROW.hex)
    return {
        **special,
        "garbage": "not a cursor!",
        "empty": "",
        "not json": base64.urlsafe_b64encode(b"{nope").decode(),
        "not a list": _raw({"a": 1}),
        "too long": "A" * 4096,
        "another list's cursor": other.encode("Huế", ROW),
        "wrong key type": _raw(keyset.name, {"a": 1}, ROW.hex),
        "boolean key": _raw(keyset.name, True, ROW.hex),
        "NaN": _raw(keyset.name, float("nan"), ROW.hex),
        "infinity": _raw(keyset.name, float("inf"), ROW.hex),
        "bad row id": _raw(keyset.name, 1, "not-a-uuid"),
        "missing row id": _raw(keyset.name, 1),
    }


def test_the_table_covers_every_connection_of_the_schema() -> None:
    schema = build_schema(Settings())._schema
    found = set()
    for named in schema.type_map.values():
        if isinstance(named, GraphQLObjectType) and not named.name.startswith("__"):
            for name, field in named.fields.items():
                target: GraphQLNamedType = get_named_type(field.type)
                if target.name.endswith("Connection"):
                    assert "after" in field.args, f"{named.name}.{name} pages without `after`"
                    found.add((named.name, name))
    assert found == set(CONNECTIONS)


@pytest.mark.parametrize("connection", sorted(CONNECTIONS))
async def test_a_foreign_cursor_is_bad_user_input(seeded: Any, connection: tuple[str, str]) -> None:
    document, phone, keyset = CONNECTIONS[connection]
    bearer = await token(seeded, phone) if phone else None
    for label, cursor in _bad_cursors(keyset).items():
        body = await seeded(document, {"after": cursor}, token=bearer)
        errors = body.get("errors") or []
        assert [error["extensions"] for error in errors] == [
            {"code": "BAD_USER_INPUT", "field": "after"}
        ], (connection, label, body)


async def test_places_by_distance_refuses_a_cursor_by_name(seeded: Any) -> None:
    document = (
        "query($after: String) { places(near: {latitude: 16.46, longitude: 107.59}, after: $after)"
        " { edges { cursor } } }"
    )
    by_name = PLACES_BY_NAME.encode("Chợ Đông Ba", ROW)
    body = await seeded(document, {"after": by_name})
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
    negative = PLACES_BY_DISTANCE.encode(-1.0, ROW)
    body = await seeded(document, {"after": negative})
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


async def test_a_cursor_a_connection_made_pages_on(seeded: Any) -> None:
    first = await seeded(
        "{ places(first: 2) { edges { cursor node { id } } pageInfo { endCursor hasNextPage } } }"
    )
    page = first["data"]["places"]
    assert page["pageInfo"]["hasNextPage"] is True
    second = await seeded(
        "query($after: String) { places(first: 2, after: $after) { edges { node { id } } } }",
        {"after": page["pageInfo"]["endCursor"]},
    )
    seen = {edge["node"]["id"] for edge in page["edges"]}
    following = {edge["node"]["id"] for edge in second["data"]["places"]["edges"]}
    assert len(following) == 2
    assert not seen & following
