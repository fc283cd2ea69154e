"""The app's operations (mobile_contract/operations) are valid, listed in the trusted-documents
manifest, and all run without errors for a realistic person, by hash alone, on both databases."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, parse, validate
from sqlalchemy import event
from strawberry import relay

from backend.cli import main as citizen
from backend.db.types import utcnow
from backend.graphql_api.persisted import MANIFEST
from backend.seed.business import RESTAURANT
from backend.seed.cards import AGENCY_SLUG as CARD_AGENCY
from backend.seed.demo import stable_id
from backend.seed.hue import DEMO_PASSWORD
from backend.settings import Settings
from backend.sms import INBOX_FILE
from tests.cards.conftest import ISSUER, card_presentation, card_public_jwk
from tests.schools import enrolment_support as enrolment
from tests.support.clock import Clock
from tests.support.files import uploaded_id
from tests.support.sessions import token
from tests.support.webauthn import SoftAuthenticator

OPERATIONS = json.loads(MANIFEST.read_text(encoding="utf-8"))["operations"]
BY_NAME = {operation["name"]: operation for operation in OPERATIONS}
SCHEMA = Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql"
NEAR = {"latitude": 16.4637, "longitude": 107.5909}
DESKTOP_AUDIENCE = f"{ISSUER}/desktop-sign-in"


def test_the_manifest_is_current() -> None:
    assert citizen(["contract", "manifest", "--check"]) == 0, "run `citizen contract manifest`"


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o["name"])
def test_every_operation_is_valid_against_the_schema(operation: dict[str, Any]) -> None:
    assert validate(build_schema(SCHEMA.read_text()), parse(operation["body"])) == []


def last_local_code(settings: Settings, phone: str) -> str:
    """The code of the last SMS to `phone` in the development inbox under var/."""
    lines = (settings.var_dir / INBOX_FILE).read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if json.loads(line)["to"] == phone]
    found = re.search(r"(?<!\d)\d{6}(?!\d)", texts[-1])
    assert found is not None
    return found.group(0)


class App:
    """A phone running the app: sends operations by hash only, like a released build."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.token: str | None = None
        self.used: set[str] = set()

    async def send(self, name: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        self.used.add(name)
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.api.client.post(
            "/graphql",
            json={
                "operationName": name,
                "variables": variables or {},
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": BY_NAME[name]["id"]}},
            },
            headers=headers,
        )
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), (name, body.get("errors"))
        return body["data"]


