"""Operators keep the registry right: they correct registered details and record a suspension,
a resumption or a dissolution; each change is checked like an imported row and audited with the
reason; refusals change nothing; a business that is not active sends no new applications."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.business import applications, registration
from backend.business.applications import Action
from backend.business.models import Application, AuditEvent, Business, BusinessStatus
from backend.db.unit_of_work import UnitOfWork
from backend.errors import Conflict
from backend.seed.demo import stable_id
from tests.business.conftest import (
    OFFICER,
    OPERATOR,
    REPRESENTATIVE,
    RESTAURANT,
    business_gid,
    food_form,
    give_documents,
    inbox,
    ok,
    permit_type_gid,
    send,
    uuid_of,
)
from tests.support.graphql import only_error
from tests.support.sessions import token

RESTAURANT_ID = stable_id("business", RESTAURANT)


async def _entry(api: Any) -> tuple[Any, ...]:
    """What the registry holds for the restaurant, and how many audit rows it has."""
    async with api.sessions() as session:
        found = await session.get(Business, RESTAURANT_ID)
        audited = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.business_id == RESTAURANT_ID)
        )
    assert found is not None
    location = None if found.location is None else (found.location.y, found.location.x)
    return (
        found.name_vi,
        found.name_en,
        found.legal_form,
        found.vsic_main,
        list(found.vsic_other),
        found.address,
        location,
        found.ward_id,
        found.representative_name,
        found.status,
        found.search_text,
        found.updated_at,
        audited,
    )


async def _audits(api: Any, kind: str) -> list[dict[str, Any]]:
    async with api.sessions() as session:
        found = await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.business_id == RESTAURANT_ID, AuditEvent.kind == kind)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
        return [{"actor": row.actor_id, **row.detail} for row in found]


def _on_map(answer: dict[str, Any]) -> list[str]:
    return [edge["node"]["code"] for edge in answer["certifiedBusinesses"]["edges"]]


async def test_an_operator_corrects_registered_details_audited_once(seeded: Any) -> None:
    operator = await token(seeded, OPERATOR)
    corrected = (
        await ok(
            seeded,
            "CorrectBusinessRegistration",
            {
                "input": {
                    "businessId": business_gid(RESTAURANT),
                    "reason": "GCN đăng ký thay đổi lần 2, ngày 01/11/2026",
                    "nameVi": "  Công ty TNHH Nhà hàng Sen Vàng  ",
                    "nameEn": None,
                    "vsicOther": ["5630", "5630", "4711"],
                    "representativeName": "Trần Thị Bích",
                }
            },
            token=operator,
        )
    )["correctBusinessRegistration"]
    assert (
        corrected["name"],
        corrected["englishName"],
        corrected["vsicOther"],
        corrected["representativeName"],
        corrected["status"],
    ) == ("Công ty TNHH Nhà hàng Sen Vàng", None, ["5630", "4711"], "Trần Thị Bích", "ACTIVE")
    # What was left out stays as registered.
    assert corrected["code"] == RESTAURANT
    assert (corrected["location"]["latitude"], corrected["location"]["longitude"]) == (
        16.4701,
        107.5952,
    )
    # The map's search finds the new name, without accents.
    found = await ok(seeded, "CertifiedBusinesses", {"search": "sen vang"})
    assert _on_map(found) == [RESTAURANT]
    [audit] = await _audits(seeded, "business.corrected")
    assert audit == {
        "actor": stable_id("user", OPERATOR),
        "fields": "name_en,name_vi,representative_name,search_text,vsic_other",
        "reason": "GCN đăng ký thay đổi lần 2, ngày 01/11/2026",
    }
    # The same correction again changes nothing and is not audited twice.
    before = await _entry(seeded)
    again = await send(
        seeded,
        "CorrectBusinessRegistration",
        {
            "input": {
                "businessId": business_gid(RESTAURANT),
                "reason": "gửi lại",
                "nameVi": "Công ty TNHH Nhà hàng Sen Vàng",
            }
        },
        token=operator,
    )
    assert again["data"]["correctBusinessRegistration"]["name"] == "Công ty TNHH Nhà hàng Sen Vàng"
    assert await _entry(seeded) == before
    # Clearing the location takes the business off the map.
    await ok(
        seeded,
        "CorrectBusinessRegistration",
        {
            "input": {
                "businessId": business_gid(RESTAURANT),
                "reason": "sai toạ độ",
                "location": None,
            }
        },
        token=operator,
    )
    assert RESTAURANT not in _on_map(await ok(seeded, "CertifiedBusinesses", {}))
    entry = await _entry(seeded)
    assert (entry[6], entry[7]) == (None, None)  # no location, no ward


async def test_refused_corrections_change_nothing(seeded: Any) -> None:
    operator = await token(seeded, OPERATOR)
    before = await _entry(seeded)
    restaurant = business_gid(RESTAURANT)
    for more, code, field in [
        ({"vsicMain": "56A0"}, "BAD_USER_INPUT", "input.vsicMain"),
        ({"vsicOther": ["5630", "12"]}, "BAD_USER_INPUT", "input.vsicOther[1]"),
        ({"nameVi": None}, "BAD_USER_INPUT", "input.nameVi"),
        ({"nameVi": "   "}, "BAD_USER_INPUT", "input.nameVi"),
        ({"address": "x" * 301}, "BAD_USER_INPUT", "input.address"),
        ({"legalForm": "HOUSEHOLD_BUSINESS"}, "BAD_USER_INPUT", "input.legalForm"),
        ({"location": {"latitude": 95, "longitude": 107.6}}, "BAD_USER_INPUT", "input.location"),
        ({"representativeName": "Nguyễn\u0000Văn"}, "BAD_USER_INPUT", "input.representativeName"),
        ({"nameVi": "Tên mới", "reason": "  "}, "BAD_USER_INPUT", "input.reason"),
        ({}, "BAD_USER_INPUT", "input"),
        (
            {"nameVi": "Tên mới", "businessId": business_gid("0100233488")},
            "NOT_FOUND",
            "input.businessId",
        ),
    ]:
        given = {"businessId": restaurant, "reason": "GCN", **more}
        body = await send(seeded, "CorrectBusinessRegistration", {"input": given}, token=operator)
        assert only_error(body)["extensions"] == {"code": code, "field": field}, more
    # Only operators correct the registry: not the business's own representative.
    for phone in (REPRESENTATIVE, OFFICER):
        body = await send(
            seeded,
            "CorrectBusinessRegistration",
            {"input": {"businessId": restaurant, "reason": "GCN", "nameVi": "Của tôi"}},
            token=await token(seeded, phone),
        )
        assert only_error(body)["extensions"]["code"] == "FORBIDDEN", phone
    assert await _entry(seeded) == before


async def _draft_ready_to_submit(api: Any, owner: str) -> str:
    created = await ok(
        api,
        "CreateBusinessApplication",
        {
            "businessId": business_gid(RESTAURANT),
            "permitTypeId": permit_type_gid("food-safety-certificate"),
            "form": food_form(seats="40", kitchenArea="18"),
        },
        token=owner,
    )
    draft: str = created["createBusinessApplication"]["id"]
    await give_documents(api, owner, draft)
    return draft


async def _set_status(api: Any, bearer: str, status: str, reason: str = "QĐ 12/2026") -> Any:
    return await send(
        api,
        "SetBusinessStatus",
        {"businessId": business_gid(RESTAURANT), "status": status, "reason": reason},
        token=bearer,
    )


async def _application_status(api: Any, application: str) -> Any:
    async with api.sessions() as session:
        found = await session.get(Application, uuid_of(application))
    assert found is not None
    return found.status


async def test_a_suspended_business_sends_no_new_applications_until_it_resumes(
    seeded: Any,
) -> None:
    operator = await token(seeded, OPERATOR)
    owner = await token(seeded, REPRESENTATIVE)
    draft = await _draft_ready_to_submit(seeded, owner)
    suspended = (await _set_status(seeded, operator, "SUSPENDED"))["data"]["setBusinessStatus"]
    assert suspended["status"] == "SUSPENDED"
    # Off the map while suspended.
    assert RESTAURANT not in _on_map(await ok(seeded, "CertifiedBusinesses", {}))

    pushes_before = len(await inbox(seeded, REPRESENTATIVE))
    submit = await send(
        seeded,
        "MoveBusinessApplication",
        {"applicationId": draft, "action": "SUBMIT"},
        token=owner,
    )
    assert only_error(submit)["extensions"] == {"code": "CONFLICT", "field": "input.applicationId"}
    assert await _application_status(seeded, draft) == "draft"
    assert len(await inbox(seeded, REPRESENTATIVE)) == pushes_before
    another = await send(
        seeded,
        "CreateBusinessApplication",
        {
            "businessId": business_gid(RESTAURANT),
            "permitTypeId": permit_type_gid("food-safety-certificate"),
            "form": [],
        },
        token=owner,
    )
    assert only_error(another)["extensions"] == {"code": "CONFLICT", "field": "input.businessId"}

    resumed = (await _set_status(seeded, operator, "ACTIVE", "QĐ 20/2026"))["data"]
    assert resumed["setBusinessStatus"]["status"] == "ACTIVE"
    sent = await ok(
        seeded, "MoveBusinessApplication", {"applicationId": draft, "action": "SUBMIT"}, token=owner
    )
    assert sent["moveBusinessApplication"]["status"] == "SUBMITTED"
    assert RESTAURANT in _on_map(await ok(seeded, "CertifiedBusinesses", {}))
    assert await _audits(seeded, "business.status_changed") == [
        {
            "actor": stable_id("user", OPERATOR),
            "before": "active",
            "after": "suspended",
            "reason": "QĐ 12/2026",
        },
        {
            "actor": stable_id("user", OPERATOR),
            "before": "suspended",
            "after": "active",
            "reason": "QĐ 20/2026",
        },
    ]


async def test_dissolution_is_final_and_refusals_change_nothing(seeded: Any) -> None:
    operator = await token(seeded, OPERATOR)
    owner = await token(seeded, REPRESENTATIVE)
    draft = await _draft_ready_to_submit(seeded, owner)
    before = await _entry(seeded)
    for bearer, status, reason, code, field in [
        (owner, "SUSPENDED", "QĐ", "FORBIDDEN", None),
        (operator, "ACTIVE", "QĐ", "CONFLICT", "input.status"),  # already active
        (operator, "SUSPENDED", " ", "BAD_USER_INPUT", "input.reason"),
    ]:
        body = await _set_status(seeded, bearer, status, reason)
        extensions = only_error(body)["extensions"]
        assert (extensions["code"], extensions.get("field")) == (code, field), status
    assert await _entry(seeded) == before

    dissolved = (await _set_status(seeded, operator, "DISSOLVED"))["data"]["setBusinessStatus"]
    assert dissolved["status"] == "DISSOLVED"
    settled = await _entry(seeded)
    for status in ("ACTIVE", "SUSPENDED", "DISSOLVED"):
        body = await _set_status(seeded, operator, status)
        assert only_error(body)["extensions"] == {"code": "CONFLICT", "field": "input.status"}
    assert await _entry(seeded) == settled
    submit = await send(
        seeded, "MoveBusinessApplication", {"applicationId": draft, "action": "SUBMIT"}, token=owner
    )
    assert only_error(submit)["extensions"] == {"code": "CONFLICT", "field": "input.applicationId"}
    # The business may still take back what it started.
    withdrawn = await ok(
        seeded,
        "MoveBusinessApplication",
        {"applicationId": draft, "action": "WITHDRAW"},
        token=owner,
    )
    assert withdrawn["moveBusinessApplication"]["status"] == "WITHDRAWN"


async def test_a_submission_waits_for_a_suspension_in_progress_and_is_refused(
    seeded: Any, dialect: str
) -> None:
    """The operator's suspension holds the business's row until it commits; a submission at
    that moment waits for it and then sees the business suspended."""
    if dialect != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
    owner = await token(seeded, REPRESENTATIVE)
    draft = await _draft_ready_to_submit(seeded, owner)
    celery = seeded.app.state.services.celery
    now = datetime.now(UTC)

    async def submit() -> Any:
        async with UnitOfWork(seeded.sessions, celery) as uow:
            return await applications.move(
                uow,
                user_id=stable_id("user", REPRESENTATIVE),
                application_id=uuid_of(draft),
                action=Action.SUBMIT,
                note=None,
                form=None,
                now=now,
            )

    async with UnitOfWork(seeded.sessions, celery) as uow:
        await registration.set_status(
            uow,
            operator_id=stable_id("user", OPERATOR),
            business_id=RESTAURANT_ID,
            status=BusinessStatus.SUSPENDED,
            reason="QĐ 12/2026",
            now=now,
        )
        waiting = asyncio.ensure_future(submit())
        await asyncio.sleep(0.5)
        assert not waiting.done()  # held by the suspension's lock
    with pytest.raises(Conflict):
        await waiting
    assert await _application_status(seeded, draft) == "draft"
