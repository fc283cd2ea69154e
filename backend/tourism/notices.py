"""The pushes of the tourism domain: a saved event starts tomorrow, a saved event moved. They
name the event, which is public, and carry only its id."""

from __future__ import annotations

from datetime import datetime

from backend.i18n import Locale, messages, render
from backend.tourism import hours
from backend.tourism.repository.rows import EventRow
from notifications.messages import PushMessage, Text
from notifications.models import Category


def event_reminder(event: EventRow) -> PushMessage:
    return _message(event, "reminder", "tourism.push.event_reminder")


def event_moved(event: EventRow) -> PushMessage:
    return _message(event, "rescheduled", "tourism.push.event_moved")


def _message(event: EventRow, kind: str, key: str) -> PushMessage:
    when = local_clock(event.starts_at)
    return PushMessage(
        category=Category.TOURISM,
        type=f"event.{kind}",
        title=_with_name(f"{key}.title", event, when),
        body=_with_name(f"{key}.body", event, when),
        deep_link=f"citizenhub://events/{event.id}",
        data={"eventId": str(event.id)},
        collapse_key=f"event-{event.id.hex}",
    )


def _with_name(key: str, event: EventRow, when: str) -> Text:
    """The catalogue text in every language, each naming the event in that language."""
    loaded = messages()
    texts: dict[str, str] = {}
    for locale in Locale:
        template = loaded.texts.get(locale, {}).get(key)
        if template:
            texts[locale.value] = render(template, {"name": event.name.get(locale), "when": when})
    if Locale.VI.value not in texts:
        raise KeyError(f"no Vietnamese text for {key!r}")
    return Text(texts)


def local_clock(moment: datetime) -> str:
    """Huế time as people write it: 19:30 25/04/2026."""
    return moment.astimezone(hours.ZONE).strftime("%H:%M %d/%m/%Y")
