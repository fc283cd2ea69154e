"""The environment's `citizen` commands: `mqtt`, `import observations`, `sensors key`,
`sensors acl`, `simulate flood`."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from backend.settings import Settings


def add_commands(commands: Any, imports: Any) -> None:
    """Register the parsers (`commands`: the top level; `imports`: under `citizen import`)."""
    commands.add_parser("mqtt", help="store observations published to the MQTT broker (MQTT_URL)")
    observations = imports.add_parser(
        "observations", help="historical observations from CSV: datastream,phenomenon_time,result"
    )
    observations.add_argument("file", type=Path)
    simulate = commands.add_parser("simulate", help="replay a demo episode through MQTT")
    simulate.add_argument("episode", choices=["flood"])
    simulate.add_argument(
        "--step", type=float, default=1.0, help="seconds per simulated hour (default 1)"
    )
    sensors = commands.add_parser("sensors", help="environment stations")
    sensor_commands = sensors.add_subparsers(dest="sensors_command", required=True)
    key = sensor_commands.add_parser(
        "key", help="issue a station's ingest key (older keys expire after --overlap-hours)"
    )
    key.add_argument("station", help="the station's code, e.g. KK-TTH01")
    key.add_argument("--overlap-hours", type=float, default=24.0)
    release = sensor_commands.add_parser(
        "release-order", help="record a reservoir's published release order (issued now)"
    )
    release.add_argument("station", help="the reservoir's code, e.g. HO-BINH-DIEN")
    release.add_argument("--min", type=float, required=True, help="m³/s")
    release.add_argument("--max", type=float, required=True, help="m³/s")
    release.add_argument(
        "--start", required=True, help="ISO 8601 with an offset: 2025-10-16T14:00:00+07:00"
    )
    release.add_argument("--source", required=True, help="who ordered it, or its number")
    acl = sensor_commands.add_parser(
        "acl", help="print a Mosquitto ACL file: each station writes to its own topics only"
    )
    acl.add_argument(
        "--subscriber", default="citizen-hub", help="the broker account of `citizen mqtt`"
    )


def run(args: argparse.Namespace) -> int | None:
    """Run the command if it is one of ours; None otherwise."""
    if args.command == "mqtt":
        return _mqtt()
    if args.command == "import" and args.import_command == "observations":
        return _import(args.file)
    if args.command == "sensors" and args.sensors_command == "release-order":
        return _release_order(args.station, args.min, args.max, args.start, args.source)
    if args.command == "sensors" and args.sensors_command == "acl":
        return _acl(args.subscriber)
    if args.command == "sensors":
        return _issue_key(args.station, timedelta(hours=args.overlap_hours))
    if args.command == "simulate":
        return _simulate(args.step)
    return None


def _simulate(step: float) -> int:
    from backend.environment.simulate import replay_flood

    settings = Settings()
    if not settings.mqtt_url:
        print("MQTT_URL is not set: nothing to publish to", file=sys.stderr)
        return 1
    sent = asyncio.run(replay_flood(settings, step=step))
    print(f"{sent} observations published")
    return 0


def _mqtt() -> int:
    from backend.environment import mqtt

    settings = Settings()
    if not settings.mqtt_url:
        print("MQTT_URL is not set: nothing to subscribe to", file=sys.stderr)
        return 1

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        totals = await mqtt.subscribe(
            settings, stop=stop, ready=lambda: print(f"subscribed to {settings.mqtt_url}")
        )
        report = totals.report
        print(
            f"{report.accepted} stored, {report.duplicates} repeats, "
            f"{len(report.refused)} refused in {totals.batches} batches"
        )

    asyncio.run(main())
    return 0


def _import(path: Path) -> int:
    from backend.db.engine import create_engine, create_session_factory
    from backend.db.types import utcnow
    from backend.environment.history import HistoryFileError, Outcome, import_history
    from backend.worker.celery_app import create_celery

    def progress(outcome: Outcome) -> None:
        print(f"\r{outcome.rows} rows read, {outcome.report.accepted} stored", end="", flush=True)

    async def main() -> int:
        settings = Settings()
        engine = create_engine(settings)
        try:
            with path.open(encoding="utf-8-sig", newline="") as source:
                outcome = await import_history(
                    engine,
                    create_session_factory(engine),
                    source,
                    now=utcnow(),
                    tasks=create_celery(settings),
                    progress=progress,
                )
        except (OSError, UnicodeDecodeError, HistoryFileError) as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            return 1
        finally:
            await engine.dispose()
        print()
        for line, code in outcome.refused_lines[:50]:
            print(f"line {line}: {code}", file=sys.stderr)
        report = outcome.report
        print(
            f"{report.accepted} stored, {report.duplicates} already there, "
            f"{report.flagged} flagged out of range, {len(report.refused)} refused"
        )
        return 0

    return asyncio.run(main())


def _release_order(station: str, low: float, high: float, start: str, source: str) -> int:
    from datetime import datetime

    from backend.db.engine import create_engine, create_session_factory
    from backend.db.types import utcnow
    from backend.db.unit_of_work import UnitOfWork
    from backend.environment import releases
    from backend.errors import DomainError
    from backend.i18n import Locale, translate

    try:
        starts_at = datetime.fromisoformat(start)
    except ValueError:
        print(f"BAD_USER_INPUT startsAt: {start!r} is not an ISO 8601 time", file=sys.stderr)
        return 1
    settings = Settings()

    async def main() -> int:
        engine = create_engine(settings)
        try:
            async with UnitOfWork(create_session_factory(engine)) as uow:
                order = await releases.record(
                    uow.session,
                    station_code=station,
                    flow_min=low,
                    flow_max=high,
                    starts_at=starts_at,
                    source=source,
                    now=utcnow(),
                )
        except DomainError as exc:
            text = translate(exc.message_key, Locale.EN)
            print(f"{exc.code.value} {exc.field}: {text}", file=sys.stderr)
            return 1
        finally:
            await engine.dispose()
        print(f"{station}: {order.flow_min:g}–{order.flow_max:g} m³/s from {start}")
        return 0

    return asyncio.run(main())


def _acl(subscriber: str) -> int:
    from backend.db.engine import create_engine, create_session_factory
    from backend.environment import broker

    settings = Settings()

    async def main() -> str:
        engine = create_engine(settings)
        try:
            async with create_session_factory(engine)() as session:
                stations = await broker.station_topics(session)
        finally:
            await engine.dispose()
        return broker.acl_file(stations, prefix=settings.mqtt_topic_prefix, subscriber=subscriber)

    print(asyncio.run(main()), end="")
    return 0


def _issue_key(station: str, overlap: timedelta) -> int:
    from backend.db.engine import create_engine, create_session_factory
    from backend.db.types import utcnow
    from backend.db.unit_of_work import UnitOfWork
    from backend.environment import keys
    from backend.errors import NotFound

    settings = Settings()

    async def main() -> int:
        engine = create_engine(settings)
        try:
            async with UnitOfWork(create_session_factory(engine)) as uow:
                issued = await keys.issue(
                    uow.session,
                    pepper=settings.station_key_pepper,
                    station_code=station,
                    now=utcnow(),
                    overlap=overlap,
                )
        except NotFound:
            print(f"no station with the code {station}", file=sys.stderr)
            return 1
        finally:
            await engine.dispose()
        print(issued.key)
        if issued.previous_expire_at is not None:
            print(f"older keys expire at {issued.previous_expire_at.isoformat()}", file=sys.stderr)
        return 0

    return asyncio.run(main())
