"""The /graphql endpoint: every answer, a refusal before GraphQL runs included, is coded JSON.

Strawberry answers a malformed request in plain text, or fails on it with a 500 (a body that is
`42`, not UTF-8, nested 10,000 deep). The app reads `errors[0].extensions.code` on every answer,
so this router reads the request itself and turns each refusal into a GraphQL error body with an
HTTP status that says what happened (400, 405, 413, 415; 503 when a backing service is out).
Every string in the variables is checked once here, where the body is read: a lone UTF-16
surrogate (JSON "\\ud800") cannot be stored by any database and is the user's input, not a bug.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn, overload

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.exceptions import MissingQueryError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.ides import GraphQL_IDE
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from backend.errors import ErrorCode
from backend.graphql_api.context import Context
from backend.graphql_api.errors import (
    OUTAGE_RETRY_AFTER_SECONDS,
    format_error,
    has_code,
    is_outage,
)
from backend.graphql_api.media_types import (
    GRAPHQL_RESPONSE,
    JSON,
    not_executed,
    prefers_html,
    response_media_type,
)
from backend.graphql_api.public_answers import stored_data
from backend.graphql_api.websocket import accept_connection, live_socket_handler
from backend.http_headers import ide_content_security_policy
from backend.i18n import Locale, field_label, negotiate_locale, translate

# The schema's inputs nest a few levels; nothing legitimate comes near this.
MAX_INPUT_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")
_NO_STORE = {"Cache-Control": "private, no-store"}
_POST_OPERATIONS = OperationType.from_http("POST")


class Refusal(HTTPException):
    """A request refused before (or instead of) execution: an HTTP status and a coded error."""

    def __init__(
        self,
        status: int,
        code: ErrorCode,
        message_key: str,
        *,
        headers: Mapping[str, str] | None = None,
        field: str | None = None,
        **params: Any,
    ) -> None:
        super().__init__(status, message_key)
        self.code = code
        self.message_key = message_key
        self.headers = dict(headers or {})
        self.field = field
        self.params = params

    def response(self, locale: Locale, media_type: str = JSON) -> Response:
        params = dict(self.params)
        extensions: dict[str, Any] = {"code": self.code.value}
        if self.field:
            extensions["field"] = self.field
            params["field"] = field_label(self.field, locale)
        error = {"message": translate(self.message_key, locale, **params), "extensions": extensions}
        # A refused variable reads like graphql-core's own variable errors (200, data null, or
        # 400 without data under the spec's media type); a malformed request never reached
        # GraphQL, so it has no data entry at all.
        body: dict[str, Any] = {"errors": [error]}
        status = self.status_code
        if status == 200 and media_type == GRAPHQL_RESPONSE:
            status = 400
        elif status == 200:
            body = {"data": None, **body}
        return Response(
            json.dumps(body, separators=(",", ":")),  # ASCII-escaped: echoed input may be odd
            status_code=status,
            media_type=media_type,
            headers={**_NO_STORE, **self.headers},
        )


def refusal_response(request: Request | WebSocket, refusal: Refusal) -> Response:
    return refusal.response(
        negotiate_locale(request.headers.get("accept-language")),
        response_media_type(request.headers.get("accept")),
    )


@dataclass(frozen=True, slots=True)
class LiveSocketLimits:
    """Limits of a /graphql WebSocket (settings GRAPHQL_WS_*)."""

    max_subscriptions: int = 20
    init_timeout_seconds: float = 10.0
    max_message_bytes: int = 64 * 1024


class CitizenGraphQLRouter(GraphQLRouter[Context, None]):
    """Strawberry's FastAPI router, reading requests strictly and answering every refusal coded."""

    def __init__(
        self,
        schema: BaseSchema,
        *,
        context_getter: Callable[..., Any],  # a FastAPI dependency; it may yield
        graphql_ide: GraphQL_IDE | None,
        hide_suggestions: bool,
        live: LiveSocketLimits | None = None,
    ) -> None:
        live = live or LiveSocketLimits()
        super().__init__(
            schema,
            context_getter=context_getter,
            graphql_ide=graphql_ide,
            multipart_uploads_enabled=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=live.init_timeout_seconds),
            max_subscriptions_per_connection=live.max_subscriptions,
        )
        self.graphql_transport_ws_handler_class = live_socket_handler(live.max_message_bytes)
        self.hide_suggestions = hide_suggestions
        self._ide_policy = ide_content_security_policy(self.graphql_ide_html or "")
        self.add_api_route(
            "",
            _method_not_allowed,
            methods=["PUT", "PATCH", "DELETE"],
            include_in_schema=False,
        )

    @overload
    async def run(
        self, request: Request, context: Context = UNSET, root_value: None = UNSET
    ) -> Response: ...

    @overload
    async def run(
        self, request: WebSocket, context: Context = UNSET, root_value: None = UNSET
    ) -> WebSocket: ...

    async def run(
        self, request: Request | WebSocket, context: Context = UNSET, root_value: None = UNSET
    ) -> Response | WebSocket:
        try:
            return await super().run(request, context, root_value)
        except HTTPException as error:
            if self.is_websocket_request(request):
                raise
            refusal = error if isinstance(error, Refusal) else _refusal_for(error)
            return refusal_response(request, refusal)

    async def get_sub_response(self, request: Request) -> Response:
        response = await super().get_sub_response(request)
        response.headers.update(_NO_STORE)  # until a public GET's answer says otherwise
        response.headers["content-type"] = response_media_type(request.headers.get("accept"))
        return response

    async def on_ws_connect(self, context: Context) -> UnsetType:
        """`connection_init` of a socket: the token in its payload (see `websocket`)."""
        await accept_connection(context)
        acknowledged: UnsetType = UNSET  # an ack without a payload
        return acknowledged

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """Only for a browser asking for a page: a GET that carries no operation (APQ sends its
        hash in `extensions`) from a client that prefers text/html (Apollo accepts `*/*`)."""
        params = request.query_params
        return (
            request.method == "GET"
            and params.get("query") is None
            and params.get("extensions") is None
            and prefers_html(request.headers.get("accept"))
        )

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(
            self.graphql_ide_html, headers={"Content-Security-Policy": self._ide_policy}
        )

    def parse_json(self, data: str | bytes) -> Any:
        # By orjson, several times faster; what it refuses (NaN, integers past 64 bits, bad
        # UTF-8, depth past 1,024) goes the standard library's way, which answers as before.
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
        except UnicodeDecodeError as error:
            raise Refusal(400, ErrorCode.BAD_REQUEST, "http.encoding") from error
        try:
            return json.loads(text)
        except RecursionError as error:
            raise _too_deep() from error
        except ValueError as error:  # not JSON, or a number too long to convert
            raise Refusal(400, ErrorCode.BAD_REQUEST, "http.body_invalid") from error

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        """One operation per request, as a JSON object (POST) or as query parameters (GET)."""
        if request.method == "GET":
            return self.request_data(self.parse_query_params(request.query_params))
        return self.request_data(
            self.parse_json_body(request.content_type, await request.get_body())
        )

    def parse_json_body(self, content_type: str | None, body: bytes) -> object:
        # The media type without its parameters (`; charset=utf-8`), as `email.message` would
        # parse it, at a fraction of its cost.
        media_type = (content_type or "").partition(";")[0].strip().lower()
        if media_type != "application/json":
            raise Refusal(415, ErrorCode.BAD_REQUEST, "http.content_type")
        return self.parse_json(body)

    def request_data(self, data: object) -> GraphQLRequestData:
        """The operation a request body (or GET's query parameters) asks for, checked."""
        if isinstance(data, list):
            raise Refusal(400, ErrorCode.BAD_REQUEST, "http.batching")
        if not isinstance(data, dict):
            raise Refusal(400, ErrorCode.BAD_REQUEST, "http.body_not_object")
        query = _member(data, "query", str)
        operation_name = _member(data, "operationName", str)
        variables = _member(data, "variables", dict)
        extensions = _member(data, "extensions", dict)
        _check_values(variables or {}, check_text=True)
        _check_values(extensions or {}, check_text=False)
        return GraphQLRequestData(
            query=query,
            variables=variables,
            operation_name=operation_name,
            extensions=extensions,
            protocol="http",
        )

    async def answer_post(self, request: Request, context: Context) -> Response:
        """A POST answered by the same steps as `run`, without the framework around them."""
        sub_response = _private_response(response_media_type(request.headers.get("accept")))
        context.request = request
        context.response = sub_response
        try:
            data = self.request_data(
                self.parse_json_body(request.headers.get("content-type"), await request.body())
            )
            stored = await self._stored_answer(context, data)
            if stored is not None:
                return self.create_response({"data": stored}, sub_response)
            try:
                result = await self.schema.execute(
                    data.query,
                    variable_values=data.variables,
                    context_value=context,
                    operation_name=data.operation_name,
                    allowed_operation_types=_POST_OPERATIONS,
                    operation_extensions=data.extensions,
                )
            except (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError) as e:
                refusal = _operation_refusal(e)
                assert refusal is not None
                raise refusal from e
            return self.create_response(await self.process_result(request, result), sub_response)
        except Refusal as refusal:
            return refusal_response(request, refusal)
        finally:
            await context.close()

    async def _stored_answer(
        self, context: Context, data: GraphQLRequestData
    ) -> dict[str, Any] | None:
        """A public answer stored for this anonymous request (see `public_answers`), looked up
        before Strawberry parses anything."""
        answers = getattr(self.schema, "public_answers", None)
        if answers is None:
            return None
        try:
            stored = await answers.stored(
                context, data.query, data.operation_name, data.variables, data.extensions
            )
        except Exception as error:
            if not is_outage(error):
                raise
            # The store is out: GraphQL answers, and tells the app to retry if it must.
            return None
        return stored_data(stored) if stored is not None else None

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as error:
            refusal = _operation_refusal(error.__cause__)
            if refusal is None:
                raise
            raise refusal from error

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """Errors that escaped the schema's formatter (raised by an extension) get a code too."""
        if result.errors and not all(has_code(error) for error in result.errors):
            locale = negotiate_locale(request.headers.get("accept-language"))
            result.errors = [
                error
                if has_code(error)
                else format_error(error, locale, hide_suggestions=self.hide_suggestions)
                for error in result.errors
            ]
        return await super().process_result(request, result)

    def encode_json(self, data: object) -> str:
        """Text, for WebSocket messages (text frames); HTTP answers are `encode_body`'s."""
        return self.encode_body(data).decode()

    def encode_body(self, data: object) -> bytes:
        """By orjson (UTF-8, several times faster than `json.dumps` for a page of 20 cards);
        what orjson refuses (a lone surrogate echoed from input, an integer past 64 bits) by the
        standard library, ASCII-escaped. Bytes, as written: text would be encoded again."""
        try:
            return orjson.dumps(data)
        except TypeError:
            return json.dumps(data, separators=(",", ":")).encode()

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """In the media type negotiated when the request came (carried on `sub_response`)."""
        media_type = sub_response.headers.get("content-type", JSON)
        if "content-type" in sub_response.headers:
            del sub_response.headers["content-type"]
        body: object = response_data
        if isinstance(response_data, dict) and _failed_by_outage(response_data):
            sub_response.status_code = 503
            sub_response.headers["Retry-After"] = str(OUTAGE_RETRY_AFTER_SECONDS)
            sub_response.headers.update(_NO_STORE)
        elif (
            media_type == GRAPHQL_RESPONSE
            and isinstance(response_data, dict)
            and not_executed(dict(response_data))
        ):
            sub_response.status_code = 400
            body = {key: value for key, value in response_data.items() if key != "data"}
        response = Response(
            self.encode_body(body),
            media_type=media_type,
            status_code=sub_response.status_code or 200,
        )
        response.headers.raw.extend(sub_response.headers.raw)
        return response