@pytest.mark.parametrize("settings_overrides", [{"GRAPHQL_TRUSTED_DOCUMENTS_ONLY": True}])
async def test_a_day_in_the_app_uses_every_operation_without_errors(
    seeded: Any, settings: Settings, clock: Clock
) -> None:
    app = App(seeded)
    started = (
        await app.send(
            "Register",
            {
                "input": {
                    "phone": "0912 345 678",
                    "password": "mật khẩu đủ dài",
                    "displayName": "Lan",
                }
            },
        )
    )["register"]
    clock.set(utcnow() + timedelta(seconds=61))  # past the resend cool-down
    await app.send("ResendVerificationCode", {"verificationId": started["verificationId"]})
    clock.moment = None
    code = last_local_code(settings, "+84912345678")
    await app.send("VerifyPhone", {"verificationId": started["verificationId"], "code": code})
    session = (
        await app.send("Login", {"identifier": "0912345678", "password": "mật khẩu đủ dài"})
    )["login"]
    app.token = session["accessToken"]
    changing = (await app.send("ChangePhone", {"phone": "0912 345 679"}))["changePhone"]
    code = last_local_code(settings, "+84912345679")
    changed = await app.send(
        "ConfirmPhoneChange", {"verificationId": changing["verificationId"], "code": code}
    )
    assert changed["confirmPhoneChange"]["phone"] == "+84912345679"
    await app.send(
        "RegisterDevice",
        {
            "input": {
                "token": "fcm-lan",
                "platform": "ANDROID",
                "locale": "VI",
                "appVersion": "1.0.0",
            }
        },
    )
    await app.send("HealthSpecialties")
    facilities = (await app.send("HealthFacilities", {"near": NEAR}))["healthFacilities"]["edges"]
    facility = next(e["node"] for e in facilities if e["nextAvailableSlot"])
    await app.send("HealthFacility", {"id": facility["id"]})
    now = utcnow()
    # From tomorrow: an appointment can be moved only up to two hours before it starts, and
    # at some hours of the day today's first free slot is closer than that.
    slots = (
        await app.send(
            "AvailableSlots",
            {
                "facilityId": facility["id"],
                "from": (now + timedelta(days=1)).isoformat(),
                "to": (now + timedelta(days=14)).isoformat(),
            },
        )
    )["availableSlots"]["edges"]
    child = (
        await app.send(
            "AddDependant",
            {"input": {"fullName": "Bé Na", "dateOfBirth": "2019-05-04", "relationship": "CHILD"}},
        )
    )["addDependant"]
    booked = (
        await app.send(
            "BookAppointment",
            {"input": {"slotId": slots[0]["node"]["id"], "patient": {"dependantId": child["id"]}}},
        )
    )["bookAppointment"]
    moved = (
        await app.send(
            "RescheduleAppointment",
            {"appointmentId": booked["id"], "newSlotId": slots[-1]["node"]["id"]},
        )
    )["rescheduleAppointment"]
    # The payload carries the old appointment's new state, so a cached copy learns it.
    assert moved["replaces"]["id"] == booked["id"]
    assert moved["replaces"]["status"] == "CANCELLED"
    home = await app.send("Home", {"near": NEAR})
    assert home["viewer"]["appointments"]["edges"][0]["node"]["id"] == moved["id"]
    await app.send("MyAppointments", {})
    assert (await app.send("Appointment", {"id": moved["id"]}))["node"]["id"] == moved["id"]
    inbox = (await app.send("Inbox", {}))["viewer"]["notifications"]["edges"]
    assert [e["node"]["type"] for e in inbox] == ["appointment.rescheduled", "appointment.booked"]
    unread = (await app.send("Inbox", {}))["viewer"]["unreadNotificationCount"]
    read = await app.send("ReadNotifications", {"ids": [inbox[0]["node"]["id"]]})
    read = read["readNotifications"]
    assert [n["id"] for n in read["notifications"]] == [inbox[0]["node"]["id"]]
    assert read["notifications"][0]["readAt"] is not None
    assert read["viewer"]["unreadNotificationCount"] == unread - 1
    await app.send("Settings")
    await app.send(
        "UpdateNotificationPreferences",
        {"input": {"categories": [{"category": "TOURISM", "enabled": False}]}},
    )
    await app.send("CancelAppointment", {"appointmentId": moved["id"]})
    # Signed in, a visitor saves a site and an event, sees them, and unsaves the site.
    spot = (await app.send("Attractions", {"near": NEAR, "first": 1}))["attractions"]["edges"]
    show = (
        await app.send(
            "TourismEvents",
            {"from": "2026-06-01T00:00:00+07:00", "to": "2026-07-01T00:00:00+07:00"},
        )
    )["events"]["edges"]
    saved_site = {"attractionId": spot[0]["node"]["id"]}
    await app.send("AddFavourite", {"input": saved_site})
    await app.send("AddFavourite", {"input": {"eventId": show[0]["node"]["id"]}})
    saved = (await app.send("MyFavourites", {}))["viewer"]["favourites"]["edges"]
    assert sorted(bool(edge["node"]["event"]) for edge in saved) == [False, True]
    assert (await app.send("RemoveFavourite", {"input": saved_site}))["removeFavourite"] is True
    await app.send("UnregisterDevice", {"token": "fcm-lan"})
    await app.send("RefreshSession", {"refreshToken": session["refreshToken"]})
    await app.send("Logout", {"refreshToken": session["refreshToken"]})

    # A visitor without an account: the tourism screens.
    app.token = None
    near = (await app.send("Attractions", {"near": NEAR, "first": 3}))["attractions"]["edges"]
    site = near[0]["node"]["id"]
    await app.send("Attraction", {"id": site})
    await app.send("TourismSearch", {"text": "dai noi"})
    shows = (
        await app.send(
            "TourismEvents",
            {"from": "2026-06-01T00:00:00+07:00", "to": "2026-07-01T00:00:00+07:00"},
        )
    )["events"]["edges"]
    await app.send("TourismEvent", {"id": shows[0]["node"]["id"], "first": 2})
    routes = (await app.send("Itineraries", {}))["itineraries"]["edges"]
    await app.send("Itinerary", {"id": routes[0]["node"]["id"], "start": "2026-09-03T08:00:00Z"})
    day = {"visitorType": "ADULT", "date": "2026-09-03"}
    await app.send("TicketPrice", {"site": site, **day})
    await app.send("TicketCombination", {"sites": [site], **day})

    # Business services: the map for anyone, then a restaurant's representative applies, the
    # agency's officer reviews, a resident claims the hotel and an operator verifies it.
    map_ = (await app.send("CertifiedBusinesses", {"near": NEAR, "search": "huong sen"}))[
        "certifiedBusinesses"
    ]["edges"]
    types = (await app.send("BusinessPermitTypes"))["businessPermitTypes"]["edges"]
    sign = next(e["node"] for e in types if e["node"]["slug"] == "advertising-sign-licence")
    app.token = await token(seeded, "+84905000006")
    mine = (await app.send("MyBusinesses"))["viewer"]["businessMemberships"]["edges"]
    restaurant = mine[0]["node"]["business"]["id"]
    assert restaurant == map_[0]["node"]["id"]
    draft = (
        await app.send(
            "CreateBusinessApplication",
            {
                "businessId": restaurant,
                "permitTypeId": sign["id"],
                "form": [{"name": "signSize", "value": "3 x 0.8"}],
            },
        )
    )["createBusinessApplication"]
    design = {"applicationId": draft["id"], "code": "design"}
    for _ in range(2):  # given, taken back, given again
        await app.send(
            "AttachBusinessApplicationDocument",
            {**design, "fileId": await uploaded_id(seeded, app.token, name="thiet-ke.pdf")},
        )
        await app.send("DetachBusinessApplicationDocument", design)
    await app.send(
        "AttachBusinessApplicationDocument",
        {**design, "fileId": await uploaded_id(seeded, app.token, name="thiet-ke.pdf")},
    )
    await app.send(
        "MoveBusinessApplication",
        {
            "applicationId": draft["id"],
            "action": "SUBMIT",
            "form": [
                {"name": "signSize", "value": "3 x 0.8"},
                {"name": "signText", "value": "Nhà hàng Hương Sen"},
            ],
        },
    )
    await app.send("BusinessApplication", {"id": draft["id"]})
    staff = (
        await app.send("AddBusinessStaff", {"businessId": restaurant, "phone": "0912 345 679"})
    )["addBusinessStaff"]
    await app.send("BusinessStaff", {"membershipId": mine[0]["node"]["id"]})
    permits = (await app.send("BusinessPermits", {"membershipId": mine[0]["node"]["id"]}))["node"][
        "issuedPermits"
    ]["edges"]
    await app.send("BusinessPermit", {"id": permits[0]["node"]["id"]})
    await app.send("RemoveBusinessStaff", {"membershipId": staff["id"]})
    notices = (await app.send("BusinessNotices", {"membershipId": mine[0]["node"]["id"]}))["node"][
        "notices"
    ]["edges"]
    await app.send("BusinessNotice", {"id": notices[0]["node"]["id"]})
    await app.send("MarkBusinessNoticeRead", {"noticeId": notices[0]["node"]["id"]})
    app.token = await token(seeded, "+84905000003")
    await app.send("BusinessApplicationQueue")
    agencies = (await app.send("MyAgencies"))["viewer"]["businessAgencies"]
    await app.send(
        "PublishBusinessNotice",
        {
            "input": {
                "agencyId": agencies[0]["id"],
                "titleVi": "Hạn nộp tờ khai thuế quý IV",
                "bodyVi": "Hạn chót ngày 30/1.",
                "vsicPrefixes": ["56"],
            }
        },
    )
    app.token = await token(seeded, "+84905000001")
    await app.send(
        "ReportBusinessProblem",
        {"businessId": restaurant, "category": "PRICES", "description": "Giá không niêm yết"},
    )
    app.token = await token(seeded, "+84905000003")
    food_agency = next(a for a in agencies if "thực phẩm" in a["name"].lower())
    reports = (await app.send("BusinessReports", {"agencyId": food_agency["id"]}))[
        "businessReports"
    ]["edges"]
    assert [edge["node"]["description"] for edge in reports] == ["Giá không niêm yết"]
    app.token = await token(seeded, "+84905000001")
    claim = (
        await app.send("ClaimBusiness", {"code": "3301023454", "certificateNumber": "GCN-01"})
    )["claimBusiness"]
    app.token = await token(seeded, "+84905000007")
    await app.send("BusinessClaims")
    await app.send("DecideBusinessClaim", {"claimId": claim["id"], "approve": True})
    hotel = claim["business"]["id"]
    await app.send(
        "CorrectBusinessRegistration",
        {"input": {"businessId": hotel, "reason": "GCN thay đổi lần 3", "address": "5 Lê Lợi"}},
    )
    reason = "Thông báo tạm ngừng kinh doanh"
    await app.send(
        "SetBusinessStatus", {"businessId": hotel, "status": "SUSPENDED", "reason": reason}
    )
    await app.send(
        "SetBusinessStatus", {"businessId": hotel, "status": "ACTIVE", "reason": "Hoạt động lại"}
    )
    await traffic_day(app, seeded)
    await _cards(app, seeded)
    await _alerts_day(app, seeded)
    # Schools: the directory for anyone; a parent's children; linking one with the school's code.
    app.token = await token(seeded, "+84905000002")
    schools = (await app.send("Schools", {"near": NEAR}))["schools"]["edges"]
    await app.send("School", {"id": schools[0]["node"]["id"]})
    await app.send("SchoolsForAddress", {"ward": schools[0]["node"]["ward"]["id"]})
    children = (await app.send("MySchoolChildren"))["viewer"]["schoolChildren"]["edges"]
    await app.send("SchoolStudent", {"id": children[0]["node"]["id"]})
    quoc_hoc = children[0]["node"]["school"]["id"]
    seeded_notice = str(
        relay.GlobalID("SchoolNotice", str(stable_id("school-notice", "11-toan-dai-noi")))
    )
    app.token = await token(seeded, "+84905000005")  # Quốc Học's staff
    code = (
        await app.send("IssueSchoolLinkCode", {"schoolId": quoc_hoc, "identifier": "046311002468"})
    )["issueSchoolLinkCode"]["code"]
    app.token = await token(seeded, "+84905000002")
    await app.send("LinkSchoolChild", {"identifier": "046311002468", "code": code})
    app.token = await token(seeded, "+84905000005")
    await app.send(
        "RevokeSchoolLink",
        {"schoolId": quoc_hoc, "identifier": "046311002468", "parentPhone": "0905000002"},
    )
    # The parent comes to the school: the teacher links them again without a code.
    await app.send(
        "ApproveSchoolLink",
        {"schoolId": quoc_hoc, "identifier": "046311002468", "parentPhone": "0905000002"},
    )
    maths = children[0]["node"]["homeroom"]["id"]
    await app.send(
        "RecordSchoolAttendance",
        {
            "input": {
                "classId": maths,
                "day": "2026-12-01",
                "session": "MORNING",
                "entries": [{"studentId": children[0]["node"]["id"], "status": "UNEXCUSED"}],
            }
        },
    )
    # The teacher gives a 15-minute test's scores, then corrects one (a fixed day in term I).
    clock.set(datetime(2026, 12, 2, 3, 0, tzinfo=UTC))
    term = str(
        relay.GlobalID(
            "SchoolTerm", str(stable_id("school-term", "thpt-chuyen-quoc-hoc:2026-2027:0"))
        )
    )
    graded = (
        await app.send(
            "RecordSchoolGrades",
            {
                "input": {
                    "classId": maths,
                    "termId": term,
                    "subject": "math",
                    "kind": "FIFTEEN_MINUTES",
                    "assessedOn": "2026-12-01",
                    "entries": [{"studentId": children[0]["node"]["id"], "score": 7.5}],
                }
            },
        )
    )["recordSchoolGrades"]["assessments"][0]["id"]
    await app.send(
        "CorrectSchoolGrade",
        {"input": {"assessmentId": graded, "score": 8, "reason": "Cộng sai điểm câu 3"}},
    )
    clock.moment = None
    await app.send("SchoolNoticeResponses", {"noticeId": seeded_notice})
    await app.send("RemindSchoolNotice", {"noticeId": seeded_notice})
    notice = (
        await app.send(
            "PublishSchoolNotice",
            {
                "input": {
                    "schoolId": quoc_hoc,
                    "audience": "CLASS",
                    "classId": maths,
                    "kind": "CONSENT",
                    "titleVi": "Tham quan Đại Nội",
                    "bodyVi": "Sáng thứ Bảy, xuất phát 7 giờ 30.",
                    "dueOn": (utcnow() + timedelta(days=7)).date().isoformat(),
                }
            },
        )
    )["publishSchoolNotice"]["noticeId"]
    app.token = await token(seeded, "+84905000002")
    await app.send("SchoolNotices")
    await app.send(
        "AnswerSchoolConsent",
        {"noticeId": notice, "studentId": children[0]["node"]["id"], "consent": True},
    )
    app.token = await token(seeded, "+84905000005")
    acknowledge = (
        await app.send(
            "PublishSchoolNotice",
            {
                "input": {
                    "schoolId": quoc_hoc,
                    "audience": "CLASS",
                    "classId": maths,
                    "kind": "ACKNOWLEDGEMENT",
                    "titleVi": "Lịch thi học kỳ I",
                    "bodyVi": "Thi từ 21/12.",
                }
            },
        )
    )["publishSchoolNotice"]["noticeId"]
    app.token = await token(seeded, "+84905000002")
    await app.send(
        "AcknowledgeSchoolNotice",
        {"noticeId": acknowledge, "studentId": children[0]["node"]["id"]},
    )

    # Enrolment: a parent applies in the demo's grade-1 round; the school admits the child.
    await school_enrolment_day(app, seeded)

    # Anyone: stations near by, a gauge's last day, the air quality, the flood situation.
    app.token = None
    stations = (await app.send("Stations", {"near": NEAR, "kind": "RIVER_GAUGE"}))["stations"]
    now = utcnow()
    await app.send(
        "Station",
        {
            "id": stations["edges"][0]["node"]["id"],
            "property": "water_level",
            "from": (now - timedelta(days=1)).isoformat(),
            "to": now.isoformat(),
            "interval": "HOUR",
        },
    )
    await app.send("AirQuality", {"near": NEAR})
    await app.send("FloodSituation")

    # Subscriptions run over WebSocket, not HTTP: tests/live runs them (by the manifest's text).
    assert app.used == {name for name, op in BY_NAME.items() if op["type"] != "subscription"}


