"""An application's documents: uploaded files given for what the permit type requires, only
by the business's members with the right to apply, only while the business holds the
application, each file once; officers of the agency read them through short-lived links."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from backend.business.models import ApplicationDocument, AuditEvent
from tests.business.conftest import (
    OFFICER,
    REPRESENTATIVE,
    RESIDENT,
    RESTAURANT,
    business_gid,
    food_form,
    ok,
    permit_type_gid,
    send,
    uuid_of,
)
from tests.support.files import PDF, PNG, uploaded_id
from tests.support.graphql import only_error
from tests.support.sessions import token

FOOD_DOCUMENTS = ("floor_plan", "health_certificates", "training")


async def _draft(api: Any, bearer: str) -> str:
    created = await ok(
        api,
        "CreateBusinessApplication",
        {
            "businessId": business_gid(RESTAURANT),
            "permitTypeId": permit_type_gid("food-safety-certificate"),
            "form": food_form(seats="40", kitchenArea="18"),
        },
        token=bearer,
    )
    application: str = created["createBusinessApplication"]["id"]
    return application


async def _attach(api: Any, bearer: str, application: str, code: str, file_id: str) -> Any:
    return await send(
        api,
        "AttachBusinessApplicationDocument",
        {"applicationId": application, "code": code, "fileId": file_id},
        token=bearer,
    )


async def _documents(api: Any, application: str) -> list[tuple[str, Any]]:
    async with api.sessions() as session:
        found = await session.execute(
            select(ApplicationDocument.code, ApplicationDocument.file_id)
            .where(ApplicationDocument.application_id == uuid_of(application))
            .order_by(ApplicationDocument.code)
        )
        return [tuple(row) for row in found]


async def test_documents_given_are_listed_and_the_officer_reads_them(seeded: Any) -> None:
    owner = await token(seeded, REPRESENTATIVE)
    application = await _draft(seeded, owner)
    plan = await uploaded_id(seeded, owner, PDF, name="So do mat bang.pdf")
    given = (await _attach(seeded, owner, application, "floor_plan", plan))["data"][
        "attachBusinessApplicationDocument"
    ]
    [document] = given["documents"]
    assert (document["code"], document["fileName"], document["mediaType"]) == (
        "floor_plan",
        "So do mat bang.pdf",
        "application/pdf",
    )
    assert document["size"] == len(PDF)
    # A better photo replaces the first file.
    photo = await uploaded_id(seeded, owner, PNG, media_type="image/png", name="plan.png")
    replaced = (await _attach(seeded, owner, application, "floor_plan", photo))["data"][
        "attachBusinessApplicationDocument"
    ]["documents"]
    assert [(d["code"], d["mediaType"]) for d in replaced] == [("floor_plan", "image/png")]
    for code in FOOD_DOCUMENTS[1:]:
        await _attach(seeded, owner, application, code, await uploaded_id(seeded, owner, PDF))
    submitted = await ok(
        seeded,
        "MoveBusinessApplication",
        {"applicationId": application, "action": "SUBMIT"},
        token=owner,
    )
    assert submitted["moveBusinessApplication"]["status"] == "SUBMITTED"

    officer = await token(seeded, OFFICER)
    seen = (await ok(seeded, "BusinessApplication", {"id": application}, token=officer))["node"]
    assert [d["code"] for d in seen["documents"]] == list(FOOD_DOCUMENTS)
    plan_link = seen["documents"][0]["url"]
    download = await seeded.client.get(plan_link)
    assert (download.status_code, download.content) == (200, PNG)
    async with seeded.sessions() as session:
        audited = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.kind == "application.document_attached")
        )
    assert audited == 4


async def test_refusals_change_nothing(seeded: Any) -> None:
    owner = await token(seeded, REPRESENTATIVE)
    stranger = await token(seeded, RESIDENT)
    application = await _draft(seeded, owner)
    mine = await uploaded_id(seeded, owner)
    theirs = await uploaded_id(seeded, stranger)

    unknown = await _attach(seeded, owner, application, "passport", mine)
    assert only_error(unknown)["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.code"}
    someone_elses_file = await _attach(seeded, owner, application, "floor_plan", theirs)
    assert only_error(someone_elses_file)["extensions"] == {
        "code": "NOT_FOUND",
        "field": "input.fileId",
    }
    not_a_member = await _attach(seeded, stranger, application, "floor_plan", theirs)
    assert only_error(not_a_member)["extensions"] == {
        "code": "NOT_FOUND",
        "field": "input.applicationId",
    }
    assert await _documents(seeded, application) == []

    await _attach(seeded, owner, application, "floor_plan", mine)
    twice = await _attach(seeded, owner, application, "health_certificates", mine)
    assert only_error(twice)["extensions"] == {"code": "CONFLICT", "field": "input.fileId"}
    assert await _documents(seeded, application) == [("floor_plan", uuid_of(mine))]

    # Submitting needs every document; once submitted, documents are what was sent.
    missing = await send(
        seeded,
        "MoveBusinessApplication",
        {"applicationId": application, "action": "SUBMIT"},
        token=owner,
    )
    assert only_error(missing)["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.action"}
    for code in FOOD_DOCUMENTS[1:]:
        await _attach(seeded, owner, application, code, await uploaded_id(seeded, owner))
    await ok(
        seeded,
        "MoveBusinessApplication",
        {"applicationId": application, "action": "SUBMIT"},
        token=owner,
    )
    sent = await _documents(seeded, application)
    locked = await _attach(
        seeded, owner, application, "floor_plan", await uploaded_id(seeded, owner)
    )
    assert only_error(locked)["extensions"] == {"code": "CONFLICT", "field": "input.applicationId"}
    taken_back = await send(
        seeded,
        "DetachBusinessApplicationDocument",
        {"applicationId": application, "code": "floor_plan"},
        token=owner,
    )
    assert only_error(taken_back)["extensions"]["code"] == "CONFLICT"
    assert await _documents(seeded, application) == sent


async def test_a_document_taken_back_is_gone_and_its_file_can_be_given_again(seeded: Any) -> None:
    owner = await token(seeded, REPRESENTATIVE)
    application = await _draft(seeded, owner)
    plan = await uploaded_id(seeded, owner)
    await _attach(seeded, owner, application, "floor_plan", plan)
    detached = await ok(
        seeded,
        "DetachBusinessApplicationDocument",
        {"applicationId": application, "code": "floor_plan"},
        token=owner,
    )
    assert detached["detachBusinessApplicationDocument"]["documents"] == []
    again = await send(
        seeded,
        "DetachBusinessApplicationDocument",
        {"applicationId": application, "code": "floor_plan"},
        token=owner,
    )
    assert only_error(again)["extensions"] == {"code": "NOT_FOUND", "field": "input.code"}
    regiven = await _attach(seeded, owner, application, "health_certificates", plan)
    assert [
        d["code"] for d in regiven["data"]["attachBusinessApplicationDocument"]["documents"]
    ] == ["health_certificates"]
