"""Ticket offers and the sites each covers."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.tourism.models import Offer, OfferAttraction
from backend.tourism.repository import rows
from backend.tourism.repository.rows import OfferRow


async def offers_covering(
    session: AsyncSession, attraction_ids: Sequence[uuid.UUID], day: date
) -> list[tuple[OfferRow, frozenset[uuid.UUID]]]:
    """Offers valid on `day` that cover at least one of the attractions, each with every
    attraction it covers. Two statements."""
    covering = select(OfferAttraction.offer_id).where(
        OfferAttraction.attraction_id.in_(attraction_ids)
    )
    statement = (
        select(*rows.OFFER)
        .where(
            Offer.id.in_(covering),
            Offer.valid_from <= day,
            or_(Offer.valid_through.is_(None), Offer.valid_through >= day),
        )
        .order_by(Offer.slug)
    )
    offers = [OfferRow.of(row) for row in (await session.execute(statement)).all()]
    if not offers:
        return []
    sites: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    links = select(OfferAttraction.offer_id, OfferAttraction.attraction_id).where(
        OfferAttraction.offer_id.in_([offer.id for offer in offers])
    )
    for offer_id, attraction_id in (await session.execute(links)).all():
        sites[offer_id].add(attraction_id)
    return [(offer, frozenset(sites[offer.id])) for offer in offers]
