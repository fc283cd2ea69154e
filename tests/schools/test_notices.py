"""School notices: a teacher addresses their class (an administrator a grade or the school);
each linked parent gets one push in their language with an inbox entry; consent is answered
once per child before the due date; the teacher sees who has answered and reminds the others
once; a closure is urgent; nobody else reads a notice."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.schools.models import Guardian, ParentLink
from backend.seed.demo import stable_id
from notifications.models import Notification
from tests.schools.conftest import (
    BAO,
    KHANG,
    PARENT,
    RESIDENT,
    TEACHER,
    gid,
    ok,
    plain,
    school_gid,
    send,
    student_gid,
)
from tests.support.graphql import only_error
from tests.support.sessions import token

QUOC_HOC = school_gid("thpt-chuyen-quoc-hoc")
MATHS_11 = gid("SchoolClass", stable_id("school-class", "thpt-chuyen-quoc-hoc:2026-2027:11 Toán"))
SEEDED = gid("SchoolNotice", stable_id("school-notice", "11-toan-dai-noi"))
NODE = "query N($id: ID!) { node(id: $id) { id ... on SchoolNotice { title } } }"


def _notice(kind: str, **more: Any) -> dict[str, Any]:
    return {
        "input": {
            "schoolId": QUOC_HOC,
            "audience": "CLASS",
            "classId": MATHS_11,
            "kind": kind,
            "titleVi": "Họp phụ huynh cuối học kỳ I",
            "titleEn": "End-of-semester parents' meeting",
            "bodyVi": "Họp lúc 8 giờ sáng Chủ nhật tại phòng P.204.",
            **more,
        }
    }


async def _pushes(api: Any, phone: str, kind: str) -> list[Notification]:
    statement = select(Notification).where(
        Notification.user_id == stable_id("user", phone), Notification.type == kind
    )
    async with api.sessions() as session:
        return list((await session.scalars(statement)).all())


async def test_a_consent_form_is_pushed_answered_once_and_reminded_once(seeded: Any) -> None:
    teacher, parent = await token(seeded, TEACHER), await token(seeded, PARENT)
    due = (utcnow() + timedelta(days=7)).date().isoformat()
    published = (
        await ok(seeded, "PublishSchoolNotice", _notice("CONSENT", dueOn=due), token=teacher)
    )["publishSchoolNotice"]
    assert (published["students"], published["parentsNotified"]) == (1, 1)  # Khang's mother
    pushes = await _pushes(seeded, PARENT, "school_notice.published")
    assert len(pushes) == 1
    assert pushes[0].title.en == "End-of-semester parents' meeting"
    assert pushes[0].deep_link.startswith("citizenhub://school-notices/")
    assert not pushes[0].urgent
    notices = plain(await ok(seeded, "SchoolNotices", token=parent))["viewer"]["schoolNotices"]
    newest = notices["edges"][0]["node"]
    assert newest["id"] == published["noticeId"]
    assert newest["children"] == [
        {
            "answer": None,
            "answeredAt": None,
            "student": {"id": student_gid(KHANG), "fullName": "Nguyễn Minh Khang"},
        }
    ]
    answer = {"noticeId": published["noticeId"], "studentId": student_gid(KHANG), "consent": True}
    assert (await ok(seeded, "AnswerSchoolConsent", answer, token=parent))["answerSchoolConsent"][
        "answer"
    ] == "YES"
    twice = only_error(
        await send(seeded, "AnswerSchoolConsent", {**answer, "consent": False}, token=parent)
    )
    assert twice["extensions"] == {"code": "CONFLICT", "field": "input.studentId"}
    responses = (
        await ok(
            seeded, "SchoolNoticeResponses", {"noticeId": published["noticeId"]}, token=teacher
        )
    )["schoolNoticeResponses"]
    assert (responses["answered"], responses["waiting"]) == (1, 0)
    assert [e["node"]["answer"] for e in responses["edges"]] == ["YES"]
    # Everyone answered: the one reminder reaches nobody, and there is no second one.
    reminded = await ok(
        seeded, "RemindSchoolNotice", {"noticeId": published["noticeId"]}, token=teacher
    )
    assert reminded["remindSchoolNotice"] == 0
    again = only_error(
        await send(seeded, "RemindSchoolNotice", {"noticeId": published["noticeId"]}, token=teacher)
    )
    assert again["extensions"]["code"] == "CONFLICT"


async def test_two_guardians_answering_at_once_count_once(seeded: Any) -> None:
    """Khang's father is linked too; both parents answer the consent form at the same moment,
    each request on its own connection: one answer stands, the other is told it came late."""
    khang = stable_id("student", KHANG)
    father = stable_id("user", RESIDENT)
    async with UnitOfWork(seeded.sessions) as uow:
        uow.session.add(
            Guardian(id=uuid.uuid4(), student_id=khang, phone=RESIDENT, name="Nguyễn Văn An")
        )
        uow.session.add(ParentLink(id=uuid.uuid4(), student_id=khang, user_id=father))
    teacher, mother = await token(seeded, TEACHER), await token(seeded, PARENT)
    father_token = await token(seeded, RESIDENT)
    due = (utcnow() + timedelta(days=7)).date().isoformat()
    published = (
        await ok(seeded, "PublishSchoolNotice", _notice("CONSENT", dueOn=due), token=teacher)
    )["publishSchoolNotice"]
    assert (published["students"], published["parentsNotified"]) == (1, 2)
    answer = {"noticeId": published["noticeId"], "studentId": student_gid(KHANG)}
    answers = await asyncio.gather(
        send(seeded, "AnswerSchoolConsent", {**answer, "consent": True}, token=mother),
        send(seeded, "AnswerSchoolConsent", {**answer, "consent": False}, token=father_token),
    )
    stood = [a["data"]["answerSchoolConsent"]["answer"] for a in answers if not a.get("errors")]
    refused = [only_error(a)["extensions"] for a in answers if a.get("errors")]
    assert len(stood) == 1
    assert refused == [{"code": "CONFLICT", "field": "input.studentId"}]
    responses = (
        await ok(
            seeded, "SchoolNoticeResponses", {"noticeId": published["noticeId"]}, token=teacher
        )
    )["schoolNoticeResponses"]
    assert (responses["answered"], responses["waiting"]) == (1, 0)
    assert [e["node"]["answer"] for e in responses["edges"]] == stood
    # Both parents see the family's one answer.
    for parent in (mother, father_token):
        notices = plain(await ok(seeded, "SchoolNotices", token=parent))["viewer"]["schoolNotices"]
        [child] = notices["edges"][0]["node"]["children"]
        assert child["answer"] == stood[0]


async def test_the_reminder_goes_to_those_who_have_not_answered(seeded: Any) -> None:
    teacher, parent = await token(seeded, TEACHER), await token(seeded, PARENT)
    responses = (await ok(seeded, "SchoolNoticeResponses", {"noticeId": SEEDED}, token=teacher))[
        "schoolNoticeResponses"
    ]
    assert (responses["answered"], responses["waiting"]) == (0, 1)
    assert [e["node"]["fullName"] for e in responses["edges"]] == ["Nguyễn Minh Khang"]
    reminded = await ok(seeded, "RemindSchoolNotice", {"noticeId": SEEDED}, token=teacher)
    assert reminded["remindSchoolNotice"] == 1
    assert len(await _pushes(seeded, PARENT, "school_notice.reminder")) == 1
    # Others may neither read the answers nor remind.
    for outsider in (parent, await token(seeded, RESIDENT)):
        refused = only_error(
            await send(seeded, "SchoolNoticeResponses", {"noticeId": SEEDED}, token=outsider)
        )
        assert refused["extensions"]["code"] == "FORBIDDEN"


async def test_two_reminders_at_once_send_one(seeded: Any) -> None:
    teacher = await token(seeded, TEACHER)
    answers = await asyncio.gather(
        *(send(seeded, "RemindSchoolNotice", {"noticeId": SEEDED}, token=teacher) for _ in range(3))
    )
    sent = [a["data"]["remindSchoolNotice"] for a in answers if not a.get("errors")]
    refused = [only_error(a)["extensions"] for a in answers if a.get("errors")]
    assert sent == [1]
    assert refused == [{"code": "CONFLICT", "field": "input.noticeId"}] * 2
    assert len(await _pushes(seeded, PARENT, "school_notice.reminder")) == 1


async def test_acknowledgements_and_who_may_read_a_notice(seeded: Any) -> None:
    teacher, parent = await token(seeded, TEACHER), await token(seeded, PARENT)
    resident = await token(seeded, RESIDENT)
    published = (
        await ok(seeded, "PublishSchoolNotice", _notice("ACKNOWLEDGEMENT"), token=teacher)
    )["publishSchoolNotice"]
    ack = {"noticeId": published["noticeId"], "studentId": student_gid(KHANG)}
    done = (await ok(seeded, "AcknowledgeSchoolNotice", ack, token=parent))[
        "acknowledgeSchoolNotice"
    ]
    assert done["answer"] == "ACKNOWLEDGED"
    # The resident's son is not in 11 Toán: the notice is not theirs to read or answer.
    assert (await seeded(NODE, {"id": published["noticeId"]}, token=resident))["data"][
        "node"
    ] is None
    foreign = only_error(
        await send(
            seeded,
            "AcknowledgeSchoolNotice",
            {"noticeId": published["noticeId"], "studentId": student_gid(BAO)},
            token=resident,
        )
    )
    assert foreign["extensions"]["code"] == "NOT_FOUND"
    wrong_kind = only_error(
        await send(seeded, "AnswerSchoolConsent", {**ack, "consent": True}, token=parent)
    )
    assert wrong_kind["extensions"]["code"] == "CONFLICT"


async def test_a_closure_is_urgent_and_school_wide_needs_an_administrator(seeded: Any) -> None:
    teacher = await token(seeded, TEACHER)
    whole_school = _notice("CLOSURE", audience="SCHOOL")
    refused = only_error(await send(seeded, "PublishSchoolNotice", whole_school, token=teacher))
    assert refused["extensions"] == {"code": "FORBIDDEN", "field": "input.audience"}
    closure = await ok(seeded, "PublishSchoolNotice", _notice("CLOSURE"), token=teacher)
    assert closure["publishSchoolNotice"]["parentsNotified"] == 1
    (push,) = await _pushes(seeded, PARENT, "school_notice.published")
    assert push.urgent
    assert push.data["kind"] == "CLOSURE"


async def test_bad_notices_are_refused_and_change_nothing(seeded: Any) -> None:
    teacher = await token(seeded, TEACHER)
    no_due = only_error(
        await send(seeded, "PublishSchoolNotice", _notice("CONSENT"), token=teacher)
    )
    assert no_due["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.dueOn"}
    past = _notice("CONSENT", dueOn="2020-01-01")
    assert (
        only_error(await send(seeded, "PublishSchoolNotice", past, token=teacher))["extensions"][
            "field"
        ]
        == "input.dueOn"
    )
    blank = _notice("ANNOUNCEMENT", titleVi="  ")
    assert only_error(await send(seeded, "PublishSchoolNotice", blank, token=teacher))[
        "extensions"
    ] == {"code": "BAD_USER_INPUT", "field": "input.titleVi"}
    assert await _pushes(seeded, PARENT, "school_notice.published") == []