async def traffic_day(app: App, api: Any) -> None:
    """Traffic: incidents for anyone; an operator publishes, updates and closes one; vehicles,
    violations and the police side of registrations."""
    app.token = None
    near = (await app.send("TrafficIncidents", {"near": NEAR}))["trafficIncidents"]["edges"]
    await app.send("TrafficIncident", {"id": near[0]["node"]["id"]})
    app.token = await token(api, "+84905000003")
    spot = {"latitude": 16.4700, "longitude": 107.5950}
    created = (
        await app.send(
            "CreateTrafficIncident",
            {
                "input": {
                    "type": "ACCIDENT",
                    "path": [spot],
                    "descriptionVi": "Va chạm nhẹ.",
                    "descriptionEn": "Minor collision.",
                }
            },
        )
    )["createTrafficIncident"]
    await app.send("UpdateTrafficIncident", {"input": {"id": created["id"], "severity": "WARNING"}})
    await app.send("CloseTrafficIncident", {"input": {"id": created["id"]}})
    # The operator draws a new road and puts a counting camera on it.
    road = (
        await app.send(
            "CreateRoad",
            {
                "input": {
                    "slug": "ba-trieu",
                    "nameVi": "Bà Triệu",
                    "nameEn": "Bà Triệu",
                    "path": [
                        {"latitude": 16.4660, "longitude": 107.6040},
                        {"latitude": 16.4590, "longitude": 107.6060},
                    ],
                }
            },
        )
    )["createRoad"]
    await app.send("UpdateRoad", {"input": {"id": road["id"], "nameEn": "Ba Trieu street"}})
    camera = (
        await app.send(
            "CreateCountingStation",
            {
                "input": {
                    "slug": "ba-trieu-1",
                    "nameVi": "Camera Bà Triệu 1",
                    "nameEn": "Bà Triệu camera 1",
                    "roadId": road["id"],
                    "location": {"latitude": 16.4625, "longitude": 107.6050},
                }
            },
        )
    )["createCountingStation"]
    await app.send("UpdateCountingStation", {"input": {"id": camera["id"], "kind": "LOOP"}})
    # A resident's vehicles and violations; another registers a bike, police verify it.
    app.token = await token(api, "+84905000001")
    bike = (await app.send("MyVehicles"))["viewer"]["vehicles"]["edges"][0]["node"]
    await app.send("VehicleViolations", {"vehicleId": bike["id"]})
    await app.send("TrafficViolation", {"id": bike["violations"]["edges"][0]["node"]["id"]})
    # The resident's commute: saved, listed, deleted.
    saved = (
        await app.send(
            "SaveTrafficRoute",
            {
                "input": {
                    "name": "Đi làm",
                    "roadIds": [str(relay.GlobalID("Road", str(stable_id("road", "le-loi"))))],
                    "activeFrom": "07:00:00",
                    "activeTo": "08:30:00",
                }
            },
        )
    )["saveTrafficRoute"]
    await app.send("MySavedTrafficRoutes")
    await app.send("DeleteTrafficRoute", {"id": saved["id"]})
    app.token = await token(api, "+84905000002")
    await app.send(
        "RegisterVehicle",
        {
            "input": {
                "plate": "75-C1 456.78",
                "plateColour": "WHITE",
                "vehicleType": "MOTORBIKE",
                "certificateNumber": "075000111",
            }
        },
    )
    app.token = await token(api, "+84905000003")
    queue = (await app.send("TrafficVehicleRegistrations"))["trafficVehicleRegistrations"]
    await app.send(
        "DecideVehicleRegistration",
        {"input": {"registrationId": queue["edges"][0]["node"]["id"], "approve": True}},
    )
    await app.send(
        "TrafficPlateLookup",
        {"plate": "75-C1 456.78", "plateColour": "WHITE", "vehicleType": "MOTORBIKE"},
    )
    await app.send("TrafficOperationsSummary")
    now = utcnow()
    await app.send(
        "TrafficStatistics",
        {"from": (now - timedelta(days=1)).isoformat(), "to": now.isoformat()},
    )


