"""Online enrolment as a parent and a school's administrator see it, on both databases: the
demo's open grade-1 round, a draft with evidence sent in the window, a correction asked with a
reason, verification, admission within the places, confirmation; every step in the history and
every school decision pushed to the parent without the child's name. Refusals change nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.schools.admissions import decisions
from backend.schools.admissions.models import EnrolmentPlaces
from backend.seed.demo import stable_id
from notifications.models import Notification
from tests.schools.conftest import PARENT, RESIDENT, TEACHER, plain, school_gid, send
from tests.schools.enrolment_support import (
    ADMIN,
    CHILD,
    ROUND,
    decide,
    documents,
    draft,
    make_admin,
    ok,
    sent,
    snapshot,
)
from tests.support.clock import Clock
from tests.support.files import uploaded_id
from tests.support.graphql import data, only_error
from tests.support.sessions import token

LE_LOI = school_gid("tieu-hoc-le-loi")


async def _pushes(api: Any, phone: str) -> list[Notification]:
    statement = (
        select(Notification)
        .where(
            Notification.user_id == stable_id("user", phone),
            Notification.type == "school_enrolment.updated",
        )
        .order_by(Notification.created_at)
    )
    async with api.sessions() as session:
        return list((await session.scalars(statement)).all())


async def _places(api: Any, parent: str) -> dict[str, int]:
    rounds = await ok(api, "SchoolEnrolmentRounds", {"schoolId": LE_LOI}, token=parent)
    [edge] = [e for e in rounds["schoolEnrolmentRounds"]["edges"] if e["node"]["id"] == ROUND]
    places: dict[str, int] = edge["node"]["places"]
    return places


async def _error(api: Any, name: str, variables: dict[str, Any], bearer: str) -> dict[str, Any]:
    """An operation that must be refused: its one error, after checking nothing changed."""
    before = await snapshot(api)
    body = await send(api, name, variables, token=bearer)
    error = only_error(body)
    assert await snapshot(api) == before
    return error


async def test_the_demo_has_an_open_grade_one_round(seeded: Any) -> None:
    answer = await ok(seeded, "SchoolEnrolmentRounds", {"schoolId": LE_LOI})
    [round_] = [e["node"] for e in answer["schoolEnrolmentRounds"]["edges"]]
    assert round_["id"] == ROUND
    assert (round_["schoolYear"], round_["grade"], round_["maxPreferences"]) == ("2027-2028", 1, 1)
    assert round_["isOpen"] is True
    assert round_["places"] == {"offered": 175, "admitted": 0}
    other = await ok(seeded, "SchoolEnrolmentRounds", {"schoolId": school_gid("thpt-hai-ba-trung")})
    assert other["schoolEnrolmentRounds"]["edges"][0]["node"]["places"] is None


async def test_priority_groups_are_presented_as_unconfirmed(seeded: Any) -> None:
    """DOMAIN-FACTS names no Huế rule for them: the API says so where the app reads them."""
    answer = await ok(seeded, "SchoolEnrolmentRounds", {"schoolId": LE_LOI})
    [round_] = [e["node"] for e in answer["schoolEnrolmentRounds"]["edges"]]
    assert round_["priorityCategoriesConfirmed"] is False
    about = """{ __type(name: "SchoolEnrolmentPriority") { description } }"""
    described = data(await seeded(about))["__type"]["description"]
    assert "Unconfirmed" in described
    assert "not applied automatically" in described


async def test_a_parent_applies_and_the_school_admits(seeded: Any) -> None:
    await make_admin(seeded)
    parent, admin = await token(seeded, PARENT), await token(seeded, ADMIN)
    saved = await ok(seeded, "SaveSchoolEnrolmentApplication", draft(), token=parent)
    application = saved["saveSchoolEnrolmentApplication"]
    assert application["status"] == "DRAFT"
    assert application["childName"] == "Lê Bảo Ngọc"
    assert application["inZone"] is True
    assert application["guardians"] == [
        {"name": "Trần Thị Bình", "phone": "+84905000002", "relation": "mẹ"}
    ]
    app_id = application["id"]
    # A draft is the parent's own: the school does not list it yet.
    listed = await ok(seeded, "SchoolEnrolmentApplications", {"schoolId": LE_LOI}, token=admin)
    assert listed["schoolEnrolmentApplications"] == {
        "counts": [],
        "edges": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }
    await documents(seeded, parent, app_id)
    submitted = await ok(
        seeded, "SubmitSchoolEnrolmentApplication", {"applicationId": app_id}, token=parent
    )
    assert submitted["submitSchoolEnrolmentApplication"]["status"] == "SUBMITTED"
    kinds = [d["kind"] for d in submitted["submitSchoolEnrolmentApplication"]["documents"]]
    assert kinds == ["BIRTH_CERTIFICATE", "RESIDENCE"]
    assert submitted["submitSchoolEnrolmentApplication"]["documents"][0]["url"].startswith(
        "/files/"
    )

    listed = await ok(seeded, "SchoolEnrolmentApplications", {"schoolId": LE_LOI}, token=admin)
    queue = listed["schoolEnrolmentApplications"]
    assert queue["counts"] == [{"status": "SUBMITTED", "count": 1}]
    assert [e["node"]["identifier"] for e in queue["edges"]] == [CHILD]

    asked = await decide(
        seeded, admin, app_id, "REQUEST_CORRECTION", "Thiếu trang 2 giấy khai sinh"
    )
    assert data(asked)["decideSchoolEnrolment"]["status"] == "CORRECTION_REQUESTED"
    corrected = draft(address="14 Nguyễn Huệ")
    del corrected["input"]["roundId"]
    corrected["input"]["applicationId"] = app_id
    await ok(seeded, "SaveSchoolEnrolmentApplication", corrected, token=parent)
    again = await ok(
        seeded, "SubmitSchoolEnrolmentApplication", {"applicationId": app_id}, token=parent
    )
    assert again["submitSchoolEnrolmentApplication"]["status"] == "CORRECTED"
    assert again["submitSchoolEnrolmentApplication"]["address"] == "14 Nguyễn Huệ"
    assert data(await decide(seeded, admin, app_id, "VERIFY"))
    admitted = plain(data(await decide(seeded, admin, app_id, "ADMIT")))["decideSchoolEnrolment"]
    assert admitted["status"] == "ADMITTED"
    assert await _places(seeded, parent) == {"offered": 175, "admitted": 1}
    confirmed = await ok(seeded, "ConfirmSchoolEnrolment", {"applicationId": app_id}, token=parent)
    mine = confirmed["confirmSchoolEnrolment"]
    assert mine["status"] == "ENROLMENT_CONFIRMED"
    assert [(s["status"], s["reason"]) for s in mine["history"]] == [
        ("DRAFT", None),
        ("SUBMITTED", None),
        ("CORRECTION_REQUESTED", "Thiếu trang 2 giấy khai sinh"),
        ("CORRECTED", None),
        ("VERIFIED", None),
        ("ADMITTED", None),
        ("ENROLMENT_CONFIRMED", None),
    ]
    pushes = await _pushes(seeded, PARENT)
    assert [p.data["status"] for p in pushes] == ["CORRECTION_REQUESTED", "VERIFIED", "ADMITTED"]
    for push in pushes:
        assert push.deep_link == f"citizenhub://school-enrolments/{stable_id_of(app_id)}"
        assert "Ngọc" not in push.body.vi + push.body.en + push.title.vi
    assert pushes[-1].body.en == "Your child is admitted. Confirm enrolment before the deadline."
    # The parent reads it back by id; someone else is told nothing.
    found = await ok(seeded, "SchoolEnrolmentApplication", {"id": app_id}, token=parent)
    assert found["schoolEnrolmentApplication"]["status"] == "ENROLMENT_CONFIRMED"
    resident = await token(seeded, RESIDENT)
    hidden = await ok(seeded, "SchoolEnrolmentApplication", {"id": app_id}, token=resident)
    assert hidden["schoolEnrolmentApplication"] is None


def stable_id_of(global_id: str) -> str:
    from strawberry import relay

    return relay.GlobalID.from_id(global_id).node_id


async def test_refusals_name_the_problem_and_change_nothing(seeded: Any, clock: Clock) -> None:
    await make_admin(seeded)
    parent, admin = await token(seeded, PARENT), await token(seeded, ADMIN)
    out_of_zone = await _error(
        seeded, "SaveSchoolEnrolmentApplication", draft(ward="thuan-hoa"), parent
    )
    assert out_of_zone["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.wardId"}
    malformed = await _error(
        seeded, "SaveSchoolEnrolmentApplication", draft(identifier="04622000777X"), parent
    )
    assert malformed["extensions"]["code"] == "BAD_USER_INPUT"
    saved = await ok(seeded, "SaveSchoolEnrolmentApplication", draft(), token=parent)
    app_id = saved["saveSchoolEnrolmentApplication"]["id"]
    twice = await _error(seeded, "SaveSchoolEnrolmentApplication", draft(), parent)
    assert twice["extensions"] == {"code": "CONFLICT", "field": "input.identifier"}
    no_documents = await _error(
        seeded, "SubmitSchoolEnrolmentApplication", {"applicationId": app_id}, parent
    )
    assert no_documents["extensions"]["code"] == "BAD_USER_INPUT"
    assert "birth_certificate" in no_documents["message"]
    await documents(seeded, parent, app_id)
    # The online window has closed: nothing is sent any more.
    clock.set(utcnow() + timedelta(days=12))
    late = await _error(
        seeded, "SubmitSchoolEnrolmentApplication", {"applicationId": app_id}, parent
    )
    assert late["extensions"]["code"] == "CONFLICT"
    assert late["message"] == "Đã hết thời hạn nộp hồ sơ của đợt tuyển sinh."
    clock.moment = None
    await ok(seeded, "SubmitSchoolEnrolmentApplication", {"applicationId": app_id}, token=parent)
    # A refusal without a reason, a step out of order, a teacher of another school.
    unexplained = await _error(
        seeded,
        "DecideSchoolEnrolment",
        {"applicationId": app_id, "decision": "REJECT", "reason": " "},
        admin,
    )
    assert unexplained["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.reason"}
    early = await _error(
        seeded, "DecideSchoolEnrolment", {"applicationId": app_id, "decision": "ADMIT"}, admin
    )
    assert early["extensions"]["code"] == "CONFLICT"
    teacher = await token(seeded, TEACHER)
    stranger = await _error(
        seeded, "DecideSchoolEnrolment", {"applicationId": app_id, "decision": "VERIFY"}, teacher
    )
    assert stranger["extensions"]["code"] == "FORBIDDEN"
    not_staff = await _error(seeded, "SchoolEnrolmentApplications", {"schoolId": LE_LOI}, teacher)
    assert not_staff["extensions"]["code"] == "FORBIDDEN"
    assert await _pushes(seeded, PARENT) == []


async def test_after_the_online_window_closes_no_draft_is_written_or_completed(
    seeded: Any, clock: Clock
) -> None:
    parent = await token(seeded, PARENT)
    saved = await ok(seeded, "SaveSchoolEnrolmentApplication", draft(), token=parent)
    app_id = saved["saveSchoolEnrolmentApplication"]["id"]
    residence = await uploaded_id(seeded, parent)
    # Past the online window (direct admission is still open): a draft can no longer be sent,
    # so it is neither started, changed nor given evidence.
    clock.set(utcnow() + timedelta(days=12))
    another = await _error(
        seeded, "SaveSchoolEnrolmentApplication", draft(identifier="046220007778"), parent
    )
    assert another["extensions"] == {"code": "CONFLICT", "field": "input.roundId"}
    changed = draft(applicationId=app_id, address="14 Nguyễn Huệ")
    changed["input"].pop("roundId")
    edit = await _error(seeded, "SaveSchoolEnrolmentApplication", changed, parent)
    assert edit["extensions"] == {"code": "CONFLICT", "field": "input.roundId"}
    evidence = {"input": {"applicationId": app_id, "kind": "RESIDENCE", "fileId": residence}}
    attach = await _error(seeded, "AttachSchoolEnrolmentDocument", evidence, parent)
    assert attach["extensions"] == {"code": "CONFLICT", "field": "input.applicationId"}
    late = await _error(
        seeded, "SubmitSchoolEnrolmentApplication", {"applicationId": app_id}, parent
    )
    assert late["extensions"] == {"code": "CONFLICT", "field": "input.applicationId"}


async def test_one_application_per_child_even_when_saved_at_once(seeded: Any) -> None:
    """Drafts for one child sent together, each on its own connection: the database keeps
    one; every other save is told the child already has an application."""
    parent = await token(seeded, PARENT)
    answers = await asyncio.gather(
        *(send(seeded, "SaveSchoolEnrolmentApplication", draft(), token=parent) for _ in range(6))
    )
    saved = [a for a in answers if not a.get("errors")]
    refused = [only_error(a)["extensions"] for a in answers if a.get("errors")]
    assert len(saved) == 1
    assert refused == [{"code": "CONFLICT", "field": "input.identifier"}] * 5
    mine = await ok(seeded, "MySchoolEnrolmentApplications", token=parent)
    assert len(mine["viewer"]["schoolEnrolmentApplications"]["edges"]) == 1


async def test_withdrawal_before_admission_frees_the_child_for_a_new_application(
    seeded: Any,
) -> None:
    await make_admin(seeded)
    parent, admin = await token(seeded, PARENT), await token(seeded, ADMIN)
    first = await sent(seeded, parent)
    withdrawn = await ok(
        seeded, "WithdrawSchoolEnrolmentApplication", {"applicationId": first}, token=parent
    )
    assert withdrawn["withdrawSchoolEnrolmentApplication"]["status"] == "WITHDRAWN"
    second = await sent(seeded, parent)
    assert data(await decide(seeded, admin, second, "VERIFY"))
    assert data(await decide(seeded, admin, second, "ADMIT"))
    after_admission = await _error(
        seeded, "WithdrawSchoolEnrolmentApplication", {"applicationId": second}, parent
    )
    assert after_admission["extensions"]["code"] == "CONFLICT"
    mine = await ok(seeded, "MySchoolEnrolmentApplications", token=parent)
    statuses = [e["node"]["status"] for e in mine["viewer"]["schoolEnrolmentApplications"]["edges"]]
    assert statuses == ["ADMITTED", "WITHDRAWN"]
    rejected = await ok(
        seeded,
        "SchoolEnrolmentApplications",
        {"schoolId": LE_LOI, "status": "ADMITTED"},
        token=admin,
    )
    queue = rejected["schoolEnrolmentApplications"]
    assert queue["counts"] == [
        {"status": "ADMITTED", "count": 1},
        {"status": "WITHDRAWN", "count": 1},
    ]
    assert [e["node"]["id"] for e in queue["edges"]] == [second]


async def test_concurrent_admissions_never_exceed_the_places(seeded: Any, dialect: str) -> None:
    """Many administrators' admissions at once, each request on its own connection: exactly
    as many succeed as there are places; the rest are told the school is full."""
    if dialect != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
    await make_admin(seeded)
    parent, admin = await token(seeded, PARENT), await token(seeded, ADMIN)
    places = 3
    async with UnitOfWork(seeded.sessions) as uow:
        await uow.session.execute(
            update(EnrolmentPlaces)
            .where(EnrolmentPlaces.school_id == stable_id("place", "tieu-hoc-le-loi"))
            .values(places=places)
        )
    children = [f"0462200080{n:02d}" for n in range(10)]
    ids = [await sent(seeded, parent, child) for child in children]
    for application in ids:
        assert data(await decide(seeded, admin, application, "VERIFY"))
    answers = await asyncio.gather(
        *(decide(seeded, admin, application, "ADMIT") for application in ids)
    )
    admitted = [a for a in answers if a.get("data") and a["data"]["decideSchoolEnrolment"]]
    refused = [only_error(a)["extensions"]["code"] for a in answers if a.get("errors")]
    assert len(admitted) == places
    assert refused == ["CONFLICT"] * (len(ids) - places)
    assert await _places(seeded, parent) == {"offered": places, "admitted": places}
    listed = await ok(seeded, "SchoolEnrolmentApplications", {"schoolId": LE_LOI}, token=admin)
    assert listed["schoolEnrolmentApplications"]["counts"] == [
        {"status": "VERIFIED", "count": len(ids) - places},
        {"status": "ADMITTED", "count": places},
    ]


async def test_steps_taken_at_once_on_one_application_apply_once(seeded: Any) -> None:
    """Two administrators admit the same child while the parent withdraws, each request on
    its own connection: one step applies, the others are told the state moved on, and the
    places count the child at most once."""
    await make_admin(seeded)
    parent, admin = await token(seeded, PARENT), await token(seeded, ADMIN)
    application = await sent(seeded, parent)
    assert data(await decide(seeded, admin, application, "VERIFY"))
    withdraw = {"applicationId": application}
    answers = await asyncio.gather(
        decide(seeded, admin, application, "ADMIT"),
        decide(seeded, admin, application, "ADMIT"),
        send(seeded, "WithdrawSchoolEnrolmentApplication", withdraw, token=parent),
    )
    refused = [only_error(a)["extensions"]["code"] for a in answers if a.get("errors")]
    assert refused == ["CONFLICT", "CONFLICT"]
    mine = await ok(seeded, "SchoolEnrolmentApplication", {"id": application}, token=parent)
    found = mine["schoolEnrolmentApplication"]
    assert [step["status"] for step in found["history"]][-1] == found["status"]
    assert len(found["history"]) == 4  # draft, submitted, verified, then one step
    admitted = 1 if found["status"] == "ADMITTED" else 0
    assert (await _places(seeded, parent))["admitted"] == admitted


async def test_the_database_refuses_more_admitted_than_places(seeded: Any) -> None:
    """The check constraint holds even for a statement that skips the service's guard."""
    where = EnrolmentPlaces.school_id == stable_id("place", "tieu-hoc-le-loi")
    with pytest.raises(IntegrityError):
        async with UnitOfWork(seeded.sessions) as uow:
            await uow.session.execute(
                update(EnrolmentPlaces).where(where).values(admitted=EnrolmentPlaces.places + 1)
            )
    async with seeded.sessions() as session:
        assert await session.scalar(select(EnrolmentPlaces.admitted).where(where)) == 0


