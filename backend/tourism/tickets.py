"""What a visitor pays: the cheapest valid offer for one site, or the cheapest set of offers
(single tickets and combos) that covers several sites. Prices, combos, free days and free-entry
rules are rows of `tourism_offers`, each valid between two dates: a price change is data."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import BadUserInput, NotFound
from backend.tourism.repository import attractions as attraction_rows
from backend.tourism.repository import offers as repository
from backend.tourism.repository.rows import OfferRow

# Sites one combination may ask about: the search is over subsets (2^12 states at most).
MAX_SITES = 12
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class VisitorType(StrEnum):
    ADULT = "adult"
    # 7 to 12 years old, as Huế's monument centre prices it.
    CHILD = "child"


@dataclass(frozen=True, slots=True)
class Visitor:
    type: VisitorType
    vietnamese_citizen: bool


@dataclass(frozen=True, slots=True)
class Ticket:
    """One offer bought at `amount` VND, for the sites it covers of those asked about."""

    offer: OfferRow
    amount: int
    sites: frozenset[uuid.UUID]


@dataclass(frozen=True, slots=True)
class Combination:
    total: int
    tickets: list[Ticket]
    # Sites asked about that charge no entry at all.
    free_sites: list[uuid.UUID]
    # Sites no valid offer covers that day (their price is unknown).
    unpriced_sites: list[uuid.UUID]


def price_for(offer: OfferRow, visitor: Visitor, day: date) -> int | None:
    """What `offer` costs this visitor on `day`, or None if it does not apply to them then."""
    amount = offer.prices.get(visitor.type.value)
    if amount is None or (offer.citizens_only and not visitor.vietnamese_citizen):
        return None
    if offer.on_dates and day.isoformat() not in offer.on_dates:
        return None
    return amount


def _checked_day(day: date) -> date:
    if not EARLIEST <= day <= LATEST:
        raise BadUserInput("tourism.date_out_of_range", field="date")
    return day


async def cheapest_combination(
    session: AsyncSession, site_ids: Sequence[uuid.UUID], visitor: Visitor, day: date
) -> Combination:
    """The cheapest set of offers covering every priced site asked about (exact, by dynamic
    programming over subsets of sites)."""
    sites = list(dict.fromkeys(site_ids))
    if not 1 <= len(sites) <= MAX_SITES:
        raise BadUserInput("input.list_size", field="sites", max=MAX_SITES)
    _checked_day(day)
    attractions = {row.id: row for row in await attraction_rows.attractions_by_ids(session, sites)}
    missing = [site for site in sites if site not in attractions]
    if missing:
        raise NotFound("tourism.attraction_not_found", field="sites")
    free = [site for site in sites if attractions[site].is_accessible_for_free]
    paid = [site for site in sites if site not in free]
    bit = {site: 1 << index for index, site in enumerate(paid)}
    options: list[tuple[int, int, OfferRow, frozenset[uuid.UUID]]] = []
    for offer, covered in await repository.offers_covering(session, paid, day) if paid else []:
        amount = price_for(offer, visitor, day)
        mine = covered & set(paid)
        if amount is not None and mine:
            options.append((sum(bit[site] for site in mine), amount, offer, frozenset(mine)))
    reachable = 0
    for mask, *_ in options:
        reachable |= mask
    unpriced = [site for site in paid if not reachable & bit[site]]
    goal = reachable
    best: dict[int, tuple[int, list[int]]] = {0: (0, [])}
    for mask in range(goal + 1):
        if mask not in best or mask & ~goal:
            continue
        cost, chosen = best[mask]
        for index, (covers, amount, _offer, _sites) in enumerate(options):
            following = mask | covers
            if following != mask and (following not in best or cost + amount < best[following][0]):
                best[following] = (cost + amount, [*chosen, index])
    total, chosen = best[goal]
    tickets = [Ticket(options[i][2], options[i][1], options[i][3]) for i in chosen]
    return Combination(total, tickets, free, unpriced)