async def _cards(app: App, seeded: Any) -> None:
    """A civil servant signs in with the card, a resident shows a card to a verifier app,
    the agency reissues a card from its staff list, an operator issues and withdraws cards."""
    app.token = await token(seeded, "+84905000003")
    card = (await app.send("MyCards"))["viewer"]["cards"]["edges"][0]["node"]
    nonce = (await app.send("RequestCardNonce", {"purpose": "SIGN_IN"}))["requestCardNonce"]
    presentation = card_presentation(card["credential"], "+84905000003", nonce)
    signed_in = await app.send("SignInWithCard", {"presentation": presentation})
    app.token = signed_in["signInWithCard"]["accessToken"]
    desktop = (await app.send("StartDesktopCardSignIn"))["startDesktopCardSignIn"]
    challenge = {"nonce": desktop["challenge"], "audience": DESKTOP_AUDIENCE}
    approval = card_presentation(card["credential"], "+84905000003", challenge)
    await app.send("ApproveDesktopCardSignIn", {"presentation": approval})
    polled = {"challenge": desktop["challenge"], "pollSecret": desktop["pollSecret"]}
    collected = (await app.send("CollectDesktopCardSignIn", polled))["collectDesktopCardSignIn"]
    assert collected["state"] == "SIGNED_IN"
    # On the web the civil servant adds a passkey, then signs in with password and passkey.
    passkey = SoftAuthenticator(origin=ISSUER, rp_id=ISSUER.removeprefix("https://"))
    created = (await app.send("PasskeyRegistrationOptions"))["passkeyRegistrationOptions"]
    credential = passkey.create(created["optionsJson"])
    await app.send("RegisterPasskey", {"credential": credential, "name": "Office laptop"})
    password = {"identifier": "0905000003", "password": DEMO_PASSWORD}
    wanted = (await app.send("StartPasskeySignIn", password))["startPasskeySignIn"]
    await app.send("FinishPasskeySignIn", {"credential": passkey.get(wanted["optionsJson"])})
    listed = (await app.send("MyPasskeys"))["viewer"]["passkeys"]["edges"]
    await app.send("RemovePasskey", {"passkeyId": listed[0]["node"]["id"]})
    key = card_public_jwk("+84905000003")
    await app.send("RegisterCardDeviceKey", {"publicJwk": key})
    app.token = None
    resident = (await token(seeded, "+84905000001"), "+84905000001")
    app.token = resident[0]
    citizen = (await app.send("MyCards"))["viewer"]["cards"]["edges"][0]["node"]
    nonce = (await app.send("RequestCardNonce", {"purpose": "PRESENTATION"}))["requestCardNonce"]
    shown = card_presentation(citizen["credential"], resident[1], nonce, ["age_over_18"])
    checked = (await app.send("VerifyPresentation", {"presentation": shown}))["verifyPresentation"]
    assert checked["valid"] is True

    app.token = await token(seeded, "+84905000007")
    staff = "phone,full_name,employing_unit,position,card_number\n0905000003,A,B,C,HUE-1\n"
    agency = str(relay.GlobalID("CardAgency", str(stable_id("card-agency", CARD_AGENCY))))
    await app.send("ImportCardStaffList", {"agencyId": agency, "csv": staff})
    for held in (card["id"], str(relay.GlobalID("Card", str(stable_id("card", "business"))))):
        await app.send("ChangeCardStatus", {"cardId": held, "change": "REVOKE"})
    await app.send(
        "IssueCivilServantCard",
        {
            "agencyId": agency,
            "phone": "0905000003",
            "photoRef": "photo:HUE-1",
            "validFrom": "2026-12-01",
            "validTo": "2028-12-31",
        },
    )
    await app.send(
        "IssueCitizenCard",
        {
            "phone": "0905000002",
            "fullName": "Hoàng Thị Huynh",
            "birthDate": "1985-09-02",
            "personalId": "046185000002",
            "address": "Huế",
            "photoRef": "photo:1",
        },
    )
    app.token = await token(seeded, "+84905000006")
    restaurant = str(relay.GlobalID("Business", str(stable_id("business", RESTAURANT))))
    await app.send("RequestBusinessCard", {"businessId": restaurant})


