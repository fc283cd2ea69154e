"""Vehicles: a registration shows nothing until traffic police verified it; a plate has one
verified owner at a time (the database holds it); verifying a new owner ends the old link;
nobody sees violations of a vehicle they don't own — by id, node or plate."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.db.types import utcnow
from backend.seed.demo import stable_id
from backend.traffic.models import AccessLog, PlateColour, Vehicle, VehicleStatus, VehicleType
from tests.support.graphql import only_error
from tests.support.sessions import token
from tests.traffic.conftest import (
    PARENT,
    RESIDENT,
    STAFF,
    count,
    gid,
    inbox,
    ok,
    send,
)

MOTORBIKE = "75-B1 234.56"


def _registration(plate: str = "75b123456", **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "plate": plate,
            "plateColour": "WHITE",
            "vehicleType": "MOTORBIKE",
            "certificateNumber": "075987654",
            **extra,
        }
    }


async def test_the_owner_sees_the_verified_motorbike_and_its_violations(seeded: Any) -> None:
    resident = await token(seeded, RESIDENT)
    vehicles = (await ok(seeded, "MyVehicles", token=resident))["viewer"]["vehicles"]["edges"]
    assert len(vehicles) == 1
    bike = vehicles[0]["node"]
    assert (bike["plate"], bike["plateColour"], bike["vehicleType"], bike["status"]) == (
        MOTORBIKE,
        "WHITE",
        "MOTORBIKE",
        "VERIFIED",
    )
    found = bike["violations"]
    assert found["summary"] == {"total": 2, "unpaid": 1, "__typename": "ViolationSummary"}
    latest, older = (edge["node"] for edge in found["edges"])
    assert (latest["status"], latest["fineMinVnd"], latest["fineMaxVnd"]) == (
        "UNHANDLED",
        4_000_000,
        6_000_000,
    )
    assert latest["offence"].startswith("Không chấp hành hiệu lệnh")
    assert (older["status"], older["fineMinVnd"]) == ("HANDLED", 400_000)
    assert latest["occurredAt"] > older["occurredAt"]
    again = (await ok(seeded, "TrafficViolation", {"id": latest["id"]}, token=resident))["node"]
    assert again["offence"] == latest["offence"]


async def test_nobody_else_sees_the_vehicle_or_its_violations(seeded: Any) -> None:
    parent = await token(seeded, PARENT)
    resident = await token(seeded, RESIDENT)
    bike_id = gid("Vehicle", stable_id("vehicle", MOTORBIKE))
    violation_id = gid("TrafficViolation", stable_id("violation", "red-light"))
    for viewer in (parent, None):
        by_vehicle = await ok(seeded, "VehicleViolations", {"vehicleId": bike_id}, token=viewer)
        assert by_vehicle["node"] is None
        by_violation = await ok(seeded, "TrafficViolation", {"id": violation_id}, token=viewer)
        assert by_violation["node"] is None
    # Claiming the same plate gives a pending registration that shows nothing.
    pending = (await ok(seeded, "RegisterVehicle", _registration(), token=parent))[
        "registerVehicle"
    ]
    assert (pending["plate"], pending["status"]) == (MOTORBIKE, "PENDING")
    mine = (await ok(seeded, "MyVehicles", token=parent))["viewer"]["vehicles"]["edges"]
    assert [edge["node"]["status"] for edge in mine] == ["PENDING"]
    assert mine[0]["node"]["violations"]["edges"] == []
    assert mine[0]["node"]["violations"]["summary"]["total"] == 0
    own = await ok(seeded, "VehicleViolations", {"vehicleId": pending["id"]}, token=parent)
    assert own["node"]["violations"]["edges"] == []
    assert (await ok(seeded, "TrafficViolation", {"id": violation_id}, token=parent))[
        "node"
    ] is None
    # No plate search for citizens.
    lookup = {"plate": MOTORBIKE, "plateColour": "WHITE", "vehicleType": "MOTORBIKE"}
    for viewer in (parent, resident):
        refused = await send(seeded, "TrafficPlateLookup", lookup, token=viewer)
        assert only_error(refused)["extensions"]["code"] == "FORBIDDEN"
    queue = await send(seeded, "TrafficVehicleRegistrations", token=parent)
    assert only_error(queue)["extensions"]["code"] == "FORBIDDEN"
    assert await count(seeded, AccessLog) == 0
    registration = gid("VehicleRegistration", uuid.UUID(str(stable_id("vehicle", MOTORBIKE))))
    assert (await seeded(f'{{ node(id: "{registration}") {{ id }} }}', token=parent))["data"] == {
        "node": None
    }


async def test_police_verify_a_transfer_which_ends_the_old_link(seeded: Any) -> None:
    parent = await token(seeded, PARENT)
    resident = await token(seeded, RESIDENT)
    police = await token(seeded, STAFF)
    (await ok(seeded, "RegisterVehicle", _registration(), token=parent))["registerVehicle"]
    twice = await send(seeded, "RegisterVehicle", _registration("75-B1 234.56"), token=parent)
    assert only_error(twice)["extensions"] == {"code": "CONFLICT", "field": "input.plate"}
    queue = (await ok(seeded, "TrafficVehicleRegistrations", token=police))[
        "trafficVehicleRegistrations"
    ]["edges"]
    shown = queue[0]["node"]
    assert (shown["plate"], shown["certificateNumber"], shown["status"]) == (
        MOTORBIKE,
        "075987654",
        "PENDING",
    )
    registration = shown["id"]
    no_reason = await send(
        seeded,
        "DecideVehicleRegistration",
        {"input": {"registrationId": registration, "approve": False}},
        token=police,
    )
    assert only_error(no_reason)["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.reason",
    }
    not_police = await send(
        seeded,
        "DecideVehicleRegistration",
        {"input": {"registrationId": registration, "approve": True}},
        token=parent,
    )
    assert only_error(not_police)["extensions"]["code"] == "FORBIDDEN"
    decided = (
        await ok(
            seeded,
            "DecideVehicleRegistration",
            {"input": {"registrationId": registration, "approve": True}},
            token=police,
        )
    )["decideVehicleRegistration"]
    assert decided["status"] == "VERIFIED"
    again = await send(
        seeded,
        "DecideVehicleRegistration",
        {"input": {"registrationId": registration, "approve": True}},
        token=police,
    )
    assert only_error(again)["extensions"] == {
        "code": "CONFLICT",
        "field": "input.registrationId",
    }

    # The new owner sees the plate's violations; the old one no longer sees the vehicle.
    theirs = (await ok(seeded, "MyVehicles", token=parent))["viewer"]["vehicles"]["edges"]
    assert theirs[0]["node"]["violations"]["summary"]["total"] == 2
    assert (await ok(seeded, "MyVehicles", token=resident))["viewer"]["vehicles"]["edges"] == []
    violation_id = gid("TrafficViolation", stable_id("violation", "red-light"))
    assert (await ok(seeded, "TrafficViolation", {"id": violation_id}, token=resident))[
        "node"
    ] is None
    assert [(p.type, p.data["status"]) for p in await inbox(seeded, PARENT)] == [
        ("traffic_vehicle.updated", "VERIFIED")
    ]
    assert [(p.type, p.data["status"]) for p in await inbox(seeded, RESIDENT)] == [
        ("traffic_vehicle.updated", "ENDED")
    ]
    async with seeded.sessions() as session:
        links = (
            await session.scalars(
                select(Vehicle.status)
                .where(Vehicle.plate == MOTORBIKE)
                .order_by(Vehicle.created_at)
            )
        ).all()
        logged = (await session.scalars(select(AccessLog.purpose))).all()
    assert list(links) == [VehicleStatus.ENDED, VehicleStatus.VERIFIED]
    assert list(logged) == ["verification"]

    lookup = (
        await ok(
            seeded,
            "TrafficPlateLookup",
            {"plate": "75b1 23456", "plateColour": "WHITE", "vehicleType": "MOTORBIKE"},
            token=police,
        )
    )["trafficPlateLookup"]
    assert lookup["plate"] == MOTORBIKE
    assert [r["status"] for r in lookup["registrations"]] == ["ENDED", "VERIFIED"]
    assert len(lookup["violations"]) == 2
    async with seeded.sessions() as session:
        rows = (
            await session.execute(select(AccessLog.actor_id, AccessLog.plate, AccessLog.purpose))
        ).all()
    assert sorted(rows, key=lambda row: row[2]) == [
        (stable_id("user", STAFF), MOTORBIKE, "lookup"),
        (stable_id("user", STAFF), MOTORBIKE, "verification"),
    ]


async def test_bad_registrations_are_refused_and_change_nothing(seeded: Any) -> None:
    parent = await token(seeded, PARENT)
    before = await count(seeded, Vehicle)
    cases = {
        "input.plate": _registration("75B1-234.567"),
        "input.certificateNumber": _registration(certificateNumber="   "),
    }
    for field, variables in cases.items():
        refused = await send(seeded, "RegisterVehicle", variables, token=parent)
        assert only_error(refused)["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    car = (
        await ok(
            seeded,
            "RegisterVehicle",
            _registration("75a 12345", vehicleType="CAR"),
            token=parent,
        )
    )["registerVehicle"]
    assert car["plate"] == "75A-123.45"
    assert await count(seeded, Vehicle) == before + 1


async def test_the_database_holds_one_verified_owner_per_plate(seeded: Any) -> None:
    now = utcnow()
    async with seeded.sessions() as session:
        session.add(
            Vehicle(
                id=uuid.uuid4(),
                owner_id=stable_id("user", PARENT),
                plate=MOTORBIKE,
                plate_colour=PlateColour.WHITE,
                vehicle_type=VehicleType.MOTORBIKE,
                certificate_number="X",
                status=VehicleStatus.VERIFIED,
                created_at=now,
            )
        )
        with pytest.raises(IntegrityError):
            await session.commit()
