"""The `citizen` command: serve, worker, migrate, seed demo, import businesses, schema export,
contract manifest, up (all of it)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import signal
import subprocess
import sys
from contextlib import suppress
from pathlib import Path
from types import FrameType

from backend.environment import commands as environment_commands
from backend.http_headers import RequestIdLogFilter
from backend.settings import Environment, Settings

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "graphql" / "schema.graphql"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="citizen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API")
    _serve_options(serve)

    worker = commands.add_parser("worker", help="run a Celery worker")
    worker.add_argument("--beat", action="store_true", help="also run the periodic scheduler")
    worker.add_argument("--concurrency", type=int, default=None)

    migrate = commands.add_parser("migrate", help="upgrade the database (or go to a revision)")
    migrate.add_argument("revision", nargs="?", default="head")
    migrate.add_argument("--down", action="store_true", help="downgrade to the revision")

    seed = commands.add_parser("seed", help="load data")
    seed.add_argument("dataset", choices=["demo"])

    schema = commands.add_parser("schema", help="schema tools")
    schema_commands = schema.add_subparsers(dest="schema_command", required=True)
    export = schema_commands.add_parser("export", help="print the SDL to graphql/schema.graphql")
    export.add_argument("--output", type=Path, default=SCHEMA_FILE)
    export.add_argument("--check", action="store_true", help="fail if the file is stale")

    contract = commands.add_parser("contract", help="the mobile contract")
    contract_commands = contract.add_subparsers(dest="contract_command", required=True)
    manifest = contract_commands.add_parser(
        "manifest", help="write mobile_contract/persisted-queries.json from the operations"
    )
    manifest.add_argument("--check", action="store_true", help="fail if the file is stale")

    load = commands.add_parser("import", help="import content from a file")
    load_commands = load.add_subparsers(dest="import_command", required=True)
    attractions = load_commands.add_parser(
        "attractions", help="attractions from GeoJSON or CSV, matched to stored ones by slug"
    )
    attractions.add_argument("file", type=Path)
    attractions.add_argument(
        "--skip-invalid", action="store_true", help="write the good rows even if some are bad"
    )
    businesses = load_commands.add_parser("businesses", help="a registry extract")
    businesses.add_argument("file", type=Path, help="CSV, UTF-8 (see backend/business/importer.py)")
    businesses.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write the valid rows and report the others (default: write nothing if any fails)",
    )

    oneroster = load_commands.add_parser(
        "oneroster", help="a school's roster as OneRoster 1.2 CSV files (all rows or none)"
    )
    oneroster.add_argument("folder", type=Path, help="the folder holding orgs.csv, users.csv, …")
    oneroster.add_argument("--school", required=True, help="the id of the school it describes")

    violations = load_commands.add_parser(
        "violations", help="camera-detected violations from the police system (CSV)"
    )
    violations.add_argument("file", type=Path, help="CSV, UTF-8 (see backend/traffic/importer.py)")
    traffic = commands.add_parser("traffic", help="traffic tools")
    traffic_commands = traffic.add_subparsers(dest="traffic_command", required=True)
    feed_key = traffic_commands.add_parser(
        "feed-key", help="create an API key for the police violation feed (printed once)"
    )
    feed_key.add_argument("name", help="who the key is for, e.g. csgt-hue")
    card = commands.add_parser(
        "card", help="digital cards: verify, cache trust, rotate key, import a staff list"
    )
    card_commands = card.add_subparsers(dest="card_command", required=True)
    check = card_commands.add_parser("verify", help="verify a presentation (a QR's text)")
    check.add_argument("text", help="the presentation, or - to read it from stdin")
    check.add_argument("--trust", type=Path, help="verify offline from this trust folder")
    check.add_argument("--audience", help="this verifier's identifier (default: the issuer's)")
    cache = card_commands.add_parser("cache", help="download issuer keys and status lists")
    cache.add_argument("--trust", type=Path, required=True)
    rotate = card_commands.add_parser("rotate-key", help="start signing with a new issuer key")
    rotate.add_argument("--algorithm", choices=("EdDSA", "ES256"), default="EdDSA")
    staff = card_commands.add_parser(
        "import-staff", help="replace an agency's staff list from CSV (all lines or none)"
    )
    staff.add_argument("agency", help="the agency's slug, e.g. ubnd-hue")
    staff.add_argument(
        "file",
        type=Path,
        help="CSV, UTF-8: " + "phone,full_name,employing_unit,position,card_number",
    )
    environment_commands.add_commands(commands, load_commands)

    up = commands.add_parser("up", help="migrate, seed the demo, serve the API and a worker")
    _serve_options(up)

    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(RequestIdLogFilter())
    handled = environment_commands.run(args)
    if handled is not None:
        return handled
    match args.command:
        case "serve":
            return _serve(args.host, args.port, args.workers)
        case "worker":
            return _worker(args.beat, args.concurrency)
        case "migrate":
            return _migrate(args.revision, down=args.down)
        case "seed":
            return _seed_demo()
        case "import" if args.import_command == "violations":
            from backend.traffic.cli import import_violations

            return import_violations(args.file)
        case "traffic":
            from backend.traffic.cli import create_feed_key

            return create_feed_key(args.name)
        case "import" if args.import_command == "oneroster":
            from backend.schools.oneroster.cli import import_oneroster

            return import_oneroster(args.folder, args.school)
        case "import" if args.import_command == "businesses":
            return _import_businesses(args.file, skip_invalid=args.skip_invalid)
        case "schema":
            return _export_schema(args.output, check=args.check)
        case "contract":
            return _write_manifest(check=args.check)
        case "import":
            return _import_attractions(args.file, skip_invalid=args.skip_invalid)
        case "card":
            from backend.cards.cli import run

            return run(args)
        case "up":
            return _up(args.host, args.port)
    return 2


def _serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=1, help="API processes")


def _serve(host: str, port: int, workers: int = 1) -> int:
    import uvicorn

    Settings()  # refuse to start on unsafe settings before binding the port
    uvicorn.run(
        "backend.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,  # the app trusts only FORWARDED_ALLOW_IPS (backend/app.py)
        # WebSockets: frames past 1 MiB are never buffered (the app's own limit is lower), and
        # a peer that stops answering pings for 20 s is dropped (docs/live.md).
        ws_max_size=1024 * 1024,
        ws_ping_interval=20,
        ws_ping_timeout=20,
        log_level="info",
    )
    return 0


def _worker(beat: bool, concurrency: int | None) -> int:
    from backend.worker.main import app, settings
    from backend.worker.sidecar import Sidecar

    argv = ["worker", "--loglevel=INFO"]
    if beat:
        argv.append("--beat")
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    # Stations' MQTT messages are stored by a subscriber beside the worker when a broker is set.
    mqtt = Sidecar("mqtt", [sys.executable, "-m", "backend.cli", "mqtt"])
    if settings.mqtt_url:
        mqtt.start()
    try:
        app.worker_main(argv)
    finally:
        mqtt.stop()
    return 0


def _migrate(revision: str, *, down: bool) -> int:
    from backend.db import migrate

    settings = Settings()
    if down:
        migrate.downgrade(settings, revision)
    else:
        migrate.upgrade(settings, revision)
    return 0


def _seed_demo() -> int:
    from backend.db.engine import create_engine, create_session_factory
    from backend.seed.demo import seed_demo

    settings = Settings()
    if settings.is_production:
        print("refusing to load demo accounts into a production database", file=sys.stderr)
        return 1

    async def run() -> None:
        engine = create_engine(settings)
        try:
            report = await seed_demo(create_session_factory(engine))
        finally:
            await engine.dispose()
        added = ", ".join(f"{count} {kind}" for kind, count in report.items())
        print(f"demo data added: {added}")

    asyncio.run(run())
    return 0


def _import_attractions(path: Path, *, skip_invalid: bool) -> int:
    """Check every row with a progress bar, report bad rows by line, commit all or nothing."""
    from rich.console import Console
    from rich.progress import Progress

    from backend.db.engine import create_engine, create_session_factory
    from backend.db.types import utcnow
    from backend.db.unit_of_work import UnitOfWork
    from backend.tourism import importing

    console = Console(stderr=True)
    try:
        records = importing.read_records(path)
    except (OSError, importing.ImportFileError) as exc:
        print(f"cannot import {path}: {exc}", file=sys.stderr)
        return 1
    settings = Settings()

    async def run(progress: Progress) -> importing.Report:
        task = progress.add_task("attractions", total=2 * len(records))
        engine = create_engine(settings)
        try:
            async with UnitOfWork(create_session_factory(engine)) as uow:
                return await importing.import_attractions(
                    uow.session,
                    records,
                    skip_invalid=skip_invalid,
                    now=utcnow(),
                    progress=lambda done: progress.advance(task, done),
                )
        finally:
            await engine.dispose()

    with Progress(console=console, transient=True) as progress:
        report = asyncio.run(run(progress))
    for problem in report.problems:
        print(f"{path}:{problem.line}: {problem.reason}", file=sys.stderr)
    if report.problems and not skip_invalid:
        print(
            f"{len(report.problems)} bad row(s) of {len(records)}: nothing imported "
            "(fix them, or pass --skip-invalid)",
            file=sys.stderr,
        )
        return 1
    print(
        f"attractions: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.problems)} skipped"
    )
    return 0


def _import_businesses(path: Path, *, skip_invalid: bool) -> int:
    from backend.business.importer import ImportFileError, import_extract
    from backend.db.engine import create_engine, create_session_factory
    from backend.db.types import utcnow

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {path}: {exc}", file=sys.stderr)
        return 1

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} rows saved", end="" if done < total else "\n", flush=True)

    async def run() -> int:
        engine = create_engine(Settings())
        try:
            outcome = await import_extract(
                create_session_factory(engine),
                text,
                skip_invalid=skip_invalid,
                now=utcnow(),
                progress=progress,
            )
        except ImportFileError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            return 1
        finally:
            await engine.dispose()
        for error in outcome.errors:
            print(error, file=sys.stderr)
        if outcome.report is None:
            print(
                f"{len(outcome.errors)} of {outcome.rows} rows refused: nothing imported "
                "(--skip-invalid imports the others)",
                file=sys.stderr,
            )
            return 1
        report = outcome.report
        print(
            f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
            f"{len(outcome.errors)} refused"
        )
        return 0

    return asyncio.run(run())


def _export_schema(output: Path, *, check: bool) -> int:
    from backend.graphql_api.schema import build_schema

    sdl = build_schema(Settings(env=Environment.DEVELOPMENT)).as_str() + "\n"
    if check:
        if not output.exists() or output.read_text(encoding="utf-8") != sdl:
            print(f"{output} is stale: run `citizen schema export`", file=sys.stderr)
            return 1
        return 0
    output.write_text(sdl, encoding="utf-8")
    return 0


def _write_manifest(*, check: bool) -> int:
    """Run Apollo's own generator (mobile_contract/package.json), so the ids are the sha256 of
    the documents exactly as Apollo Client prints and sends them."""
    import tempfile

    from backend.graphql_api.persisted import MANIFEST

    contract = MANIFEST.parent
    npm, npx = shutil.which("npm"), shutil.which("npx")
    if npm is None or npx is None:
        print("Node.js (npm, npx) is needed to build the manifest", file=sys.stderr)
        return 1
    if not (contract / "node_modules").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=contract, check=True)  # noqa: S603 (fixed argv)
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / MANIFEST.name if check else MANIFEST
        subprocess.run(  # noqa: S603 (fixed argv)
            [npx, "--no-install", "generate-persisted-query-manifest"],
            cwd=contract,
            env={**os.environ, "MANIFEST_OUTPUT": str(output)},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        if check and output.read_bytes() != MANIFEST.read_bytes():
            print(f"{MANIFEST} is stale: run `citizen contract manifest`", file=sys.stderr)
            return 1
    return 0


class _Terminated(Exception):
    """SIGTERM, turned into an exception so that `finally` blocks run."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def _up(host: str, port: int) -> int:
    """Everything a developer needs; Ctrl-C or SIGTERM stops it all.

    uvicorn handles both signals while it serves, then restores the handlers found at start and
    re-raises the signal: SIGINT becomes KeyboardInterrupt, and SIGTERM, whose default action
    would end this process before the worker is stopped, becomes `_Terminated`.
    """
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGTERM, _raise_terminated)
    worker: subprocess.Popen[bytes] | None = None
    try:
        _migrate("head", down=False)
        _seed_demo()
        # Its own process group: Ctrl-C in a terminal reaches only this process, which then
        # stops the worker once the API is down, and the worker's pool and beat can be ended
        # as one group.
        worker = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "worker", "--beat"], process_group=0
        )
        return _serve(host, port)
    except (_Terminated, KeyboardInterrupt):
        return 0
    finally:
        if worker is not None:
            _stop_worker(worker)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _stop_worker(worker: subprocess.Popen[bytes], grace_seconds: float = 10) -> None:
    """A warm shutdown (the worker ends its own pool and beat), then SIGKILL to whatever is left
    of its group. Another Ctrl-C or SIGTERM meanwhile cuts the wait short."""

    def kill_now(signum: int, frame: FrameType | None) -> None:
        _kill_group(worker.pid)

    signal.signal(signal.SIGINT, kill_now)
    signal.signal(signal.SIGTERM, kill_now)
    worker.terminate()
    with suppress(subprocess.TimeoutExpired):
        worker.wait(timeout=grace_seconds)
    _kill_group(worker.pid)
    worker.wait()


def _kill_group(group: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())