def _private_response(media_type: str) -> Response:
    """The response a request's headers are gathered on before the answer is written."""
    response = Response(headers={**_NO_STORE, "content-type": media_type})
    del response.headers["content-length"]
    return response


async def _method_not_allowed(request: Request) -> Response:
    return refusal_response(
        request,
        Refusal(405, ErrorCode.METHOD_NOT_ALLOWED, "http.method", headers={"Allow": "GET, POST"}),
    )


def _member(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if value is not None and not isinstance(value, kind):
        raise Refusal(400, ErrorCode.BAD_REQUEST, "http.member_invalid", member=name)
    return value


def _too_deep() -> Refusal:
    return Refusal(400, ErrorCode.BAD_REQUEST, "http.too_deep", max=MAX_INPUT_DEPTH)


def _check_values(values: dict[str, Any], *, check_text: bool) -> None:
    """Refuse input nested deeper than MAX_INPUT_DEPTH, or text holding a lone surrogate.

    Iterative: a recursive walk (or graphql-core's coercion) would overflow the stack first.
    Input that passes, nearly all, is walked without the paths a refusal names.
    """
    pending: list[tuple[object, int]] = [(value, 1) for value in values.values()]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_INPUT_DEPTH:
            raise _too_deep()
        if isinstance(value, str):
            if check_text and _SURROGATE.search(value):
                _refuse_text(values)
        elif isinstance(value, dict):
            if check_text and any(_SURROGATE.search(key) for key in value):
                _refuse_text(values)
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)


