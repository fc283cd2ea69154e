"""Test databases: migrated (and seeded) once per session into templates, copied for each test.

A SQLite template is a file; a PostgreSQL template is a database that `CREATE DATABASE …
TEMPLATE` copies, which needs no connection open to it. Seeded templates are kept per Argon2
cost, so the demo's password hashes always match the hasher of the test that logs in with them.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import uuid
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import suppress
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from backend.db import migrate
from backend.db.engine import create_engine, create_session_factory
from backend.identity import passwords
from backend.seed.demo import seed_demo
from backend.settings import Settings
from tests.support.services import POSTGRES_ADMIN_URL, unavailable

# --- PostgreSQL ---------------------------------------------------------------------------------

ADMIN_TIMEOUT = 60.0


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(sql: str, *, connect_within: float = ADMIN_TIMEOUT) -> None:
    # Generous: while copies are created and dropped, PostgreSQL can be busy with checkpoints
    # for seconds, and a refused connection fails the test that needed a database.
    connection = await asyncpg.connect(asyncpg_dsn(POSTGRES_ADMIN_URL), timeout=connect_within)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def postgres_reachable() -> bool | str:
    """True, or why the server cannot be reached."""
    try:
        asyncio.run(_admin("SELECT 1", connect_within=5))
    except Exception as exc:
        return str(exc)
    return True


def create_postgres_database(template: str | None = None) -> str:
    """A new database, empty or a copy of the `template` database; returns its SQLAlchemy URL."""
    name = f"citizen_test_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    asyncio.run(_admin(f'CREATE DATABASE "{name}"{copy}'))
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- building templates ---------------------------------------------------------------------------


async def _seed(url: str) -> None:
    """Load the demo data, then close every connection: a template must have none open."""
    engine = create_engine(Settings(DATABASE_URL=url))
    try:
        await seed_demo(create_session_factory(engine))
    finally:
        await engine.dispose()


def _sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _fold_wal(path: Path) -> None:
    """Move the write-ahead log into the database file, so that copying the file copies all."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


# Copies of a PostgreSQL template made ahead of the tests that will use them.
COPIES_AHEAD = 2


class Templates:
    """The templates of one test session (of one xdist worker), built when first needed, and the
    per-test copies of the PostgreSQL ones.

    `CREATE DATABASE … TEMPLATE` and `DROP DATABASE` cost PostgreSQL a tenth of a second or more
    on a busy machine, mostly I/O. They run on threads of their own: the next copies of a
    template are made while the tests before them run, and a used copy is dropped while the next
    test runs.
    """

    def __init__(self, folder: Path, postgres: bool | str) -> None:
        self._folder = folder
        self._postgres = postgres
        self._sqlite: dict[passwords.Cost | None, Path] = {}
        self._databases: dict[passwords.Cost | None, str] = {}
        self._created: list[str] = []
        self._creator = ThreadPoolExecutor(max_workers=1, thread_name_prefix="postgres-create")
        self._dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="postgres-drop")
        self._next_copies: dict[str, deque[Future[str]]] = {}
        self._drops: list[Future[None]] = []

    def sqlite(self, *, seeded: bool) -> Path:
        """A migrated database file; with `seeded`, holding the demo data too. Copy it."""
        key = passwords.current_cost() if seeded else None
        if key not in self._sqlite:
            source = self.sqlite(seeded=False) if seeded else None
            path = self._folder / f"citizen-{len(self._sqlite)}.db"
            if source is not None:
                shutil.copy(source, path)
                asyncio.run(_seed(_sqlite_url(path)))
            else:
                migrate.upgrade(Settings(DATABASE_URL=_sqlite_url(path)))
            _fold_wal(path)
            self._sqlite[key] = path
        return self._sqlite[key]

    def postgres(self, *, seeded: bool) -> str:
        """The name of a migrated database; with `seeded`, holding the demo data too. Use it
        only as a template: a copy needs it free of connections."""
        if self._postgres is not True:
            unavailable("PostgreSQL", self._postgres)
        key = passwords.current_cost() if seeded else None
        if key not in self._databases:
            source = self.postgres(seeded=False) if seeded else None
            url = create_postgres_database(template=source)
            self._created.append(url)
            if seeded:
                asyncio.run(_seed(url))
            else:
                migrate.upgrade(Settings(DATABASE_URL=url))
            self._databases[key] = url
        database = make_url(self._databases[key]).database
        assert database is not None
        return database

    def postgres_copy(self, *, seeded: bool) -> str:
        """The URL of a new copy of `postgres(seeded=…)`, for one test; `release` it after."""
        template = self.postgres(seeded=seeded)
        copies = self._next_copies.setdefault(template, deque())
        while len(copies) <= COPIES_AHEAD:
            copies.append(self._creator.submit(create_postgres_database, template))
        return copies.popleft().result()

    def wait_idle(self) -> None:
        """Wait for the copies and drops running on the background threads: a test that
        watches the garbage collector must not see what their connections leave."""
        pending = [copy for copies in self._next_copies.values() for copy in copies]
        wait([*pending, *self._drops])

    def release(self, url: str) -> None:
        """Drop a copy once its test is done, without waiting for it."""
        self._drops.append(self._dropper.submit(drop_postgres_database, url))

    def drop(self) -> None:
        """Drop the PostgreSQL copies and templates (SQLite's go with the session's temporary
        folder)."""
        for copies in self._next_copies.values():
            for ready in copies:
                with suppress(Exception):  # a copy that failed has nothing to drop
                    self.release(ready.result())
        self._next_copies.clear()
        self._creator.shutdown(wait=True)
        self._dropper.shutdown(wait=True)
        failed = [drop.exception() for drop in self._drops if drop.exception() is not None]
        self._drops.clear()
        for url in reversed(self._created):
            drop_postgres_database(url)
        self._created.clear()
        self._databases.clear()
        if failed:
            raise RuntimeError(f"test databases left behind: {failed}")
