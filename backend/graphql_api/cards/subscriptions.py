"""The desktop's QR sign-in, live: the console follows its pending sign-in instead of polling."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import strawberry

from backend.cards import desktop
from backend.cards.desktop import DesktopState
from backend.graphql_api.cards.types import DesktopCardSignInResult
from backend.graphql_api.context import Info
from backend.live import LiveEvent

# A little past the challenge's expiry, so the last look finds it expired.
EXPIRY_MARGIN_SECONDS = 0.5


@strawberry.type
class CardsSubscription:
    @strawberry.subscription(
        description="Desktop consoles: the state of a QR sign-in (what "
        "`collectDesktopCardSignIn` answers), now and whenever it changes: PENDING first, "
        "then SIGNED_IN with the tokens (once) or EXPIRED, and the subscription completes. "
        "No sign-in needed: the poll secret is the desktop's proof."
    )
    async def desktop_card_sign_in(
        self, info: Info, challenge: str, poll_secret: str
    ) -> AsyncIterator[DesktopCardSignInResult]:
        context = info.context
        channel = desktop.live_channel(poll_secret)
        last: DesktopState | None = None
        # Listening starts before the first look: an approval in between is not missed.
        async with context.services.live.listen(channel) as events:
            upcoming: asyncio.Task[LiveEvent] | None = None
            try:
                while True:
                    async with context.unit_of_work() as uow:
                        collected = await desktop.collect(
                            uow,
                            context.auth,
                            challenge=challenge,
                            poll_secret=poll_secret,
                            now=context.now(),
                        )
                    await context.renew()
                    if collected.state is not last:
                        last = collected.state
                        yield DesktopCardSignInResult.of(collected)
                    if collected.state is not DesktopState.PENDING:
                        return
                    assert collected.expires_at is not None
                    left = (collected.expires_at - context.now()).total_seconds()
                    upcoming = upcoming or asyncio.ensure_future(anext(events))
                    # An approval wakes the loop at once; otherwise it looks again at expiry.
                    await asyncio.wait({upcoming}, timeout=max(left, 0) + EXPIRY_MARGIN_SECONDS)
                    if upcoming.done():
                        ended = upcoming.exception() is not None  # the bus went away
                        upcoming = None
                        if ended:
                            return
            finally:
                if upcoming is not None:
                    upcoming.cancel()