def _refuse_text(values: dict[str, Any]) -> NoReturn:
    """The refusal of text holding a lone surrogate, naming where the first one is."""
    pending: list[tuple[object, str]] = [(value, name) for name, value in values.items()]
    while pending:
        value, path = pending.pop()
        if isinstance(value, str) and _SURROGATE.search(value):
            raise _bad_text(path)
        if isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    raise _bad_text(path)
                pending.append((item, f"{path}.{key}"))
        elif isinstance(value, list):
            pending.extend((item, f"{path}[{i}]") for i, item in enumerate(value))
    raise AssertionError("no lone surrogate found twice")  # pragma: no cover


def _bad_text(path: str) -> Refusal:
    return Refusal(200, ErrorCode.BAD_USER_INPUT, "input.text_invalid", field=path)


def _operation_refusal(cause: BaseException | None) -> Refusal | None:
    if isinstance(cause, MissingQueryError):
        return Refusal(400, ErrorCode.BAD_REQUEST, "http.query_missing")
    if isinstance(cause, CannotGetOperationTypeError):
        if cause.operation_name is None:
            return Refusal(400, ErrorCode.BAD_REQUEST, "http.operation_missing")
        return Refusal(
            400, ErrorCode.BAD_REQUEST, "http.operation_unknown", name=cause.operation_name[:100]
        )
    if isinstance(cause, InvalidOperationTypeError):
        key = (
            "http.mutation_over_get"
            if cause.operation_type is OperationType.MUTATION
            else "http.operation_type"
        )
        return Refusal(
            405, ErrorCode.METHOD_NOT_ALLOWED, key, headers={"Allow": "POST"}, method="GET"
        )
    return None


def _refusal_for(error: HTTPException) -> Refusal:
    """Strawberry's own refusals that the overrides above do not pre-empt."""
    if error.status_code == 404:
        return Refusal(404, ErrorCode.NOT_FOUND, "http.not_found")
    if error.status_code == 405:
        return Refusal(
            405, ErrorCode.METHOD_NOT_ALLOWED, "http.method", headers={"Allow": "GET, POST"}
        )
    if error.status_code == 415:
        return Refusal(415, ErrorCode.BAD_REQUEST, "http.content_type")
    return Refusal(400, ErrorCode.BAD_REQUEST, "http.bad_request")


def _failed_by_outage(response: GraphQLHTTPResponse) -> bool:
    """Nothing was answered, and a backing service being out is why: the client should retry.
    (An answer without errors may hold its data still encoded: a cached public answer.)"""
    if not any(
        isinstance(error, dict)
        and (error.get("extensions") or {}).get("code") == ErrorCode.SERVICE_UNAVAILABLE.value
        for error in response.get("errors") or ()
    ):
        return False
    data = response.get("data")
    return data is None or all(value is None for value in data.values())
