"""Shared pieces of the health tests: the demo's people and facilities, staff roles, the GraphQL
documents the app sends, and check queries on the database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from strawberry.relay import to_base64

from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.health.localtime import at_local_minute, local_day
from backend.health.models import AccessLogEntry, Slot, Specialty
from backend.identity.models import Role, RoleAssignment, User
from backend.seed.demo import stable_id
from notifications.models import Notification
from tests.support.graphql import data

# --- the demo's people and facilities ------------------------------------------------------------

AN = "+84905000001"  # resident
BINH = "+84905000002"  # parent
CHAU = "+84905000003"  # civil servant; made staff of another hospital where a test needs it
DUNG = "+84905000004"  # health staff of Huế Central Hospital

CENTRAL = "bv-trung-uong-hue"  # BHYT; Mon–Sat mornings, weekday afternoons
UNIVERSITY = "bv-dai-hoc-y-duoc-hue"  # BHYT; weekdays
INTERNATIONAL = "bv-quoc-te-trung-uong-hue"  # no BHYT; Mon–Sat 07:00–19:00
PHU_HOI = "tram-y-te-phu-hoi"  # commune health station, BHYT; weekdays

NEAR_BRIDGE = {"latitude": 16.4637, "longitude": 107.5909}  # Trường Tiền bridge, south end


def place_id(slug: str) -> uuid.UUID:
    return stable_id("place", slug)


def user_uuid(phone: str) -> uuid.UUID:
    return stable_id("user", phone)


def gid(type_name: str, value: uuid.UUID | str) -> str:
    return to_base64(type_name, str(value))


def facility_gid(slug: str) -> str:
    return gid("HealthFacility", place_id(slug))


def slot_gid(slot: Slot | uuid.UUID) -> str:
    return gid("AppointmentSlot", slot.id if isinstance(slot, Slot) else slot)


def uuid_of(global_id: str) -> uuid.UUID:
    from strawberry.relay import from_base64

    return uuid.UUID(from_base64(global_id)[1])


# --- people and roles -----------------------------------------------------------------------------


async def make_staff(api: Any, phone: str, slug: str) -> None:
    async with UnitOfWork(api.sessions) as uow:
        uow.session.add(
            RoleAssignment(
                id=uuid.uuid4(),
                user_id=user_uuid(phone),
                role=Role.HEALTH_STAFF,
                scope_id=place_id(slug),
                created_at=utcnow(),
            )
        )


async def add_citizens(api: Any, count: int, password_hash: str) -> list[uuid.UUID]:
    """`count` residents inserted directly, sharing one precomputed password hash."""
    ids = [uuid.uuid4() for _ in range(count)]
    now = utcnow()
    async with UnitOfWork(api.sessions) as uow:
        uow.session.add_all(
            User(
                id=user_id,
                phone=f"+8490{7000000 + number}",
                email=None,
                password_hash=password_hash,
                display_name=f"Công dân {number}",
                is_active=True,
                phone_verified_at=now,  # proved, as if by SMS: these tests are about booking
                created_at=now,
            )
            for number, user_id in enumerate(ids)
        )
        await uow.session.flush()
        uow.session.add_all(
            RoleAssignment(
                id=uuid.uuid4(), user_id=user_id, role=Role.RESIDENT, scope_id=None, created_at=now
            )
            for user_id in ids
        )
    return ids


# --- reading the database ----------------------------------------------------------------------------


async def slots_of(
    api: Any,
    slug: str,
    specialty: str,
    *,
    after: datetime | None = None,
    practitioner: bool | None = None,
) -> list[Slot]:
    """Slots of one facility and specialty, earliest first, from tomorrow (local) unless told:
    a slot starting during a test would turn a booking into a refusal."""
    if after is None:
        after = at_local_minute(local_day(utcnow()) + timedelta(days=1), 0) - timedelta(seconds=1)
    statement = (
        select(Slot)
        .join(Specialty, Specialty.id == Slot.specialty_id)
        .where(Slot.facility_id == place_id(slug), Specialty.code == specialty)
        .order_by(Slot.start_at, Slot.id)
    )
    statement = statement.where(Slot.start_at > after)
    if practitioner is not None:
        statement = statement.where(
            Slot.practitioner_id.is_not(None) if practitioner else Slot.practitioner_id.is_(None)
        )
    async with api.sessions() as session:
        return list((await session.scalars(statement)).all())


async def slot_row(api: Any, slot_id: uuid.UUID) -> Slot:
    async with api.sessions() as session:
        found = await session.get(Slot, slot_id)
    assert found is not None
    return found


async def rows(api: Any, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    async with api.sessions() as session:
        return [tuple(row) for row in (await session.execute(text(sql), params)).all()]


async def scalar(api: Any, sql: str, **params: Any) -> Any:
    async with api.sessions() as session:
        return (await session.execute(text(sql), params)).scalar_one()


SEAT_MISMATCHES = """
SELECT s.id, s.capacity, s.booked, COALESCE(a.held, 0)
FROM health_slots s
LEFT JOIN (
    SELECT slot_id, COUNT(*) AS held FROM health_appointments
    WHERE status <> 'cancelled' GROUP BY slot_id
) a ON a.slot_id = s.id
WHERE s.booked > s.capacity OR s.booked <> COALESCE(a.held, 0)
"""


async def assert_seats_consistent(api: Any) -> None:
    """No slot holds more than its capacity, or a count other than its live appointments."""
    assert await rows(api, SEAT_MISMATCHES) == []


async def notifications_of(api: Any, phone: str) -> list[Notification]:
    """The inbox of one person, oldest first."""
    statement = (
        select(Notification)
        .where(Notification.user_id == user_uuid(phone))
        .order_by(Notification.created_at, Notification.type, Notification.id)
    )
    async with api.sessions() as session:
        return list((await session.scalars(statement)).all())


async def access_log(api: Any) -> list[tuple[uuid.UUID, str, str]]:
    """The staff access log as (staff user, action, appointment's global id), oldest first."""
    statement = select(AccessLogEntry).order_by(
        AccessLogEntry.at, AccessLogEntry.action, AccessLogEntry.appointment_id
    )
    async with api.sessions() as session:
        entries = (await session.scalars(statement)).all()
    return [
        (entry.staff_user_id, entry.action.value, gid("Appointment", entry.appointment_id))
        for entry in entries
    ]


def at_utc(text_value: str) -> datetime:
    return datetime.fromisoformat(text_value).astimezone(UTC)


# --- the documents the app sends -------------------------------------------------------------------

APPOINTMENT_FIELDS = """
  id status queueNumber start end day reason insuranceCardNumber cancelledBy cancellationReason
  replacedById patient { isAccountHolder dependant { id fullName } }
  facility { id } slot { id remaining }
"""

BOOK = f"""
mutation Book($input: BookAppointmentInput!) {{
  bookAppointment(input: $input) {{ {APPOINTMENT_FIELDS} }}
}}
"""
CANCEL = f"""
mutation Cancel($input: CancelAppointmentInput!) {{
  cancelAppointment(input: $input) {{ {APPOINTMENT_FIELDS} }}
}}
"""
RESCHEDULE = f"""
mutation Move($input: RescheduleAppointmentInput!) {{
  rescheduleAppointment(input: $input) {{ {APPOINTMENT_FIELDS} }}
}}
"""
CHECK_IN = "mutation($id: ID!) { checkInAppointment(input: {appointmentId: $id}) { id status } }"
COMPLETE = "mutation($id: ID!) { completeAppointment(input: {appointmentId: $id}) { id status } }"
NO_SHOW = "mutation($id: ID!) { markNoShow(input: {appointmentId: $id}) { id status } }"
ADD_DEPENDANT = """
mutation Add($input: AddDependantInput!) {
  addDependant(input: $input) { id fullName dateOfBirth relationship }
}
"""
MY_APPOINTMENTS = f"""
query Mine($status: AppointmentStatus, $first: Int, $after: String) {{
  viewer {{
    appointments(status: $status, first: $first, after: $after) {{
      edges {{ node {{ {APPOINTMENT_FIELDS} }} }}
      pageInfo {{ hasNextPage endCursor }}
    }}
  }}
}}
"""
DEPENDANT_NODE = "query($id: ID!) { node(id: $id) { ... on Dependant { id fullName } } }"
APPOINTMENT_NODE = f"""
query One($id: ID!) {{ node(id: $id) {{ ... on Appointment {{ {APPOINTMENT_FIELDS} }} }} }}
"""
FACILITY_DAY = """
query Day($facility: ID!, $day: Date!, $first: Int, $after: String) {
  facilityAppointments(facilityId: $facility, day: $day, first: $first, after: $after) {
    edges { node { id queueNumber status reason patient { isAccountHolder } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
ADD_CLOSURE = """
mutation Close($input: AddClosureInput!) {
  addClosure(input: $input) { id startsOn endsOn reason cancelledAppointments }
}
"""
ADD_AVAILABILITY = """
mutation Open($input: AddWeeklyAvailabilityInput!) {
  addWeeklyAvailability(input: $input) {
    id weekday start end slotMinutes capacity practitioner { fullName }
  }
}
"""
AVAILABLE_SLOTS = """
query Slots($facility: ID!, $from: DateTime!, $to: DateTime!, $specialty: String, $first: Int,
            $after: String) {
  availableSlots(facilityId: $facility, from: $from, to: $to, specialty: $specialty,
                 first: $first, after: $after) {
    edges { node { id start end remaining specialty { code } practitioner { fullName } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def book_input(
    slot: Slot | uuid.UUID,
    *,
    dependant: str | None = None,
    reason: str | None = None,
    card: str | None = None,
) -> dict[str, Any]:
    patient: dict[str, Any] = {"dependantId": dependant} if dependant else {"self": True}
    values: dict[str, Any] = {"slotId": slot_gid(slot), "patient": patient}
    if reason is not None:
        values["reason"] = reason
    if card is not None:
        values["insuranceCardNumber"] = card
    return {"input": values}


async def book(api: Any, bearer: str, slot: Any, **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = data(await api(BOOK, book_input(slot, **options), token=bearer))[
        "bookAppointment"
    ]
    return result


async def mine(api: Any, bearer: str, **variables: Any) -> list[dict[str, Any]]:
    connection = data(await api(MY_APPOINTMENTS, variables, token=bearer))["viewer"]["appointments"]
    return [edge["node"] for edge in connection["edges"]]


def cancel_input(appointment: dict[str, Any], reason: str | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {"appointmentId": appointment["id"]}
    if reason is not None:
        values["reason"] = reason
    return {"input": values}
