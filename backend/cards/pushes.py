"""The pushes of the cards domain: a card's id, kind and status, nothing personal (no name,
number or agency); the app fetches the card over an authenticated request."""

from __future__ import annotations

from typing import Literal

from backend.cards.models import Card
from notifications.messages import PushMessage, Text
from notifications.models import Category

Event = Literal["issued", "suspended", "revoked", "reinstated"]


def card_message(card: Card, event: Event) -> PushMessage:
    return PushMessage(
        category=Category.IDENTITY,
        type=f"card.{event}",
        title=Text.from_catalogue("cards.push.title"),
        body=Text.from_catalogue(f"cards.push.{event}"),
        deep_link=f"citizenhub://cards/{card.id}",
        data={"cardId": str(card.id), "kind": card.kind.value.upper(), "event": event.upper()},
        collapse_key=f"card-{card.id.hex}",
        ttl="week",
    )
