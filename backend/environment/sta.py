"""A read-only subset of the OGC SensorThings API 1.1 under `/sta/v1.1`: Things, Datastreams,
Observations, one entity by id, `Things(<id>)/Datastreams` and
`Datastreams(<id>)/Observations`, with `$top`, `$skip`, `$count` (not on Observations: counting
history is what makes large servers time out), `$orderby=phenomenonTime asc|desc` and `$filter`
on phenomenonTime (`gt ge lt le eq`, joined by `and`), paged by `@iot.nextLink`.

Things' ids are UUIDs (`Things('…')`), Datastreams' integers (`Datastreams(7)`). An
Observation's id joins its datastream and time; observations are not fetched by id."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from backend.environment.ingest import parse_time
from backend.environment.repository import sta
from backend.environment.repository.rows import ThingRow
from backend.graphql_api.context import AppServices

ROOT = "/sta/v1.1"
DEFAULT_TOP = 100
MAX_TOP = 1000
MAX_SKIP = 100_000
FILTER_TERM = re.compile(r"\s*phenomenonTime\s+(gt|ge|lt|le|eq)\s+(\S+)\s*", re.IGNORECASE)


class QueryError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Options:
    top: int
    skip: int
    count: bool
    descending: bool
    time_filters: list[tuple[str, datetime]]


def _integer(value: str | None, default: int, limit: int, name: str) -> int:
    if value is None:
        return default
    if not value.isdigit() or int(value) > limit:
        raise QueryError(f"{name} must be a whole number up to {limit}")
    return int(value)


def options(request: Request, *, observations: bool) -> Options:
    params = request.query_params
    unknown = {k for k in params if k.startswith("$")} - {
        "$top", "$skip", "$count", "$orderby", "$filter",
    }  # fmt: skip
    if unknown:
        raise QueryError(f"unsupported query options: {', '.join(sorted(unknown))}")
    top = _integer(params.get("$top"), DEFAULT_TOP, MAX_TOP, "$top")
    skip = _integer(params.get("$skip"), 0, MAX_SKIP, "$skip")
    count = params.get("$count", "false").lower() == "true"
    if count and observations:
        raise QueryError("$count is not offered on Observations")
    descending = True
    order = params.get("$orderby")
    if order is not None:
        if not observations:
            raise QueryError("$orderby is offered on Observations only")
        words = order.split()
        if not words or words[0] != "phenomenonTime" or len(words) > 2:
            raise QueryError("$orderby takes phenomenonTime asc|desc")
        descending = len(words) == 1 or words[1].lower() == "desc"
        if len(words) == 2 and words[1].lower() not in ("asc", "desc"):
            raise QueryError("$orderby takes phenomenonTime asc|desc")
    filters: list[tuple[str, datetime]] = []
    expression = params.get("$filter")
    if expression is not None:
        if not observations:
            raise QueryError("$filter is offered on Observations only")
        for term in re.split(r"\s+and\s+", expression.strip(), flags=re.IGNORECASE)[:4]:
            found = FILTER_TERM.fullmatch(term)
            moment = parse_time(found.group(2)) if found else None
            if found is None or moment is None:
                raise QueryError("$filter takes phenomenonTime gt|ge|lt|le|eq <ISO 8601 instant>")
            filters.append((found.group(1).lower(), moment))
    return Options(top, skip, count, descending, filters)


def _page(request: Request, rows: list[Any], opts: Options, body: dict[str, Any]) -> JSONResponse:
    """The `value` of a collection, with `@iot.nextLink` when more follow."""
    if len(rows) > opts.top:
        params = dict(request.query_params)
        params["$skip"] = str(opts.skip + opts.top)
        params["$top"] = str(opts.top)
        # `$` kept as is: SensorThings' links read `?$top=…&$skip=…`.
        body["@iot.nextLink"] = str(request.url.replace(query=urlencode(params, safe="$")))
    return JSONResponse(body)


def _base(request: Request) -> str:
    return f"{str(request.base_url).rstrip('/')}{ROOT}"


def _thing(row: ThingRow, base: str) -> dict[str, Any]:
    link = f"{base}/Things('{row.id}')"
    return {
        "@iot.id": str(row.id),
        "@iot.selfLink": link,
        "name": row.name.vi,
        "description": row.description.vi,
        "properties": {
            "code": row.code,
            "kind": row.kind.value,
            "name_en": row.name.en,
            "location": {"type": "Point", "coordinates": [row.longitude, row.latitude]},
            **{
                key: value
                for key, value in (
                    ("alarm_1", row.alarm_1),
                    ("alarm_2", row.alarm_2),
                    ("alarm_3", row.alarm_3),
                    ("normal_level", row.normal_level),
                )
                if value is not None
            },
        },
        "Datastreams@iot.navigationLink": f"{link}/Datastreams",
    }


def _datastream(row: sta.DatastreamRow, base: str) -> dict[str, Any]:
    link = f"{base}/Datastreams({row.id})"
    return {
        "@iot.id": row.id,
        "@iot.selfLink": link,
        "name": f"{row.property_code}",
        "description": row.property_name.vi,
        "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
        "unitOfMeasurement": {
            "name": row.unit_name,
            "symbol": row.unit_symbol,
            "definition": "",
        },
        "ObservedProperty": {
            "name": row.property_name.en,
            "definition": row.property_definition,
            "description": row.property_name.vi,
        },
        "Thing@iot.navigationLink": f"{base}/Things('{row.thing_id}')",
        "Observations@iot.navigationLink": f"{link}/Observations",
    }


def _observation(row: tuple[int, datetime, float, str, datetime], base: str) -> dict[str, Any]:
    stream, moment, result, quality, received = row
    return {
        "@iot.id": f"{stream}-{moment.strftime('%Y%m%dT%H%M%S%fZ')}",
        "phenomenonTime": moment.isoformat().replace("+00:00", "Z"),
        "resultTime": received.isoformat().replace("+00:00", "Z"),
        "result": result,
        "resultQuality": quality,
        "Datastream@iot.navigationLink": f"{base}/Datastreams({stream})",
    }


def _error(message: str, status: int = 400) -> JSONResponse:
    code = "BAD_REQUEST" if status == 400 else "NOT_FOUND"
    return JSONResponse({"code": code, "message": message}, status_code=status)


def _thing_id(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw.strip("'"))
    except ValueError:
        return None


def _stream_id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and int(raw) < 2**31 else None


def sta_router(services: AppServices) -> APIRouter:
    router = APIRouter()

    @router.get(ROOT)
    async def root(request: Request) -> JSONResponse:
        base = _base(request)
        names = ("Things", "Datastreams", "Observations")
        return JSONResponse({"value": [{"name": n, "url": f"{base}/{n}"} for n in names]})

    @router.get(f"{ROOT}/Things")
    async def list_things(request: Request) -> JSONResponse:
        try:
            opts = options(request, observations=False)
        except QueryError as exc:
            return _error(str(exc))
        async with services.sessions() as session:
            rows = await sta.things(session, ids=None, skip=opts.skip, top=opts.top + 1)
            total = await sta.count_things(session) if opts.count else None
        body: dict[str, Any] = {"value": [_thing(r, _base(request)) for r in rows[: opts.top]]}
        if total is not None:
            body = {"@iot.count": total, **body}
        return _page(request, rows, opts, body)

    @router.get(ROOT + "/Things({key})")
    async def one_thing(request: Request, key: str) -> JSONResponse:
        thing_id = _thing_id(key)
        if thing_id is None:
            return _error("no such Thing", 404)
        async with services.sessions() as session:
            rows = await sta.things(session, ids=[thing_id], skip=0, top=1)
        return (
            JSONResponse(_thing(rows[0], _base(request))) if rows else _error("no such Thing", 404)
        )

    async def streams(
        request: Request, thing_id: uuid.UUID | None, ids: list[int] | None
    ) -> JSONResponse:
        try:
            opts = options(request, observations=False)
        except QueryError as exc:
            return _error(str(exc))
        async with services.sessions() as session:
            rows = await sta.datastreams(
                session, ids=ids, thing_id=thing_id, skip=opts.skip, top=opts.top + 1
            )
            total = await sta.count_datastreams(session, thing_id) if opts.count else None
        body: dict[str, Any] = {"value": [_datastream(r, _base(request)) for r in rows[: opts.top]]}
        if total is not None:
            body = {"@iot.count": total, **body}
        return _page(request, rows, opts, body)

    @router.get(f"{ROOT}/Datastreams")
    async def list_datastreams(request: Request) -> JSONResponse:
        return await streams(request, None, None)

    @router.get(ROOT + "/Things({key})/Datastreams")
    async def datastreams_of_thing(request: Request, key: str) -> JSONResponse:
        thing_id = _thing_id(key)
        if thing_id is None:
            return _error("no such Thing", 404)
        return await streams(request, thing_id, None)

    @router.get(ROOT + "/Datastreams({key})")
    async def one_datastream(request: Request, key: str) -> JSONResponse:
        stream_id = _stream_id(key)
        if stream_id is None:
            return _error("no such Datastream", 404)
        async with services.sessions() as session:
            rows = await sta.datastreams(session, ids=[stream_id], thing_id=None, skip=0, top=1)
        if not rows:
            return _error("no such Datastream", 404)
        return JSONResponse(_datastream(rows[0], _base(request)))

    async def observations(request: Request, stream_id: int | None) -> JSONResponse:
        try:
            opts = options(request, observations=True)
        except QueryError as exc:
            return _error(str(exc))
        async with services.sessions() as session:
            rows = await sta.observations(
                session,
                datastream_id=stream_id,
                time_filters=opts.time_filters,
                descending=opts.descending,
                skip=opts.skip,
                top=opts.top + 1,
            )
        base = _base(request)
        body = {"value": [_observation(r, base) for r in rows[: opts.top]]}
        return _page(request, rows, opts, body)

    @router.get(f"{ROOT}/Observations")
    async def list_observations(request: Request) -> JSONResponse:
        return await observations(request, None)

    @router.get(ROOT + "/Datastreams({key})/Observations")
    async def observations_of_datastream(request: Request, key: str) -> JSONResponse:
        stream_id = _stream_id(key)
        if stream_id is None:
            return _error("no such Datastream", 404)
        return await observations(request, stream_id)

    return router
