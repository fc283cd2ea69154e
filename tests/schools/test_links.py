"""Verified parent links: the school issues a one-time code; a guardian whose verified phone the
school recorded links with the identifier and the code; codes serve once, expire and die after
wrong tries; failed tries are throttled and logged; the school revokes. A parent sees only their
own linked children: never someone else's, by id, by node or by guessing an identifier."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.schools.models import (
    Guardian,
    LinkAction,
    LinkCode,
    LinkEvent,
    ParentLink,
    StaffRole,
)
from backend.seed.demo import stable_id
from tests.schools.conftest import (
    BAO,
    HUY,
    ISSUE_CODE,
    KHANG,
    LAN,
    PARENT,
    RESIDENT,
    REVOKE,
    TEACHER,
    issue_code,
    make_staff,
    ok,
    school_gid,
    send,
    student_gid,
)
from tests.support.clock import Clock
from tests.support.graphql import data, only_error
from tests.support.sessions import token

QUOC_HOC = school_gid("thpt-chuyen-quoc-hoc")
ADMIN = "+84905000003"  # made an administrator of Quốc Học by the tests that need one
LE_LOI = school_gid("tieu-hoc-le-loi")
NODE = "query N($id: ID!) { node(id: $id) { id ... on SchoolStudent { fullName } } }"


async def _children(api: Any, access: str) -> list[str]:
    answer = await ok(api, "MySchoolChildren", token=access)
    return [edge["node"]["identifier"] for edge in answer["viewer"]["schoolChildren"]["edges"]]


async def _count(api: Any, model: Any, *where: Any) -> int:
    async with api.sessions() as session:
        statement = select(func.count()).select_from(model).where(*where)
        return int(await session.scalar(statement) or 0)


async def test_a_parent_sees_two_children_in_different_schools(seeded: Any) -> None:
    parent = await token(seeded, PARENT)
    answer = await ok(seeded, "MySchoolChildren", token=parent)
    children = [edge["node"] for edge in answer["viewer"]["schoolChildren"]["edges"]]
    assert [(c["fullName"], c["school"]["name"], c["homeroom"]["name"]) for c in children] == [
        ("Nguyễn Minh Khang", "Trường THPT chuyên Quốc Học", "11 Toán"),
        ("Nguyễn Ngọc Lan", "Trường Tiểu học Lê Lợi", "3A"),
    ]
    own = await ok(seeded, "SchoolStudent", {"id": student_gid(KHANG)}, token=parent)
    assert own["schoolStudent"]["identifier"] == KHANG


async def test_nobody_sees_another_parents_child_by_id_or_node(seeded: Any) -> None:
    parent = await token(seeded, PARENT)
    other = student_gid(BAO)  # the resident's son
    assert (await ok(seeded, "SchoolStudent", {"id": other}, token=parent))["schoolStudent"] is None
    assert data(await seeded(NODE, {"id": other}, token=parent))["node"] is None
    # Not even the recorded guardian before linking, nor an anonymous caller.
    assert data(await seeded(NODE, {"id": student_gid(HUY)}, token=parent))["node"] is None
    assert data(await seeded(NODE, {"id": other}))["node"] is None
    anonymous = only_error(await send(seeded, "SchoolStudent", {"id": other}))
    assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"
    resident = await token(seeded, RESIDENT)
    assert await _children(seeded, resident) == [BAO]


async def test_a_recorded_guardian_links_with_the_schools_code_once(seeded: Any) -> None:
    parent = await token(seeded, PARENT)
    admin = await make_staff(seeded, ADMIN, role=StaffRole.ADMINISTRATOR)
    code = await issue_code(seeded, admin, QUOC_HOC, HUY)
    assert len(code) == 8
    async with seeded.sessions() as session:
        stored = (await session.scalars(select(LinkCode.code_hash))).all()
    assert code not in stored
    assert all(len(value) == 64 for value in stored)
    typed = f"{code[:4].lower()}-{code[4:]}"  # as a person may type it
    linked = await ok(
        seeded,
        "LinkSchoolChild",
        {"identifier": f" {HUY[:6]} {HUY[6:]}", "code": typed},
        token=parent,
    )
    assert linked["linkSchoolChild"]["fullName"] == "Trần Gia Huy"
    assert await _children(seeded, parent) == [KHANG, LAN, HUY]
    again = only_error(
        await send(seeded, "LinkSchoolChild", {"identifier": HUY, "code": code}, token=parent)
    )
    assert again["extensions"]["code"] == "BAD_USER_INPUT"  # the code was spent
    assert await _count(seeded, LinkEvent, LinkEvent.action == LinkAction.LINKED) == 1
    assert await _count(seeded, LinkEvent, LinkEvent.action == LinkAction.CODE_ISSUED) == 1


async def test_one_code_used_by_two_guardians_at_once_links_one(seeded: Any) -> None:
    """Huy's father is a recorded guardian too; both parents type the one code at the same
    moment, each request on its own connection: the code serves once."""
    async with UnitOfWork(seeded.sessions) as uow:
        uow.session.add(
            Guardian(
                id=uuid.uuid4(),
                student_id=stable_id("student", HUY),
                phone=RESIDENT,
                name="Nguyễn Văn An",
            )
        )
    parent, resident = await token(seeded, PARENT), await token(seeded, RESIDENT)
    admin = await make_staff(seeded, ADMIN, role=StaffRole.ADMINISTRATOR)
    code = await issue_code(seeded, admin, QUOC_HOC, HUY)
    answers = await asyncio.gather(
        *(
            send(seeded, "LinkSchoolChild", {"identifier": HUY, "code": code}, token=who)
            for who in (parent, resident)
        )
    )
    linked = [a for a in answers if not a.get("errors")]
    refused = [only_error(a)["extensions"] for a in answers if a.get("errors")]
    assert len(linked) == 1
    assert refused == [{"code": "BAD_USER_INPUT", "field": "input.code"}]
    assert await _count(seeded, ParentLink, ParentLink.student_id == stable_id("student", HUY)) == 1
    assert await _count(seeded, LinkEvent, LinkEvent.action == LinkAction.LINKED) == 1


async def test_someone_elses_child_cannot_be_linked_even_with_a_real_code(seeded: Any) -> None:
    parent = await token(seeded, PARENT)
    admin = await make_staff(seeded, ADMIN, role=StaffRole.ADMINISTRATOR)
    code = await issue_code(seeded, admin, QUOC_HOC, BAO)  # the resident's son
    refused = only_error(
        await send(seeded, "LinkSchoolChild", {"identifier": BAO, "code": code}, token=parent)
    )
    assert refused["extensions"] == {"code": "FORBIDDEN", "field": "input.identifier"}
    assert BAO not in await _children(seeded, parent)
    failed = await _count(seeded, LinkEvent, LinkEvent.action == LinkAction.FAILED)
    assert failed == 1
    # The code is not spent: it still serves the recorded guardian.
    assert await _count(seeded, LinkCode, LinkCode.used_at.is_(None)) == 1


async def test_guessing_identifiers_and_codes_is_refused_alike_then_throttled(
    seeded: Any,
) -> None:
    parent = await token(seeded, PARENT)
    links_before = await _count(seeded, ParentLink)
    tries = [(BAO, "ABCD2345"), ("046999999999", "ABCD2345"), (BAO, "ZZZZ9999")]
    tries += [(HUY, "QQQQ7777"), ("046000000001", "HHHH3333")]
    for identifier, code in tries:
        refused = only_error(
            await send(
                seeded, "LinkSchoolChild", {"identifier": identifier, "code": code}, token=parent
            )
        )
        # An unknown identifier and a wrong code look the same.
        assert refused["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.code"}
    throttled = only_error(
        await send(seeded, "LinkSchoolChild", {"identifier": BAO, "code": "ABCD2345"}, token=parent)
    )
    assert throttled["extensions"]["code"] == "RATE_LIMITED"
    assert 0 < throttled["extensions"]["retryAfterSeconds"] <= 15 * 60
    assert await _count(seeded, ParentLink) == links_before
    assert await _count(seeded, LinkEvent, LinkEvent.action == LinkAction.FAILED) == 5


async def test_a_code_dies_after_five_wrong_tries_and_expires(seeded: Any, clock: Clock) -> None:
    parent, resident = await token(seeded, PARENT), await token(seeded, RESIDENT)
    admin = await make_staff(seeded, ADMIN, role=StaffRole.ADMINISTRATOR)
    code = await issue_code(seeded, admin, QUOC_HOC, HUY)
    # Five wrong tries from another account spend the code's attempts.
    for wrong in ("AAAA2222", "BBBB3333", "CCCC4444", "DDDD5555", "EEEE6666"):
        await send(seeded, "LinkSchoolChild", {"identifier": HUY, "code": wrong}, token=resident)
    dead = only_error(
        await send(seeded, "LinkSchoolChild", {"identifier": HUY, "code": code}, token=parent)
    )
    assert dead["extensions"]["code"] == "BAD_USER_INPUT"
    fresh = await issue_code(seeded, admin, QUOC_HOC, HUY)
    clock.set(utcnow() + timedelta(days=15))
    expired = only_error(
        await send(seeded, "LinkSchoolChild", {"identifier": HUY, "code": fresh}, token=parent)
    )
    assert expired["extensions"]["code"] == "BAD_USER_INPUT"
    assert HUY not in await _children(seeded, parent)


async def test_malformed_identifiers_are_refused_before_anything_is_looked_up(
    seeded: Any,
) -> None:
    parent = await token(seeded, PARENT)
    for bad in ("04630900123", "0463090012345", "04630900123A", "٠٤٦٣٠٩٠٠١٢٣٤"):
        refused = only_error(
            await send(seeded, "LinkSchoolChild", {"identifier": bad, "code": "X"}, token=parent)
        )
        assert refused["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.identifier"}
    assert await _count(seeded, LinkEvent) == 0


async def test_only_the_schools_staff_issue_codes_and_revoke_links(seeded: Any) -> None:
    teacher, parent = await token(seeded, TEACHER), await token(seeded, PARENT)
    # Lan is at Tiểu học Lê Lợi: Quốc Học's staff can do nothing about her.
    for school, identifier in ((LE_LOI, LAN), (QUOC_HOC, LAN)):
        refused = only_error(
            await seeded(ISSUE_CODE, {"school": school, "identifier": identifier}, token=teacher)
        )
        assert refused["extensions"]["code"] in {"FORBIDDEN", "NOT_FOUND"}
    by_parent = only_error(
        await seeded(ISSUE_CODE, {"school": QUOC_HOC, "identifier": KHANG}, token=parent)
    )
    assert by_parent["extensions"]["code"] == "FORBIDDEN"
    # Bảo is in 10 Lý, a class of the school the teacher does not teach: no code, no revoking.
    not_theirs = only_error(
        await seeded(ISSUE_CODE, {"school": QUOC_HOC, "identifier": BAO}, token=teacher)
    )
    assert not_theirs["extensions"] == {"code": "FORBIDDEN", "field": "input.identifier"}
    bao = {"school": QUOC_HOC, "identifier": BAO, "phone": "0905 000 001"}
    refused = only_error(await seeded(REVOKE, bao, token=teacher))
    assert refused["extensions"] == {"code": "FORBIDDEN", "field": "input.identifier"}
    assert await _children(seeded, await token(seeded, RESIDENT)) == [BAO]
    assert await _count(seeded, LinkEvent, LinkEvent.action == LinkAction.CODE_ISSUED) == 0
    revoke = {"school": QUOC_HOC, "identifier": KHANG, "phone": "0905 000 002"}
    assert data(await seeded(REVOKE, revoke, token=teacher))["revokeSchoolLink"] is True
    assert await _children(seeded, parent) == [LAN]
    gone = await ok(seeded, "SchoolStudent", {"id": student_gid(KHANG)}, token=parent)
    assert gone["schoolStudent"] is None
    twice = only_error(await seeded(REVOKE, revoke, token=teacher))
    assert twice["extensions"]["code"] == "NOT_FOUND"
    assert await _count(seeded, LinkEvent, LinkEvent.action == LinkAction.REVOKED) == 1
    # A fresh code from the school links again.
    code = await issue_code(seeded, teacher, QUOC_HOC, KHANG)
    await ok(seeded, "LinkSchoolChild", {"identifier": KHANG, "code": code}, token=parent)
    assert await _children(seeded, parent) == [KHANG, LAN]


APPROVE = """
mutation Approve($school: ID!, $identifier: String!, $phone: String!) {
  approveSchoolLink(input: {schoolId: $school, identifier: $identifier, parentPhone: $phone})
}
"""


async def test_the_school_approves_a_recorded_guardian_without_a_code(seeded: Any) -> None:
    parent, resident = await token(seeded, PARENT), await token(seeded, RESIDENT)
    admin = await make_staff(seeded, ADMIN, role=StaffRole.ADMINISTRATOR)
    teacher = await token(seeded, TEACHER)
    links_before = await _count(seeded, ParentLink)
    huy = {"school": QUOC_HOC, "identifier": HUY, "phone": "0905 000 002"}
    refusals = [
        # Not a guardian the school recorded for Huy.
        (
            admin,
            {**huy, "phone": "0905 000 001"},
            {"code": "FORBIDDEN", "field": "input.parentPhone"},
        ),
        # Bảo's class is not the teacher's.
        (
            teacher,
            {**huy, "identifier": BAO, "phone": "0905 000 001"},
            {"code": "FORBIDDEN", "field": "input.identifier"},
        ),
        (parent, huy, {"code": "FORBIDDEN"}),
        (admin, {**huy, "school": LE_LOI}, {"code": "FORBIDDEN"}),
    ]
    for access, variables, expected in refusals:
        refused = only_error(await seeded(APPROVE, variables, token=access))
        assert {k: refused["extensions"][k] for k in expected} == expected, variables
    assert await _count(seeded, ParentLink) == links_before
    assert await _count(seeded, LinkEvent, LinkEvent.action == LinkAction.LINKED) == 0

    assert data(await seeded(APPROVE, huy, token=admin))["approveSchoolLink"] is True
    assert await _children(seeded, parent) == [KHANG, LAN, HUY]
    assert HUY not in await _children(seeded, resident)
    again = only_error(await seeded(APPROVE, huy, token=admin))
    assert again["extensions"] == {"code": "CONFLICT", "field": "input.parentPhone"}
    async with seeded.sessions() as session:
        [event] = (
            await session.scalars(select(LinkEvent).where(LinkEvent.action == LinkAction.LINKED))
        ).all()
    assert event.user_id == stable_id("user", ADMIN)
    assert event.details == {"parent": str(stable_id("user", PARENT))}
