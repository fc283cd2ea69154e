"""CSV exports of the planners' tables: `GET /traffic/statistics/{volume|speed|incidents}.csv`
with `from`, `to` (ISO 8601 with an offset) and optionally `roadId` or `wardId` (global ids),
authorised by a planner's access token (`Authorization: Bearer …`)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from strawberry import relay

from backend.db.types import utcnow
from backend.errors import BadUserInput, DomainError, Unauthenticated
from backend.identity import service as identity
from backend.traffic import statistics
from backend.traffic.repository.statistics import Scope

TABLES = ("volume", "speed", "incidents")


def _moment(value: str | None, field: str) -> datetime:
    try:
        return datetime.fromisoformat(value or "")
    except ValueError as exc:
        raise BadUserInput("traffic.period_invalid", field=field) from exc


def _scope(request: Request) -> Scope:
    road, ward = request.query_params.get("roadId"), request.query_params.get("wardId")
    if road and ward:
        raise BadUserInput("traffic.scope_twice", field="wardId")
    return Scope(
        road_id=_id(road, "Road", "roadId") if road else None,
        ward_id=_id(ward, "Ward", "wardId") if ward else None,
    )


def _id(value: str, type_name: str, field: str) -> uuid.UUID:
    """A global id of `type_name` (as the API hands them out), its row id."""
    try:
        found = relay.GlobalID.from_id(value)
        if found.type_name != type_name:
            raise ValueError("a global id of another type")
        return uuid.UUID(found.node_id)
    except ValueError as exc:
        raise BadUserInput("input.id_invalid", field=field) from exc


async def table_csv(request: Request, table: str) -> str:
    services = request.app.state.services
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        raise Unauthenticated("auth.required")
    claims = services.auth.keyring.verify(token.strip())
    now = utcnow()
    period = statistics.checked_period(
        _moment(request.query_params.get("from"), "from"),
        _moment(request.query_params.get("to"), "to"),
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    async with services.sessions() as session:
        user = await identity.authenticated_user(session, claims, now)
        stats = await statistics.statistics(session, user.id, _scope(request), period)
        if table == "volume":
            writer.writerow(["hour_utc", "vehicle_class", "vehicles"])
            for hour, kind, vehicles in await statistics.volume(session, stats):
                writer.writerow([hour.isoformat(), kind.value, vehicles])
        elif table == "speed":
            row = await statistics.speed(session, stats)
            writer.writerow(["samples", "mean_kmh", "p85_kmh"])
            writer.writerow([row.samples, _number(row.mean_kmh), _number(row.p85_kmh)])
        else:
            found = await statistics.incidents(session, stats, now)
            writer.writerow(
                ["incidents", "road_length_m", "per_km", "total_minutes", "mean_minutes"]
            )
            writer.writerow(
                [
                    found.count,
                    stats.road_length_m,
                    _number(statistics.per_km(found.count, stats.road_length_m)),
                    round(found.total_seconds / 60, 1),
                    _number(None if found.mean_seconds is None else found.mean_seconds / 60),
                ]
            )
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def router() -> APIRouter:
    routes = APIRouter()

    @routes.get("/traffic/statistics/{table}.csv")
    async def export(request: Request, table: str) -> Response:
        if table not in TABLES:
            return JSONResponse({"error": {"code": "NOT_FOUND"}}, status_code=404)
        try:
            body = await table_csv(request, table)
        except DomainError as refusal:
            status = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404}.get(
                refusal.code.value, 400
            )
            return JSONResponse(
                {"error": {"code": refusal.code.value, "field": refusal.field}}, status_code=status
            )
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="traffic-{table}.csv"'},
        )

    return routes
