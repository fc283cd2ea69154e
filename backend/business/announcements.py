"""Notices from agencies to businesses by sector (a VSIC section or code prefixes) and ward: a
new regulation, an inspection campaign, flood preparation, a tax deadline. Each matching
business's accounts get one push and an inbox entry each, once per account even when it acts for
several matching businesses; reading one records a receipt."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from backend.business import access, codes
from backend.business.models import Notice
from backend.business.repository import members as member_rows
from backend.business.repository import notices as repository
from backend.business.repository.rows import NoticeRow
from backend.business.text import checked_text
from backend.db.unit_of_work import UnitOfWork
from backend.errors import BadUserInput, Forbidden, NotFound
from backend.i18n import Translated
from notifications.messages import PushMessage, Text
from notifications.models import Category
from notifications.service import notify

MAX_TITLE = 200
MAX_BODY = 4000
MAX_FILTERS = 20


async def publish(
    uow: UnitOfWork,
    *,
    officer_id: uuid.UUID,
    agency_id: uuid.UUID,
    title: tuple[str, str | None],
    body: tuple[str, str | None],
    vsic_prefixes: Sequence[str],
    ward_ids: Sequence[uuid.UUID],
    now: datetime,
) -> Notice:
    """An officer publishes for their agency; returns the notice with how many it reached."""
    session = uow.session
    if agency_id not in await access.officer_agencies(session, officer_id):
        raise Forbidden("forbidden")
    if len(vsic_prefixes) > MAX_FILTERS:
        raise BadUserInput("input.list_size", field="input.vsicPrefixes", max=MAX_FILTERS)
    if len(ward_ids) > MAX_FILTERS:
        raise BadUserInput("input.list_size", field="input.wardIds", max=MAX_FILTERS)
    prefixes = sorted(
        {
            prefix
            for index, code in enumerate(vsic_prefixes)
            for prefix in codes.vsic_filter(code, field=f"input.vsicPrefixes[{index}]")
        }
    )
    texts = {
        name: Translated.of(
            _required(checked_text(vi, field=f"input.{name}Vi", limit=limit, required=True)),
            checked_text(en, field=f"input.{name}En", limit=limit, required=False),
        )
        for name, (vi, en), limit in (("title", title, MAX_TITLE), ("body", body, MAX_BODY))
    }
    wards = sorted(set(ward_ids))
    businesses = await repository.matching_businesses(session, prefixes, wards)
    notice = Notice(
        id=uuid.uuid4(),
        agency_id=agency_id,
        title=texts["title"],
        body=texts["body"],
        vsic_prefixes=prefixes,
        ward_ids=[str(ward) for ward in wards],
        published_by=officer_id,
        published_at=now,
        recipients=len(businesses),
    )
    await repository.add_notice(session, notice, businesses)
    await access.audit(
        session,
        "notice.published",
        business_id=None,
        actor_id=officer_id,
        now=now,
        notice=notice.id,
        recipients=len(businesses),
    )
    members = await member_rows.active_members(session, businesses)
    accounts = list(dict.fromkeys(user for found in members.values() for user, _ in found))
    await notify(uow, user_ids=accounts, message=pushed(notice), now=now)
    return notice


def _required(text: str | None) -> str:
    assert text is not None
    return text


def pushed(notice: Notice) -> PushMessage:
    """The push: the agency's title (public information), the notice's id."""
    return PushMessage(
        category=Category.BUSINESS,
        type="business_notice.published",
        title=Text.from_catalogue("business.push.notice.title"),
        body=notice.title,
        deep_link=f"citizenhub://business-notices/{notice.id}",
        data={"noticeId": str(notice.id)},
        ttl="week",
    )


async def mark_read(
    uow: UnitOfWork, *, user_id: uuid.UUID, notice_id: uuid.UUID, now: datetime
) -> NoticeRow:
    """Record that the account read a notice that reached one of its businesses."""
    session = uow.session
    visible = await repository.notices_for_member(session, user_id, [notice_id])
    if not visible:
        raise NotFound("business.notice_not_found", field="input.noticeId")
    await repository.mark_read(session, notice_id, user_id, now)
    return (await repository.notices_for_member(session, user_id, [notice_id]))[0]
