"""What school tests share: the app's own operations, the demo's people, schools and students."""

from __future__ import annotations

import json
import uuid
from typing import Any

from strawberry import relay

from backend.db.unit_of_work import UnitOfWork
from backend.graphql_api.persisted import MANIFEST
from backend.identity.models import Role, RoleAssignment
from backend.schools.models import StaffMember, StaffRole
from backend.seed.demo import stable_id
from tests.support.graphql import data
from tests.support.sessions import token

OPERATIONS: dict[str, str] = {
    o["name"]: o["body"] for o in json.loads(MANIFEST.read_text())["operations"]
}

PARENT = "+84905000002"
RESIDENT = "+84905000001"
TEACHER = "+84905000005"  # staff of Quốc Học: homeroom teacher of 11 Toán, teaches it maths
DOCTOR = "+84905000004"
NEAR_LE_LOI = {"latitude": 16.4621, "longitude": 107.5871}

KHANG = "046309001234"  # the parent's son at Quốc Học (linked)
LAN = "046218005678"  # the parent's daughter at Tiểu học Lê Lợi (linked)
BAO = "046210004321"  # the resident's son at Quốc Học (not the parent's)
HUY = "046311002468"  # at Quốc Học; the parent is a recorded guardian, not yet linked

ISSUE_CODE = """
mutation Issue($school: ID!, $identifier: String!) {
  issueSchoolLinkCode(input: {schoolId: $school, identifier: $identifier}) {
    code expiresAt identifier
  }
}
"""

REVOKE = """
mutation Revoke($school: ID!, $identifier: String!, $phone: String!) {
  revokeSchoolLink(input: {schoolId: $school, identifier: $identifier, parentPhone: $phone})
}
"""


def gid(type_name: str, value: uuid.UUID) -> str:
    return str(relay.GlobalID(type_name, str(value)))


def school_gid(slug: str) -> str:
    return gid("School", stable_id("place", slug))


def student_gid(identifier: str) -> str:
    return gid("SchoolStudent", stable_id("student", identifier))


def ward_gid(slug: str) -> str:
    return gid("Ward", stable_id("ward", slug))


async def send(
    api: Any, name: str, variables: dict[str, Any] | None = None, *, token: str | None = None
) -> dict[str, Any]:
    """One of the app's operations; the whole answer (data and errors)."""
    return await api(OPERATIONS[name], variables or {}, token=token)


async def ok(
    api: Any, name: str, variables: dict[str, Any] | None = None, *, token: str | None = None
) -> dict[str, Any]:
    return data(await send(api, name, variables, token=token))


async def issue_code(api: Any, staff: str, school: str, identifier: str) -> str:
    answer = data(await api(ISSUE_CODE, {"school": school, "identifier": identifier}, token=staff))
    code: str = answer["issueSchoolLinkCode"]["code"]
    return code


def plain(value: Any) -> Any:
    """An answer without the `__typename`s the app's documents ask for."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "__typename"}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


async def make_staff(
    api: Any, phone: str, *, school: str = "thpt-chuyen-quoc-hoc", role: StaffRole
) -> str:
    """Give a demo account a staff role at a school; its access token."""
    user = stable_id("user", phone)
    school_id = stable_id("place", school)
    async with UnitOfWork(api.sessions) as uow:
        uow.session.add(RoleAssignment(user_id=user, role=Role.SCHOOL_STAFF, scope_id=school_id))
        uow.session.add(StaffMember(school_id=school_id, user_id=user, role=role))
    return await token(api, phone)
