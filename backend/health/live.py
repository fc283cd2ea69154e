"""The health domain's live events: an appointment of an account changed (booked, moved,
cancelled, checked in, completed, missed), for `appointmentChanged`."""

from __future__ import annotations

from collections.abc import Iterable

from backend.db.unit_of_work import UnitOfWork
from backend.health.models import Appointment
from backend.live import LiveEvent, raise_after_commit

APPOINTMENT_CHANGED = "appointment.changed"


def appointments_changed(uow: UnitOfWork, appointments: Iterable[Appointment]) -> None:
    """Tell each appointment's account, once the change is committed."""
    raise_after_commit(
        uow,
        (LiveEvent.personal(row.account_id, APPOINTMENT_CHANGED, row.id) for row in appointments),
    )
