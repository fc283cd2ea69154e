"""Violations from the police system: an authenticated HTTP batch and a CSV import, both keyed
by the natural key (re-importing changes nothing, a status change updates), and one push per new
violation to the plate's verified owner — with ids and a deep link, never the plate or the
offence."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from backend.db.types import utcnow
from backend.seed.demo import stable_id
from backend.traffic import importer
from backend.traffic.feed import create_key
from backend.traffic.models import Violation, ViolationStatus
from backend.traffic.violations import FIELDS
from tests.support.sessions import token
from tests.traffic.conftest import RESIDENT, count, inbox, ok

MOTORBIKE = "75-B1 234.56"
RED_LIGHT = "Không chấp hành hiệu lệnh của đèn tín hiệu giao thông"


def _record(plate: str = "75b1-23456", **extra: Any) -> dict[str, Any]:
    return {
        "plate": plate,
        "plate_colour": "white",
        "vehicle_type": "motorbike",
        "occurred_at": "2026-11-20T07:45:00+07:00",
        "place": "Ngã tư Hùng Vương – Bà Triệu, Huế",
        "offence": RED_LIGHT,
        "status": "unhandled",
        "detecting_unit": "Phòng CSGT Công an TP Huế",
        "resolution_place": "Đội CSGT số 2, Huế",
        "fine_min_vnd": 4000000,
        "fine_max_vnd": 6000000,
        **extra,
    }


async def _key(api: Any) -> str:
    services = api.app.state.services
    return await create_key(services.sessions, services.settings.feed_secret, "csgt-hue", utcnow())


async def _post(api: Any, key: str | None, body: Any) -> Any:
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    return await api.client.post("/traffic/violations", json=body, headers=headers)


async def test_the_feed_adds_once_updates_a_status_and_pushes_only_ids(seeded: Any) -> None:
    key = await _key(seeded)
    before = await count(seeded, Violation)
    batch = {
        "violations": [
            _record(),
            _record(occurred_at="2026-11-21T18:02:10+07:00", offence="Chạy quá tốc độ 5-10 km/h"),
            _record(
                plate="43A-999.99", vehicle_type="car", fine_min_vnd=18000000, fine_max_vnd=20000000
            ),
        ]
    }
    first = await _post(seeded, key, batch)
    assert first.status_code == 200
    assert first.json() == {"added": 3, "updated": 0, "unchanged": 0}
    pushes = await inbox(seeded, RESIDENT)
    assert [push.type for push in pushes] == ["traffic_violation.detected"] * 2
    vehicle = str(stable_id("vehicle", MOTORBIKE))
    for push in pushes:
        assert set(push.data) == {"vehicleId", "violationId"}
        assert push.data["vehicleId"] == vehicle
        assert (
            push.deep_link
            == f"citizenhub://traffic/vehicles/{vehicle}/violations/{push.data['violationId']}"
        )
        shown = json.dumps(
            [push.title.as_json(), push.body.as_json(), push.data, push.deep_link],
            ensure_ascii=False,
        )
        for secret in ("234.56", "23456", "75-B1", "đèn", "tốc độ"):
            assert secret not in shown

    again = await _post(seeded, key, batch)
    assert again.json() == {"added": 0, "updated": 0, "unchanged": 3}
    assert await count(seeded, Violation) == before + 3
    assert len(await inbox(seeded, RESIDENT)) == 2

    handled = await _post(seeded, key, {"violations": [_record(status="handled")]})
    assert handled.json() == {"added": 0, "updated": 1, "unchanged": 0}
    resident = await token(seeded, RESIDENT)
    bike = (await ok(seeded, "MyVehicles", token=resident))["viewer"]["vehicles"]["edges"][0]
    assert bike["node"]["violations"]["summary"] == {
        "total": 4,
        "unpaid": 2,
        "__typename": "ViolationSummary",
    }
    assert len(await inbox(seeded, RESIDENT)) == 2


async def test_the_feed_refuses_strangers_and_bad_batches_whole(seeded: Any) -> None:
    key = await _key(seeded)
    before = await count(seeded, Violation)
    for sent in (None, "tfk_not-a-key", key + "x"):
        refused = await _post(seeded, sent, {"violations": [_record()]})
        assert refused.status_code == 401
        assert refused.json() == {"error": {"code": "UNAUTHENTICATED"}}
    bad = await _post(
        seeded,
        key,
        {
            "violations": [
                _record(),
                _record(plate="75-B1 23", occurred_at="2026-11-22T08:00:00+07:00"),
            ]
        },
    )
    assert bad.status_code == 400
    assert bad.json()["error"] == {
        "code": "BAD_USER_INPUT",
        "index": 1,
        "field": "plate",
        "reason": "traffic.plate_invalid",
    }
    naive = await _post(seeded, key, {"violations": [_record(occurred_at="2026-11-20T07:45:00")]})
    assert naive.json()["error"]["field"] == "occurred_at"
    inverted = await _post(seeded, key, {"violations": [_record(fine_min_vnd=7000000)]})
    assert inverted.json()["error"]["reason"] == "traffic.fine_range"
    empty = await _post(seeded, key, {"violations": []})
    assert empty.status_code == 400
    assert await count(seeded, Violation) == before
    assert await inbox(seeded, RESIDENT) == []


def _csv(*records: dict[str, Any]) -> str:
    lines = [",".join(FIELDS)]
    for record in records:
        lines.append(",".join(f'"{record[name]}"' for name in FIELDS))
    return "\n".join(lines) + "\n"


async def test_a_csv_import_is_idempotent_and_reports_bad_lines(seeded: Any) -> None:
    services = seeded.app.state.services
    text = _csv(_record(), _record(plate="43A-999.99", vehicle_type="car"))
    seen: list[tuple[int, int]] = []
    first = await importer.import_file(
        services.sessions,
        text,
        tasks=services.celery,
        now=utcnow(),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert first.report is not None
    assert (first.report.added, first.report.updated, first.report.unchanged) == (2, 0, 0)
    assert seen == [(2, 2)]
    second = await importer.import_file(
        services.sessions, text, tasks=services.celery, now=utcnow()
    )
    assert second.report is not None
    assert (second.report.added, second.report.updated, second.report.unchanged) == (0, 0, 2)
    assert len(await inbox(seeded, RESIDENT)) == 1

    before = await count(seeded, Violation)
    broken = await importer.import_file(
        services.sessions,
        _csv(_record(status="handled"), _record(status="paid")),
        tasks=services.celery,
        now=utcnow(),
    )
    assert broken.report is None
    assert [(error.line, error.column, error.code) for error in broken.errors] == [
        (3, "status", "traffic.import_value")
    ]
    assert await count(seeded, Violation) == before
    async with seeded.sessions() as session:
        statuses = (
            await session.scalars(
                select(Violation.status).where(
                    Violation.plate == MOTORBIKE, Violation.place.startswith("Ngã tư Hùng Vương")
                )
            )
        ).all()
    assert list(statuses) == [ViolationStatus.UNHANDLED]
