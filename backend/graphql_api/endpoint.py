"""POST /graphql without the framework in between.

FastAPI's routing and dependency solving and Strawberry's view around the schema cost more CPU
than executing a small query (bench/README.md has the profile). The app's requests are POSTs with
a JSON body: this middleware answers them with the GraphQL router's own steps (reading the body,
executing, coding errors, writing the answer), and lets everything else on /graphql (GET, the IDE,
WebSockets, other methods) go on to the router.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from backend.graphql_api.context import Context
from backend.graphql_api.http import CitizenGraphQLRouter

PATH = "/graphql"


class GraphQLPosts:
    def __init__(
        self,
        app: ASGIApp,
        *,
        router: CitizenGraphQLRouter,
        context: Callable[[Request], Context],
    ) -> None:
        self.app = app
        self.router = router
        self.context = context
        # What the metrics label requests with, as if the router had matched them.
        self.route = next(r for r in router.routes if "POST" in getattr(r, "methods", ()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        scope["route"] = self.route
        request = Request(scope, receive)
        response = await self.router.answer_post(request, self.context(request))
        await response(scope, receive, send)
