"""Open data over plain HTTP: a CAP 1.2 document per public alert and the Atom feed of those in
force, at stable URLs, cacheable by anyone for a minute."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request, Response

from backend.alerts import cap, feed, reads
from backend.db.types import utcnow

PUBLIC_CACHE = "public, max-age=60"
IDENTIFIER = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

router = APIRouter()


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/cap/alerts.atom")
async def alerts_feed(request: Request) -> Response:
    sessions = request.app.state.services.sessions
    now = utcnow()
    async with sessions() as session:
        rows = await reads.feed(session, now, feed.MAX_ENTRIES)
    body = feed.atom(rows, base=_base(request), now=now)
    return Response(
        body,
        media_type=feed.FEED_MEDIA_TYPE,
        headers={"Cache-Control": PUBLIC_CACHE},
    )


@router.get("/cap/alerts/{identifier}.xml")
async def cap_document(identifier: str, request: Request) -> Response:
    if not IDENTIFIER.match(identifier):
        return Response(status_code=404, headers={"Cache-Control": PUBLIC_CACHE})
    sessions = request.app.state.services.sessions
    async with sessions() as session:
        row = await reads.public_by_identifier(session, identifier)
        if row is None or row.sent is None:
            return Response(status_code=404, headers={"Cache-Control": PUBLIC_CACHE})
        wanted = [row.references_id] if row.references_id else []
        references = await reads.identifiers_by_ids(session, wanted)
    return Response(
        cap.document(row, references),
        media_type=cap.MEDIA_TYPE,
        headers={"Cache-Control": PUBLIC_CACHE},
    )
