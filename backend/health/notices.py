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
    when = local_clock(appointment.start_at)
    number = appointment.queue_number
    return _message(
        appointment,
        "booked",
        Text("Đã đặt lịch khám", "Appointment booked"),
        Text(
            f"Lịch hẹn lúc {when}, số thứ tự {number}.",
            f"Your appointment is at {when}, queue number {number}.",
        ),
    )


def rescheduled(appointment: Appointment) -> PushMessage:
    when = local_clock(appointment.start_at)
    number = appointment.queue_number
    return _message(
        appointment,
        "rescheduled",
        Text("Đã đổi lịch khám", "Appointment moved"),
        Text(
            f"Lịch hẹn mới lúc {when}, số thứ tự {number}.",
            f"Your new time is {when}, queue number {number}.",
        ),
    )


def cancelled_by_facility(appointment: Appointment) -> PushMessage:
    when = local_clock(appointment.start_at)
    return _message(
        appointment,
        "cancelled",
        Text("Lịch khám đã bị hủy", "Appointment cancelled"),
        Text(
            f"Cơ sở y tế đã hủy lịch hẹn lúc {when}. Mở ứng dụng để xem lý do và đặt lịch khác.",
            f"The facility cancelled your {when} appointment. "
            "Open the app to see why and to book another time.",
        ),
    )


def reminder(appointment: Appointment, kind: ReminderKind) -> PushMessage:
    when = local_clock(appointment.start_at)
    number = appointment.queue_number
    title = (
        Text("Ngày mai bạn có lịch khám", "Appointment tomorrow")
        if kind is ReminderKind.DAY_BEFORE
        else Text("Sắp đến giờ khám", "Appointment soon")
    )
    return _message(
        appointment,
        "reminder",
        title,
        Text(
            f"Lịch hẹn lúc {when}, số thứ tự {number}.",
            f"Your appointment is at {when}, queue number {number}.",
        ),
    )
