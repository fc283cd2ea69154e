"""The pushes of the health domain. They say when and the queue number, never why or with whom:
no reason, specialty, doctor or facility name reaches a lock screen. The app fetches the rest
over an authenticated request."""

from __future__ import annotations

from backend.health.localtime import local_clock
from backend.health.models import Appointment, ReminderKind
from notifications.messages import PushMessage, Text
from notifications.models import Category


def _message(appointment: Appointment, event: str, title: Text, body: Text) -> PushMessage:
    return PushMessage(
        category=Category.HEALTH,
        type=f"appointment.{event}",
        title=title,
        body=body,
        deep_link=f"citizenhub://appointments/{appointment.id}",
        data={"appointmentId": str(appointment.id)},
        collapse_key=f"appointment-{appointment.id.hex}",
    )


def booked(appointment: Appointment) -> PushMessage:
    return _message(
        appointment,
        "booked",
        Text.from_catalogue("health.push.booked.title"),
        Text.from_catalogue("health.push.booked.body", **_when_and_number(appointment)),
    )


def rescheduled(appointment: Appointment) -> PushMessage:
    return _message(
        appointment,
        "rescheduled",
        Text.from_catalogue("health.push.rescheduled.title"),
        Text.from_catalogue("health.push.rescheduled.body", **_when_and_number(appointment)),
    )


def cancelled_by_facility(appointment: Appointment) -> PushMessage:
    return _message(
        appointment,
        "cancelled",
        Text.from_catalogue("health.push.cancelled.title"),
        Text.from_catalogue("health.push.cancelled.body", when=local_clock(appointment.start_at)),
    )


def reminder(appointment: Appointment, kind: ReminderKind) -> PushMessage:
    title = (
        "health.push.reminder_day_before.title"
        if kind is ReminderKind.DAY_BEFORE
        else "health.push.reminder_soon.title"
    )
    return _message(
        appointment,
        "reminder",
        Text.from_catalogue(title),
        Text.from_catalogue("health.push.reminder.body", **_when_and_number(appointment)),
    )


def _when_and_number(appointment: Appointment) -> dict[str, object]:
    return {"when": local_clock(appointment.start_at), "number": appointment.queue_number}