async def _alerts_day(app: App, seeded: Any) -> None:
    """Public alerts: anyone reads what is in force; two operators draft, approve and issue,
    then prepare an update and a cancel."""
    app.token = None
    in_force = (await app.send("Alerts", {"near": NEAR}))["alerts"]["edges"]
    await app.send("Alert", {"id": in_force[0]["node"]["id"]})
    texts = {"vi": "Ngập", "en": "Flooding"}
    alert = {
        "category": "MET",
        "event": texts,
        "urgency": "EXPECTED",
        "severity": "MODERATE",
        "certainty": "LIKELY",
        "headline": texts,
        "description": texts,
        "instruction": texts,
        "areas": [{"description": texts, "wards": ["phu-hoi"]}],
    }
    app.token = await token(seeded, "+84905000003")
    drafted = (await app.send("DraftAlert", {"input": alert}))["draftAlert"]
    await app.send("EditAlert", {"id": drafted["id"], "input": {**alert, "severity": "SEVERE"}})
    spare = (await app.send("DraftAlert", {"input": alert}))["draftAlert"]
    await app.send("DiscardAlert", {"id": spare["id"]})
    app.token = await token(seeded, "+84905000021")
    await app.send("OperatorAlerts", {"stages": ["DRAFT"]})
    await app.send("ApproveAlert", {"id": drafted["id"]})
    await app.send("IssueAlert", {"id": drafted["id"]})
    await app.send("UpdateAlert", {"id": drafted["id"], "input": alert})
    await app.send("CancelAlert", {"id": drafted["id"]})


