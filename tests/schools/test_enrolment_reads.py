"""Every read of an enrolment application by the school's staff is logged (who, when, which
application): opening it, by id or by node, listing it, deciding on it. A parent reading their
own application is not. The school's administrators, and nobody else, read the log, newest
first, a page at a time."""

from __future__ import annotations

from typing import Any

from backend.db.unit_of_work import UnitOfWork
from backend.identity.models import Role, RoleAssignment
from backend.schools.models import StaffMember, StaffRole
from backend.seed.demo import stable_id
from tests.schools.conftest import PARENT, TEACHER, school_gid
from tests.schools.enrolment_support import (
    ADMIN,
    LE_LOI,
    decide,
    make_admin,
    ok,
    send,
    sent,
)
from tests.support.graphql import data, only_error
from tests.support.sessions import token

CLERK = "+84905000004"  # made a (non-administrator) staff member of Tiểu học Lê Lợi
LOG = """
query Log($school: ID!, $application: ID, $first: Int, $after: String) {
  schoolEnrolmentReads(schoolId: $school, applicationId: $application, first: $first,
                       after: $after) {
    edges { cursor node { applicationId staffName staffPhone at } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
NODE = "query N($id: ID!) { node(id: $id) { id } }"


async def _make_clerk(api: Any) -> str:
    user = stable_id("user", CLERK)
    async with UnitOfWork(api.sessions) as uow:
        uow.session.add(RoleAssignment(user_id=user, role=Role.SCHOOL_STAFF, scope_id=LE_LOI))
        uow.session.add(StaffMember(school_id=LE_LOI, user_id=user, role=StaffRole.TEACHER))
    return await token(api, CLERK)


def _who(answer: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [
        (edge["node"]["applicationId"], edge["node"]["staffPhone"])
        for edge in answer["schoolEnrolmentReads"]["edges"]
    ]


async def test_staff_reads_are_logged_and_the_administrator_reads_the_log(seeded: Any) -> None:
    parent = await token(seeded, PARENT)
    application = await sent(seeded, parent)
    other = await sent(seeded, parent, "046220007778")
    await make_admin(seeded)
    admin, clerk = await token(seeded, ADMIN), await _make_clerk(seeded)
    le_loi = school_gid("tieu-hoc-le-loi")
    # The parent reads their own: not a staff read.
    await ok(seeded, "SchoolEnrolmentApplication", {"id": application}, token=parent)
    assert _who(data(await seeded(LOG, {"school": le_loi}, token=admin))) == []

    # The clerk lists both, then opens one by id and by node; the administrator decides.
    listed = await ok(seeded, "SchoolEnrolmentApplications", {"schoolId": le_loi}, token=clerk)
    assert len(listed["schoolEnrolmentApplications"]["edges"]) == 2
    await ok(seeded, "SchoolEnrolmentApplication", {"id": application}, token=clerk)
    assert data(await seeded(NODE, {"id": application}, token=clerk))["node"] == {"id": application}
    assert data(await decide(seeded, admin, application, "VERIFY"))

    log = data(await seeded(LOG, {"school": le_loi}, token=admin))
    listed_ids = [edge["node"]["id"] for edge in listed["schoolEnrolmentApplications"]["edges"]]
    assert sorted(_who(log)[-2:]) == sorted((app_id, CLERK) for app_id in listed_ids)
    assert _who(log)[:3] == [(application, ADMIN), (application, CLERK), (application, CLERK)]
    newest = log["schoolEnrolmentReads"]["edges"][0]["node"]
    assert newest["staffName"]
    times = [edge["node"]["at"] for edge in log["schoolEnrolmentReads"]["edges"]]
    assert times == sorted(times, reverse=True)

    # One application's reads, a page at a time.
    first = data(
        await seeded(LOG, {"school": le_loi, "application": other, "first": 1}, token=admin)
    )
    assert _who(first) == [(other, CLERK)]
    assert first["schoolEnrolmentReads"]["pageInfo"]["hasNextPage"] is False
    page = data(await seeded(LOG, {"school": le_loi, "first": 2}, token=admin))
    assert page["schoolEnrolmentReads"]["pageInfo"]["hasNextPage"] is True
    rest = data(
        await seeded(
            LOG,
            {"school": le_loi, "after": page["schoolEnrolmentReads"]["pageInfo"]["endCursor"]},
            token=admin,
        )
    )
    assert _who(page) + _who(rest) == _who(log)


async def test_only_the_schools_administrators_read_the_log(seeded: Any) -> None:
    parent = await token(seeded, PARENT)
    await sent(seeded, parent)
    clerk = await _make_clerk(seeded)
    le_loi = school_gid("tieu-hoc-le-loi")
    await ok(seeded, "SchoolEnrolmentApplications", {"schoolId": le_loi}, token=clerk)
    other_school = await token(seeded, TEACHER)  # staff of Quốc Học
    for viewer in (clerk, other_school, parent):
        refused = only_error(await seeded(LOG, {"school": le_loi}, token=viewer))
        assert refused["extensions"]["code"] == "FORBIDDEN"
        assert refused["path"] == ["schoolEnrolmentReads"]
    anonymous = only_error(await seeded(LOG, {"school": le_loi}))
    assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"
    # Staff of another school see no application, and their refused tries log nothing.
    refused_list = await send(
        seeded, "SchoolEnrolmentApplications", {"schoolId": le_loi}, token=other_school
    )
    assert only_error(refused_list)["extensions"]["code"] == "FORBIDDEN"
    await make_admin(seeded)
    admin = await token(seeded, ADMIN)
    log = data(await seeded(LOG, {"school": le_loi}, token=admin))
    assert [phone for _, phone in _who(log)] == [CLERK]
