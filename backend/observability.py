"""Prometheus metrics of one process; scrape every API process."""

from __future__ import annotations

import time

from fastapi import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.live import LiveBus


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "citizen_http_requests_total",
            "HTTP requests by route and status.",
            ["route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "citizen_http_request_seconds",
            "HTTP request latency by route.",
            ["route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        # Each route's and status's series, found once: `labels()` takes a lock and checks its
        # values on every call, two thirds of counting a request.
        self._series: dict[tuple[str, int], tuple[Histogram, Counter]] = {}

    def record(self, route: str, status: int, seconds: float) -> None:
        series = self._series.get((route, status))
        if series is None:
            series = (self.latency.labels(route), self.requests.labels(route, str(status)))
            self._series[(route, status)] = series
        series[0].observe(seconds)
        series[1].inc()

    def watch_live(self, bus: LiveBus) -> None:
        """How many subscriptions this process holds open, read when scraped: API processes are
        sized by open sockets as much as by requests."""
        Gauge(
            "citizen_live_subscriptions",
            "Subscriptions listening for live events in this process.",
            registry=self.registry,
        ).set_function(bus.listener_count)

    def render(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Count and time requests by templated route (bounded label values)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = scope.get("route")
            # The GraphQL router's own path is "" under its prefix.
            label = (getattr(route, "path", "") or scope["path"]) if route else "unmatched"
            self.metrics.record(label, status, time.perf_counter() - started)