async def test_the_home_screen_takes_a_bounded_number_of_statements(seeded: Any) -> None:
    app = App(seeded)
    app.token = (
        await app.send("Login", {"identifier": "0905000001", "password": "hue-demo-2026"})
    )["login"]["accessToken"]
    facilities = (await app.send("HealthFacilities", {"near": NEAR}))["healthFacilities"]["edges"]
    now = utcnow()
    for week, facility in enumerate(facilities[:3]):  # three facilities, a week apart
        window = {
            "facilityId": facility["node"]["id"],
            "from": (now + timedelta(days=1 + 7 * week)).isoformat(),
            "to": (now + timedelta(days=8 + 7 * week)).isoformat(),
        }
        slots = (await app.send("AvailableSlots", window))["availableSlots"]["edges"]
        slot = slots[0]["node"]["id"]
        await app.send("BookAppointment", {"input": {"slotId": slot, "patient": {"self": True}}})
    await app.send("Home", {"near": NEAR})  # warm: the first request parses and validates
    # No read connection kept from those requests: the next one checks out what it uses.
    await seeded.app.state.services.read_connections.close()

    checkouts: list[object] = []
    event.listen(
        seeded.app.state.engine.sync_engine.pool,
        "checkout",
        lambda connection, *_: checkouts.append(connection),
    )
    seeded.sql.clear()
    home = await app.send("Home", {"near": NEAR})

    assert len(home["viewer"]["appointments"]["edges"]) == 3
    # On one connection in autocommit: six statements are six round trips.
    assert len(checkouts) == 1
    # The viewer, unread count, appointments, their facilities (one batch), nearby facilities,
    # their next free slots (one batch): six, whatever the page sizes.
    assert seeded.sql.count == 6, seeded.sql.statements


