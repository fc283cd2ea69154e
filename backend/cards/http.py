"""The issuer's public documents over plain HTTP, where verifiers look for them: the SD-JWT VC
issuer metadata with its JWKS, and one signed status list per card kind."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from backend.cards import keys, status
from backend.cards.issuing import Issuer, kind_of_path
from backend.db.types import utcnow


def cards_router() -> APIRouter:
    router = APIRouter()

    @router.get("/.well-known/jwt-vc-issuer")
    async def issuer_metadata(request: Request) -> JSONResponse:
        services = request.app.state.services
        issuer = Issuer.from_settings(services.settings)
        async with services.sessions() as session:
            jwks = await keys.jwks(session, utcnow())
            await session.commit()
        return JSONResponse(
            {"issuer": issuer.url, "jwks": jwks},
            headers={"Cache-Control": "public, max-age=300"},
        )

    @router.get("/cards/status/{path}")
    async def status_list(path: str, request: Request) -> Response:
        kind = kind_of_path(path)
        if kind is None:
            return Response(status_code=404)
        services = request.app.state.services
        issuer = Issuer.from_settings(services.settings)
        async with services.sessions() as session:
            token = await status.status_list_token(session, issuer, kind, utcnow())
            await session.commit()  # the first call may have made the issuer's key
        return Response(
            token,
            media_type="application/statuslist+jwt",
            headers={"Cache-Control": f"public, max-age={issuer.status_ttl}"},
        )

    return router