async def test_a_place_not_confirmed_in_time_expires_and_goes_back(
    seeded: Any, clock: Clock
) -> None:
    await make_admin(seeded)
    parent, admin = await token(seeded, PARENT), await token(seeded, ADMIN)
    application = await sent(seeded, parent)
    assert data(await decide(seeded, admin, application, "VERIFY"))
    assert data(await decide(seeded, admin, application, "ADMIT"))
    assert await _places(seeded, parent) == {"offered": 175, "admitted": 1}
    later = utcnow() + timedelta(days=26)  # past the round's confirmation deadline
    celery = seeded.app.state.services.celery
    async with UnitOfWork(seeded.sessions, celery) as uow:
        assert await decisions.expire_unconfirmed(uow, now=later) == 1
    async with UnitOfWork(seeded.sessions, celery) as uow:
        assert await decisions.expire_unconfirmed(uow, now=later) == 0
    assert await _places(seeded, parent) == {"offered": 175, "admitted": 0}
    clock.set(later)
    too_late = await _error(
        seeded, "ConfirmSchoolEnrolment", {"applicationId": application}, parent
    )
    assert too_late["extensions"]["code"] == "CONFLICT"
    found = await ok(seeded, "SchoolEnrolmentApplication", {"id": application}, token=parent)
    assert found["schoolEnrolmentApplication"]["status"] == "EXPIRED"
    pushes = await _pushes(seeded, PARENT)
    assert [p.data["status"] for p in pushes] == ["VERIFIED", "ADMITTED", "EXPIRED"]
