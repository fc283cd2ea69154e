"""A permit application from draft to permit: each step allowed only from the states the table
allows and only to whom it allows it, pushed to the business's accounts, kept in the history;
deadlines in working days; refused input changes nothing; permits remind before they expire."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from backend.business import permits
from backend.business.models import Application, ApplicationEvent, Permit
from backend.db.unit_of_work import UnitOfWork
from backend.seed.demo import stable_id
from tests.business.conftest import (
    OFFICER,
    REPRESENTATIVE,
    RESIDENT,
    RESTAURANT,
    application_gid,
    business_gid,
    food_form,
    give_documents,
    inbox,
    ok,
    permit_type_gid,
    send,
    uuid_of,
)
from tests.support.clock import Clock
from tests.support.graphql import only_error
from tests.support.sessions import token

# Friday 4 December 2026, 10:00 in Huế.
FRIDAY = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)


async def _move(api: Any, bearer: str, application: str, action: str, **more: Any) -> Any:
    """One step, a minute after the previous one (pushes are ordered by time)."""
    clock = api.clock
    if clock is not None and clock.moment is not None:
        clock.set(clock.moment + timedelta(minutes=1))
    return await send(
        api,
        "MoveBusinessApplication",
        {"applicationId": application, "action": action, **more},
        token=bearer,
    )


async def _state(api: Any, application: str) -> tuple[Any, ...]:
    async with api.sessions() as session:
        row = await session.get(Application, uuid_of(application))
        events = await session.scalar(
            select(func.count())
            .select_from(ApplicationEvent)
            .where(ApplicationEvent.application_id == uuid_of(application))
        )
    assert row is not None
    return row.status, row.form, row.due_at, row.officer_note, events


async def test_from_draft_to_permit_with_a_push_at_every_step(seeded: Any, clock: Clock) -> None:
    owner = await token(seeded, REPRESENTATIVE)
    officer = await token(seeded, OFFICER)
    clock.set(FRIDAY)
    seeded.clock = clock
    draft = (
        await ok(
            seeded,
            "CreateBusinessApplication",
            {
                "businessId": business_gid(RESTAURANT),
                "permitTypeId": permit_type_gid("food-safety-certificate"),
                "form": food_form(seats="40"),
            },
            token=owner,
        )
    )["createBusinessApplication"]
    app_id = draft["id"]
    assert (draft["status"], draft["dueOn"]) == ("DRAFT", None)

    # Submitting needs every required field; the refusal changes nothing.
    before = await _state(seeded, app_id)
    missing = await _move(seeded, owner, app_id, "SUBMIT")
    assert only_error(missing)["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.form"}
    assert await _state(seeded, app_id) == before
    # …and every required document: the form given with it is not kept either.
    complete_form = food_form(seats="40", kitchenArea="18")
    no_documents = await _move(seeded, owner, app_id, "SUBMIT", form=complete_form)
    assert only_error(no_documents)["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.action",
    }
    assert await _state(seeded, app_id) == before
    await give_documents(seeded, owner, app_id)
    submitted = (
        await _move(seeded, owner, app_id, "SUBMIT", form=food_form(seats="40", kitchenArea="18"))
    )["data"]["moveBusinessApplication"]
    # 20 working days from Friday 4 December 2026, New Year's Day skipped.
    assert (submitted["status"], submitted["dueOn"], submitted["overdue"]) == (
        "SUBMITTED",
        "2027-01-04",
        False,
    )
    # Officers of the agency see it in their queue; a stranger sees nothing.
    queue = (await ok(seeded, "BusinessApplicationQueue", token=officer))[
        "businessApplicationQueue"
    ]["edges"]
    assert app_id in [edge["node"]["id"] for edge in queue]
    stranger = await token(seeded, RESIDENT)
    hidden = await send(seeded, "BusinessApplication", {"id": app_id}, token=stranger)
    assert hidden["data"] == {"node": None}
    not_officer = await send(seeded, "BusinessApplicationQueue", token=stranger)
    assert only_error(not_officer)["extensions"]["code"] == "FORBIDDEN"
    # Only officers review; the business cannot approve itself.
    self_approval = await _move(seeded, owner, app_id, "START_REVIEW")
    assert only_error(self_approval)["extensions"]["code"] == "NOT_FOUND"

    assert (await _move(seeded, officer, app_id, "START_REVIEW"))["data"]
    no_note = await _move(seeded, officer, app_id, "REQUEST_INFO")
    assert only_error(no_note)["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.note"}
    asked = (await _move(seeded, officer, app_id, "REQUEST_INFO", note="Bổ sung sơ đồ bếp"))[
        "data"
    ]["moveBusinessApplication"]
    assert (asked["status"], asked["officerNote"], asked["dueOn"]) == (
        "NEEDS_INFO",
        "Bổ sung sơ đồ bếp",
        None,
    )
    clock.set(FRIDAY + timedelta(days=3))  # Monday
    resubmitted = (await _move(seeded, owner, app_id, "RESUBMIT"))["data"][
        "moveBusinessApplication"
    ]
    assert (resubmitted["status"], resubmitted["dueOn"]) == ("RESUBMITTED", "2027-01-05")
    await _move(seeded, officer, app_id, "START_REVIEW")
    approved = (await _move(seeded, officer, app_id, "APPROVE"))["data"]["moveBusinessApplication"]
    assert approved["status"] == "APPROVED"

    # Illegal steps are refused and change nothing.
    settled = await _state(seeded, app_id)
    for bearer, action in [(officer, "APPROVE"), (officer, "REJECT"), (owner, "WITHDRAW")]:
        body = await _move(seeded, bearer, app_id, action, note="x")
        assert only_error(body)["extensions"] == {"code": "CONFLICT", "field": "input.action"}
    assert await _state(seeded, app_id) == settled

    pushes = [n for n in await inbox(seeded, REPRESENTATIVE) if n.data.get("applicationId")]
    assert [n.data["status"] for n in pushes] == [
        "SUBMITTED",
        "IN_REVIEW",
        "NEEDS_INFO",
        "RESUBMITTED",
        "IN_REVIEW",
        "APPROVED",
    ]
    assert all(
        n.data == {"applicationId": str(uuid_of(app_id)), "status": n.data["status"]}
        for n in pushes
    )
    assert "Bổ sung" not in " ".join(n.body.vi for n in pushes)  # notes stay in the app

    detail = (await ok(seeded, "BusinessApplication", {"id": app_id}, token=owner))["node"]
    assert [(step["fromStatus"], step["toStatus"]) for step in detail["history"]] == [
        (None, "DRAFT"),
        ("DRAFT", "SUBMITTED"),
        ("SUBMITTED", "IN_REVIEW"),
        ("IN_REVIEW", "NEEDS_INFO"),
        ("NEEDS_INFO", "RESUBMITTED"),
        ("RESUBMITTED", "IN_REVIEW"),
        ("IN_REVIEW", "APPROVED"),
    ]
    mine = (await ok(seeded, "MyBusinesses", token=owner))["viewer"]["businessMemberships"]
    issued = [
        permit
        for permit in [e["node"] for e in mine["edges"][0]["node"]["issuedPermits"]["edges"]]
        if permit["number"].endswith(str(uuid_of(app_id).hex[:8]).upper())
    ]
    assert [(p["status"], p["issuedOn"], p["validUntil"]) for p in issued] == [
        ("VALID", "2026-12-07", "2029-12-06")
    ]


async def test_the_seeded_application_in_progress_is_overdue_later(
    seeded: Any, clock: Clock
) -> None:
    owner = await token(seeded, REPRESENTATIVE)
    pavement = application_gid("restaurant-pavement")
    clock.set(datetime.now(UTC) + timedelta(days=30))
    found = (await ok(seeded, "BusinessApplication", {"id": pavement}, token=owner))["node"]
    assert (found["status"], found["overdue"]) == ("SUBMITTED", True)


async def test_renewal_reminders_are_sent_once(seeded: Any) -> None:
    seeded.clock = None
    permit_id = stable_id("permit", "ATTP-2025-0001DEMO")
    async with UnitOfWork(seeded.sessions) as uow:
        await uow.session.execute(
            update(Permit).where(Permit.id == permit_id).values(valid_until=date(2027, 3, 1))
        )
    now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 90 days before: inside the 180-day notice
    celery = seeded.app.state.services.celery
    async with UnitOfWork(seeded.sessions, celery) as uow:
        assert await permits.send_renewal_reminders(uow, now=now) == (1, 1)
    async with UnitOfWork(seeded.sessions, celery) as uow:
        assert await permits.send_renewal_reminders(uow, now=now) == (0, 0)
    reminders = [n for n in await inbox(seeded, REPRESENTATIVE) if n.data.get("permitId")]
    assert [(n.type, n.data) for n in reminders] == [
        ("business_permit.renewal_due", {"permitId": str(permit_id)})
    ]
    assert reminders[0].body.vi == (
        "Giấy phép ATTP-2025-0001DEMO hết hạn ngày 01/03/2027. Hãy nộp hồ sơ gia hạn."
    )


async def _submitted(api: Any, owner: str, permit_type: str, form: list[dict[str, str]]) -> str:
    created = await ok(
        api,
        "CreateBusinessApplication",
        {
            "businessId": business_gid(RESTAURANT),
            "permitTypeId": permit_type_gid(permit_type),
            "form": form,
        },
        token=owner,
    )
    application: str = created["createBusinessApplication"]["id"]
    await give_documents(api, owner, application)
    await ok(
        api,
        "MoveBusinessApplication",
        {"applicationId": application, "action": "SUBMIT"},
        token=owner,
    )
    return application


async def test_the_officers_queue_puts_overdue_first(seeded: Any, clock: Clock) -> None:
    owner = await token(seeded, REPRESENTATIVE)
    officer = await token(seeded, OFFICER)
    # Submitted on Friday 4 December (20 working days: due 4 January), then a change of details
    # on Monday 7 December (3 working days: due Thursday 10 December).
    clock.set(FRIDAY)
    food = await _submitted(
        seeded, owner, "food-safety-certificate", food_form(seats="40", kitchenArea="18")
    )
    clock.set(FRIDAY + timedelta(days=3))
    change = await _submitted(
        seeded, owner, "change-of-registered-details", food_form(changeSummary="Đổi địa chỉ")
    )
    # Monday 14 December: the change is overdue, the certificate is not.
    clock.set(FRIDAY + timedelta(days=10))
    queue = [
        edge["node"]
        for edge in (await ok(seeded, "BusinessApplicationQueue", token=officer))[
            "businessApplicationQueue"
        ]["edges"]
    ]
    mine = {node["id"]: (node["dueOn"], node["overdue"]) for node in queue}
    assert (mine[change], mine[food]) == (("2026-12-10", True), ("2027-01-04", False))
    order = [node["id"] for node in queue]
    assert order.index(change) < order.index(food)
    # Earliest deadline first, so every overdue application leads.
    assert [node["dueOn"] for node in queue] == sorted(node["dueOn"] for node in queue)
    flags = [node["overdue"] for node in queue]
    assert flags == sorted(flags, reverse=True)
    # Applications waiting on the business (more information asked) are not in the queue.
    assert application_gid("restaurant-change") not in order
    assert {node["status"] for node in queue} <= {"SUBMITTED", "IN_REVIEW", "RESUBMITTED"}
