"""`citizen card …`: verify a presentation as a verifier would (offline from a trust folder, or
against the database), cache the issuer's public documents into a trust folder, rotate the key,
import an agency's staff list (all lines or none, with progress).

A trust folder holds `jwt-vc-issuer.json` (the issuer metadata with its JWKS), one
`status/<list>.jwt` per card kind (the file's modification time is when it was fetched) and
`seen.txt` (presentations already accepted while their time-based nonce is current)."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from backend.cards import keys, presentations, status, verify
from backend.cards.issuing import VCT_PATHS, Issuer
from backend.cards.models import CardKind
from backend.db.engine import create_engine, create_session_factory
from backend.db.types import utcnow
from backend.i18n import Locale, translate
from backend.settings import Settings

METADATA = "jwt-vc-issuer.json"
SEEN = "seen.txt"


def load_trust(folder: Path) -> verify.Trust:
    metadata = json.loads((folder / METADATA).read_text())
    trust = verify.Trust(str(metadata["issuer"]), {})
    trust.keys = {str(k["kid"]): k for k in metadata["jwks"]["keys"]}
    for path in sorted((folder / "status").glob("*.jwt")):
        uri = f"{trust.issuer}/cards/status/{path.stem}"
        trust.add_list(uri, path.read_text().strip(), int(path.stat().st_mtime))
    return trust


def verify_offline(
    text: str, folder: Path, *, audience: str, now: int | None = None
) -> dict[str, Any]:
    """Offline rules: cached keys and lists (a list past its `ttl` gives `status_unavailable`),
    a time-based nonce, each presentation once."""
    now = int(time.time()) if now is None else now
    trust = load_trust(folder)
    seen_file = folder / SEEN
    seen = _recent(seen_file, now)
    marker: list[str] = []

    def nonce_ok(nonce: str, binding: dict[str, Any]) -> str | None:
        reason = verify.offline_nonce_reason(nonce, now)
        if reason is None:
            key = f"{binding['sd_hash']}:{nonce}"
            if key in seen:
                return "replayed"
            marker.append(key)
        return reason

    outcome = verify.check(text, trust, audience=audience, nonce_ok=nonce_ok, now=now)
    if outcome.valid:
        seen.update({m: now for m in marker})
        seen_file.write_text("".join(f"{t} {k}\n" for k, t in seen.items()))
    return _report(outcome)


def _recent(path: Path, now: int) -> dict[str, int]:
    if not path.exists():
        return {}
    found: dict[str, int] = {}
    for line in path.read_text().splitlines():
        at, _, key = line.partition(" ")
        if at.isdigit() and now - int(at) <= 2 * verify.OFFLINE_STEP:
            found[key] = int(at)
    return found


def _report(outcome: verify.Outcome) -> dict[str, Any]:
    return {
        "valid": outcome.valid,
        "reason": outcome.reason,
        "vct": outcome.vct,
        "claims": outcome.disclosed,
    }


async def cache_trust(settings: Settings, folder: Path) -> None:
    """What a verifier app downloads while online."""
    issuer = Issuer.from_settings(settings)
    engine = create_engine(settings)
    try:
        async with create_session_factory(engine)() as session:
            now = utcnow()
            metadata = {"issuer": issuer.url, "jwks": await keys.jwks(session, now)}
            lists = {
                VCT_PATHS[kind]: await status.status_list_token(session, issuer, kind, now)
                for kind in CardKind
            }
            await session.commit()
    finally:
        await engine.dispose()
    (folder / "status").mkdir(parents=True, exist_ok=True)
    (folder / METADATA).write_text(json.dumps(metadata, indent=2))
    for name, token in lists.items():
        (folder / "status" / f"{name}.jwt").write_text(token)


async def verify_online(settings: Settings, text: str) -> dict[str, Any]:
    """Against the database, as `verifyPresentation` does (nonces consumed)."""
    from backend.db.unit_of_work import UnitOfWork

    engine = create_engine(settings)
    try:
        async with UnitOfWork(create_session_factory(engine)) as uow:
            outcome = await presentations.check_presentation(
                uow, Issuer.from_settings(settings), presentation=text, now=utcnow()
            )
    finally:
        await engine.dispose()
    return _report(outcome)


async def rotate_key(settings: Settings, algorithm: str) -> str:
    from backend.db.unit_of_work import UnitOfWork

    engine = create_engine(settings)
    try:
        async with UnitOfWork(create_session_factory(engine)) as uow:
            return await keys.rotate(uow.session, settings.card_key_secret, algorithm, utcnow())
    finally:
        await engine.dispose()


def import_staff(settings: Settings, agency_slug: str, path: Path) -> int:
    """Check every line with a progress count, report each bad one, replace the list only if
    none is bad."""
    from backend.cards import staff
    from backend.db.unit_of_work import UnitOfWork
    from backend.errors import DomainError

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {path}: {exc}", file=sys.stderr)
        return 1

    def progress(done: int, total: int) -> None:
        end = "" if done < total else "\n"
        print(f"\r{done}/{total} lines checked", end=end, file=sys.stderr, flush=True)

    async def run() -> tuple[int, list[staff.Problem]]:
        engine = create_engine(settings)
        try:
            async with UnitOfWork(create_session_factory(engine)) as uow:
                return await staff.import_staff_file(
                    uow, agency_slug=agency_slug, csv_text=text, now=utcnow(), progress=progress
                )
        finally:
            await engine.dispose()

    try:
        count, problems = asyncio.run(run())
    except DomainError as exc:
        print(f"{path}: {translate(exc.message_key, Locale.EN, **exc.params)}", file=sys.stderr)
        return 1
    for problem in problems:
        message = translate(problem.reason, Locale.EN, line=problem.line)
        print(f"{path}:{problem.line}: {message}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} bad line(s): nothing imported", file=sys.stderr)
        return 1
    print(f"{agency_slug}: staff list replaced, {count} people")
    return 0


def run(args: Any) -> int:
    settings = Settings()
    if args.card_command == "import-staff":
        return import_staff(settings, args.agency, args.file)
    issuer = Issuer.from_settings(settings)
    if args.card_command == "cache":
        asyncio.run(cache_trust(settings, args.trust))
        print(f"issuer keys and status lists written to {args.trust}")
        return 0
    if args.card_command == "rotate-key":
        print(asyncio.run(rotate_key(settings, args.algorithm)))
        return 0
    text = args.text if args.text != "-" else input()
    if args.trust is not None:
        audience = args.audience or presentations.verifier_audience(issuer)
        report = verify_offline(text, args.trust, audience=audience)
    else:
        report = asyncio.run(verify_online(settings, text))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if report["valid"] else 1