async def school_enrolment_day(app: App, seeded: Any) -> None:
    le_loi = str(relay.GlobalID("School", str(stable_id("place", "tieu-hoc-le-loi"))))
    app.token = await token(seeded, "+84905000002")
    rounds = await app.send("SchoolEnrolmentRounds", {"schoolId": le_loi})
    round_id = rounds["schoolEnrolmentRounds"]["edges"][0]["node"]["id"]
    application = (
        await app.send("SaveSchoolEnrolmentApplication", enrolment.draft("046220009999"))
    )["saveSchoolEnrolmentApplication"]["id"]
    assert round_id == enrolment.ROUND
    for kind in ("BIRTH_CERTIFICATE", "RESIDENCE"):
        file_id = await uploaded_id(seeded, app.token, name="giay-to.pdf")
        await app.send(
            "AttachSchoolEnrolmentDocument",
            {"input": {"applicationId": application, "kind": kind, "fileId": file_id}},
        )
    await app.send("SubmitSchoolEnrolmentApplication", {"applicationId": application})
    await enrolment.make_admin(seeded)
    app.token = await token(seeded, enrolment.ADMIN)
    await app.send("SchoolEnrolmentApplications", {"schoolId": le_loi})
    for decision in ("VERIFY", "ADMIT"):
        await app.send(
            "DecideSchoolEnrolment", {"applicationId": application, "decision": decision}
        )
    app.token = await token(seeded, "+84905000002")
    await app.send("ConfirmSchoolEnrolment", {"applicationId": application})
    await app.send("MySchoolEnrolmentApplications")
    await app.send("SchoolEnrolmentApplication", {"id": application})
    second = (await app.send("SaveSchoolEnrolmentApplication", enrolment.draft("046220009998")))[
        "saveSchoolEnrolmentApplication"
    ]["id"]
    await app.send("WithdrawSchoolEnrolmentApplication", {"applicationId": second})
