"""create_app(): the ASGI application serving /graphql, /healthz, /readyz and /metrics."""

from __future__ import annotations

import asyncio
import gc
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.orm import configure_mappers
from starlette.requests import HTTPConnection
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from backend.alerts import open_data as alerts_open_data
from backend.cards.http import cards_router
from backend.db.engine import create_engine, create_session_factory
from backend.db.reads import ReadConnections
from backend.domains import domain_routers
from backend.environment.http_ingest import ingest_router
from backend.environment.sta import sta_router
from backend.files import service as files
from backend.files.http import UPLOAD_BODY_LIMIT, UPLOAD_PATH, file_routes
from backend.files.storage import file_store_for
from backend.graphql_api.context import AppServices, Context
from backend.graphql_api.endpoint import GraphQLPosts
from backend.graphql_api.http import CitizenGraphQLRouter, LiveSocketLimits
from backend.graphql_api.public_answers import answer_store
from backend.graphql_api.schema import build_schema
from backend.http_headers import ResponseHeaders
from backend.http_limits import BodySizeLimit
from backend.i18n import messages
from backend.identity.service import AuthConfig
from backend.identity.verification import VerificationPolicy
from backend.live import bus_for, install
from backend.observability import Metrics, MetricsMiddleware
from backend.settings import Settings
from backend.sms import gateway_from_settings
from backend.worker.celery_app import broker_reachable, create_celery

MAX_BODY_BYTES = 256 * 1024


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    messages()  # read every catalogue now: a missing file or a key defined twice stops start-up
    engine = create_engine(settings)
    services = AppServices(
        settings=settings,
        engine=engine,
        sessions=create_session_factory(engine),
        read_connections=ReadConnections(engine, keep=settings.database_pool_size),
        auth=AuthConfig.from_settings(settings),
        celery=create_celery(settings),
        answers=answer_store(settings),
        verification=VerificationPolicy.from_settings(settings),
        sms=gateway_from_settings(settings),
        files=file_store_for(settings),
        file_link_key=files.link_key(settings.refresh_secret),
        live=bus_for(settings.live_events_url, settings.live_relay_folder),
    )
    install(services.live)  # where this process's committed events go
    metrics = Metrics()
    metrics.watch_live(services.live)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        settle_heap()
        yield
        await services.sms.close()
        await services.live.close()
        await services.close_database()

    # No OpenAPI document or docs pages: the API is GraphQL, described by its own schema.
    # Metrics are Prometheus' (/metrics); FastAPI's own OpenTelemetry hooks looked for a
    # configured provider on every request (environment reads included), so they are off.
    app = FastAPI(
        title="citizen-hub",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.services = services
    app.state.engine = engine

    async def context(request: HTTPConnection) -> AsyncIterator[Context]:
        found = Context.for_request(services, request)
        try:
            yield found
        finally:
            await found.close()

    graphql = CitizenGraphQLRouter(
        build_schema(settings, services.answers),
        context_getter=context,
        graphql_ide="graphiql" if settings.ide_enabled else None,
        hide_suggestions=settings.is_production,
        live=LiveSocketLimits(
            max_subscriptions=settings.graphql_ws_max_subscriptions,
            init_timeout_seconds=settings.graphql_ws_init_timeout_seconds,
            max_message_bytes=settings.graphql_ws_max_message_bytes,
        ),
    )
    app.include_router(graphql, prefix="/graphql")
    app.include_router(
        file_routes(services.sessions, services.auth, services.files, services.file_link_key)
    )
    for router in domain_routers():
        app.include_router(router)
    app.include_router(cards_router())
    app.include_router(ingest_router(services))
    app.include_router(sta_router(services))  # SensorThings read-only subset
    app.include_router(alerts_open_data.router)  # CAP documents and their Atom feed

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        checks = {
            "database": await _database_ready(services),
            "broker": await asyncio.to_thread(broker_reachable, services.celery),
        }
        ready = all(checks.values())
        body = {
            "status": "ok" if ready else "unavailable",
            **{k: _word(v) for k, v in checks.items()},
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get("/metrics")
    async def prometheus(request: Request) -> Response:
        if not _may_scrape(settings, request.headers.get("authorization", "")):
            return Response(status_code=404)
        return metrics.render()

    # Innermost: the app's POSTs skip FastAPI's routing and dependency solving (see `endpoint`).
    app.add_middleware(
        GraphQLPosts, router=graphql, context=lambda request: Context.for_request(services, request)
    )
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(
        BodySizeLimit, max_bytes=MAX_BODY_BYTES, larger={UPLOAD_PATH: UPLOAD_BODY_LIMIT}
    )
    if settings.cors_allowed_origins:
        # Bearer tokens, not cookies: no credentials mode, so no origin ever gets them.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_allowed_origins,
            allow_methods=["GET", "POST"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "Accept-Language",
                "X-Request-ID",
                "X-Installation-ID",
            ],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(ResponseHeaders)
    if settings.forwarded_allow_ips:
        # Outermost: the client address (and scheme) from X-Forwarded-* of trusted proxies only;
        # a header from any other peer is ignored.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    return app


async def _database_ready(services: AppServices) -> bool:
    try:
        async with services.sessions() as session:
            await asyncio.wait_for(session.execute(text("SELECT 1")), timeout=2)
    except Exception:
        return False
    return True


def _may_scrape(settings: Settings, authorization: str) -> bool:
    """`/metrics` is open in development; elsewhere it takes METRICS_TOKEN, and is off without."""
    if settings.metrics_token is None:
        return not settings.is_production
    expected = f"Bearer {settings.metrics_token}"
    return hmac.compare_digest(authorization.encode(), expected.encode())


def _word(ok: bool) -> str:
    return "ok" if ok else "unavailable"


YOUNG_COLLECTION_THRESHOLD = 10_000


def settle_heap() -> None:
    """Move what start-up built (the schema, the mappers, every module) out of the collector's
    sight. A full collection walked all of it, 300,000+ objects: 170–200 ms during which no
    request was answered, every few requests of a large answer (the planners' statistics: p50
    116 ms, p95 322 ms before; bench/README.md). Collections then scan only what requests made.

    And collect the young generation after YOUNG_COLLECTION_THRESHOLD new objects, not 700: a
    facility search holds more than 700 at once, so each one paid a collection (0.18 ms, a
    fourteenth of its CPU) that found nothing to free. Requests leave no cycles behind
    (tests/graphql_api/test_read_path.py), so what requests make is freed as they end.
    """
    configure_mappers()
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)
