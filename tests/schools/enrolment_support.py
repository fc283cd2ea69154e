"""What the enrolment tests share: the demo's grade-1 round, a school administrator, an
application filled in and sent by the parent demo account, and the rows a refusal must not touch."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from backend.db.unit_of_work import UnitOfWork
from backend.identity.models import Role, RoleAssignment
from backend.schools.models import StaffMember, StaffRole
from backend.seed.demo import stable_id
from tests.schools.conftest import gid, plain, school_gid, send, ward_gid
from tests.schools.conftest import ok as ok_raw
from tests.support.files import uploaded_id

LE_LOI = stable_id("place", "tieu-hoc-le-loi")
ROUND = gid("SchoolEnrolmentRound", stable_id("school-enrolment-round", "2027-2028:1"))
ADMIN = "+84905000003"  # made an administrator of Tiểu học Lê Lợi by `make_admin`
CHILD = "046220007777"

WRITTEN = (
    "school_enrolment_applications",
    "school_enrolment_events",
    "school_enrolment_documents",
    "school_enrolment_places",
    "notifications",
)


async def ok(
    api: Any, name: str, variables: dict[str, Any] | None = None, *, token: str | None = None
) -> Any:
    """An operation's data without the `__typename`s the app's documents ask for."""
    return plain(await ok_raw(api, name, variables, token=token))


async def make_admin(api: Any, phone: str = ADMIN) -> None:
    user = stable_id("user", phone)
    async with UnitOfWork(api.sessions) as uow:
        uow.session.add(RoleAssignment(user_id=user, role=Role.SCHOOL_STAFF, scope_id=LE_LOI))
        uow.session.add(StaffMember(school_id=LE_LOI, user_id=user, role=StaffRole.ADMINISTRATOR))


def draft(identifier: str = CHILD, ward: str = "vinh-ninh", **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "roundId": ROUND,
        "identifier": identifier,
        "childName": "Lê  Bảo Ngọc ",
        "dateOfBirth": "2021-04-09",
        "guardians": [{"name": "Trần Thị Bình", "phone": "0905000002", "relation": "mẹ"}],
        "wardId": ward_gid(ward),
        "address": "12 Nguyễn Huệ",
        "preferences": [school_gid("tieu-hoc-le-loi")],
        "priority": "NONE",
        "programmes": ["standard"],
    }
    values.update(changes)
    return {"input": values}


async def documents(api: Any, parent: str, application: str) -> None:
    for kind in ("BIRTH_CERTIFICATE", "RESIDENCE"):
        file_id = await uploaded_id(api, parent)
        await ok(
            api,
            "AttachSchoolEnrolmentDocument",
            {"input": {"applicationId": application, "kind": kind, "fileId": file_id}},
            token=parent,
        )


async def sent(api: Any, parent: str, identifier: str = CHILD) -> str:
    """A filled-in application with its documents, submitted; its global id."""
    saved = await ok(api, "SaveSchoolEnrolmentApplication", draft(identifier), token=parent)
    application: str = saved["saveSchoolEnrolmentApplication"]["id"]
    await documents(api, parent, application)
    await ok(api, "SubmitSchoolEnrolmentApplication", {"applicationId": application}, token=parent)
    return application


async def decide(
    api: Any, staff: str, application: str, decision: str, reason: str | None = None
) -> dict[str, Any]:
    variables = {"applicationId": application, "decision": decision, "reason": reason}
    return await send(api, "DecideSchoolEnrolment", variables, token=staff)


async def snapshot(api: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    async with api.sessions() as session:
        for table in WRITTEN:
            rows = await session.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
            found[table] = sorted(repr(tuple(row)) for row in rows.all())
    return found
