"""Per-request context: the request's read connection, units of work for mutations, the viewer,
locale and loaders.

`Info` is what every resolver receives: with it, mypy checks `info.context` like any other code.
"""

from __future__ import annotations

import asyncio
import re
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import strawberry
from celery import Celery
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import HTTPConnection
from strawberry.fastapi import BaseContext

from backend.db.reads import ReadConnections, RequestReads
from backend.db.types import utcnow
from backend.db.unit_of_work import UnitOfWork
from backend.errors import PhoneNotVerified, RateLimited, Unauthenticated
from backend.files.storage import FileStore
from backend.graphql_api.loaders import LoaderSet
from backend.graphql_api.public_answers import AnswerStore
from backend.http_headers import current_request_id
from backend.i18n import Locale, negotiate_locale
from backend.identity import service as identity
from backend.identity.audit import RequestOrigin
from backend.identity.models import SecondFactor, User
from backend.identity.service import AuthConfig
from backend.identity.verification import VerificationPolicy
from backend.live import LiveBus
from backend.settings import Settings
from backend.sms import SmsGateway

L = TypeVar("L", bound=LoaderSet)


@dataclass(frozen=True, slots=True)
class AppServices:
    """What every request shares: built once by create_app()."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # Requests' read connections, kept open between requests (see `backend.db.reads`).
    read_connections: ReadConnections
    auth: AuthConfig
    celery: Celery
    answers: AnswerStore
    verification: VerificationPolicy
    sms: SmsGateway
    files: FileStore
    # Signs the API's own download links (see `backend.files.service.download_url`).
    file_link_key: bytes
    live: LiveBus

    async def close_database(self) -> None:
        """Give the kept read connections back, then close the pool's."""
        await self.read_connections.close()
        await self.engine.dispose()


class Context(BaseContext):
    def __init__(
        self,
        services: AppServices,
        *,
        locale: Locale,
        client_address: str | None,
        access_token: str | None,
        installation_id: str | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.sessions = services.sessions
        self.locale = locale
        self.client_address = client_address
        self.installation_id = installation_id
        self.access_token = access_token
        self.reads = RequestReads(services.read_connections)
        self._loader_sets: dict[type[LoaderSet], LoaderSet] = {}
        self._viewer: asyncio.Task[User | None] | None = None
        self._password_checked = False
        # What a WebSocket's `connection_init` carried (set by Strawberry's protocol handler).
        self.connection_params: dict[str, object] = {}
        self.token_expires_at: datetime | None = None

    @classmethod
    def for_request(cls, services: AppServices, request: HTTPConnection) -> Context:
        """The context of an HTTP request or WebSocket: language, address, token, installation."""
        headers = request.headers
        scheme, _, token = headers.get("authorization", "").partition(" ")
        token = token.strip()
        return cls(
            services,
            locale=negotiate_locale(headers.get("accept-language")),
            client_address=request.client.host if request.client else None,
            access_token=token if scheme.lower() == "bearer" and token else None,
            installation_id=_installation_id(headers.get(INSTALLATION_HEADER)),
        )

    def for_operation(self) -> Context:
        """A context of its own for one operation of a WebSocket: same person and language,
        its own loaders and read connection, so operations of one socket never share either."""
        found = Context(
            self.services,
            locale=self.locale,
            client_address=self.client_address,
            access_token=self.access_token,
            installation_id=self.installation_id,
        )
        found._viewer = self._viewer
        found.connection_params = self.connection_params
        found.request = self.request
        return found

    async def renew(self) -> None:
        """Between two events of a subscription: give the read connection back (an idle
        subscription holds none) and drop loaders, whose cached rows would go stale."""
        await self.reads.close()
        self._loader_sets.clear()

    @property
    def auth(self) -> AuthConfig:
        return self.services.auth

    def now(self) -> datetime:
        return utcnow()

    def origin(self) -> RequestOrigin:
        """Where this request came from, for throttling and audit rows."""
        return RequestOrigin(self.client_address, self.installation_id, current_request_id())

    def loader_set(self, kind: type[L]) -> L:
        """A domain's loaders for this request, built on first use (most requests need few)."""
        found = self._loader_sets.get(kind)
        if found is None:
            found = self._loader_sets[kind] = kind(self.reads, self.now)
        assert isinstance(found, kind)
        return found

    def spend_password_check(self) -> None:
        """Argon2 costs tens of milliseconds on purpose: one request may run it once. Aliased
        `login` or `register` fields beyond the first are refused before any hashing."""
        if self._password_checked:
            raise RateLimited("auth.one_password_per_request", retry_after_seconds=0)
        self._password_checked = True

    def read(self) -> AbstractAsyncContextManager[AsyncSession]:
        """The request's read session, for one statement or batch (see `RequestReads`)."""
        return self.reads.session()

    def unit_of_work(self) -> UnitOfWork:
        """A mutation's transaction; once it commits, what this request read before is stale,
        and so are cached public answers."""
        return UnitOfWork(
            self.sessions,
            self.services.celery,
            opening=self.reads.release,
            committed=self._committed,
        )

    async def _committed(self) -> None:
        self.reads.forget()
        await self.services.answers.invalidate()

    async def close(self) -> None:
        """The end of the request: give the read connection back, and drop the loaders. They
        hold the request's clock (`self.now`), so context and loaders form a cycle that only
        the garbage collector would free, with every row and future they cached: a collection
        per facility search, a tenth of its CPU."""
        self._loader_sets.clear()
        await self.reads.close()

    async def viewer(self) -> User | None:
        """The signed-in user, or None when no token was sent. A bad token is an error, so the
        app knows to refresh rather than silently seeing anonymous results."""
        if self.access_token is None:
            return None
        if self._viewer is None:
            self._viewer = asyncio.ensure_future(self._load_viewer(self.access_token))
        return await asyncio.shield(self._viewer)

    async def require_viewer(self) -> User:
        user = await self.viewer()
        if user is None:
            raise Unauthenticated("auth.required")
        return user

    async def second_factor(self) -> SecondFactor | None:
        """What proved this session beyond a password, once its token was accepted."""
        if await self.viewer() is None or self.access_token is None:
            return None
        return self.auth.keyring.verify(self.access_token).second_factor

    async def require_verified_viewer(self) -> User:
        """The signed-in user, who must have proved their phone number (booking, dependants)."""
        user = await self.require_viewer()
        if user.phone_verified_at is None:
            raise PhoneNotVerified("auth.phone_not_verified")
        return user

    async def _load_viewer(self, token: str) -> User:
        claims = self.auth.keyring.verify(token)
        async with self.read() as session:
            return await identity.authenticated_user(session, claims, self.now())


Info = strawberry.Info[Context, None]

INSTALLATION_HEADER = "x-installation-id"
_PLAUSIBLE_INSTALLATION = re.compile(r"^[A-Za-z0-9_:.-]{8,128}$")


def _installation_id(sent: str | None) -> str | None:
    """The app's installation id (Firebase's), when it looks like one: it keys throttling."""
    return sent if sent and _PLAUSIBLE_INSTALLATION.match(sent) else None
