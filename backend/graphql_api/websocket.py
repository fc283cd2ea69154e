"""GraphQL over WebSocket (`graphql-transport-ws`, the protocol of the `graphql-ws` client that
Apollo uses), on Strawberry's own protocol handler, with what the app's sockets need on top:

- the access token comes in `connection_init` (`{"Authorization": "Bearer …"}`): a bad or
  expired one closes the socket with 4403, and so does the token running out while the socket
  is open, so the app refreshes and reconnects (docs/live.md);
- each operation runs in a context of its own (loaders, read connection) under the socket's;
- a message larger than the limit closes the socket with 4400, like any other bad message.

Depth, cost and the trusted-document allow-list apply as over HTTP: they are schema extensions,
and Strawberry runs those for every operation of a socket.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from typing import Any

from graphql import GraphQLError
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
    _OperationStreamClosed,
)
from strawberry.utils.aio import aclosing

from backend.errors import DomainError
from backend.graphql_api.context import Context
from backend.i18n import negotiate_locale

FORBIDDEN = 4403  # graphql-transport-ws: the server refuses the connection (auth)
BAD_REQUEST = 4400


def bearer_token(params: dict[str, object]) -> str | None:
    """The access token of a `connection_init` payload, as Apollo apps send it: an
    `Authorization` (or `authorization`) entry holding `Bearer <token>`."""
    value = params.get("Authorization", params.get("authorization"))
    if not isinstance(value, str):
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def accept_connection(context: Context) -> None:
    """`connection_init`: take the token (and language) from the payload; refuse a bad token.

    No token is an anonymous connection: it may subscribe to public events only (personal
    fields answer UNAUTHENTICATED).
    """
    params = context.connection_params
    language = params.get("Accept-Language", params.get("accept-language"))
    if isinstance(language, str):
        context.locale = negotiate_locale(language)
    sent = params.get("Authorization", params.get("authorization"))
    token = bearer_token(params)
    if sent is not None and token is None:
        raise ConnectionRejectionError()
    if token is None:
        return
    context.access_token = token
    try:
        claims = context.auth.keyring.verify(token)
        await context.require_viewer()
    except DomainError as error:
        raise ConnectionRejectionError() from error
    finally:
        await context.close()
    context.token_expires_at = claims.expires_at


class LiveSocketHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """The protocol handler of /graphql sockets (see the module's docstring)."""

    max_message_bytes = 64 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._expiry: asyncio.Task[None] | None = None

    async def handle(self) -> None:
        """Strawberry's loop, reading text itself to refuse a message over the size limit
        before parsing it."""
        self.on_request_accepted()
        websocket = self.websocket
        assert isinstance(websocket, ASGIWebSocketAdapter)
        try:
            while True:
                try:
                    text = await websocket.ws.receive_text()
                except Exception:  # disconnected, or a binary frame
                    break
                if len(text.encode()) > self.max_message_bytes:
                    await websocket.close(BAD_REQUEST, "Message too large")
                    break
                try:
                    message = websocket.view.decode_json(text)
                except ValueError:
                    await self.handle_invalid_message("WebSocket message must be valid JSON")
                    break
                if not isinstance(message, dict):
                    await self.handle_invalid_message("WebSocket message must be an object")
                    break
                await self.handle_message(message)  # type: ignore[arg-type]
        finally:
            await self.shutdown()

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        expires_at = self.context.token_expires_at
        if self.connection_acknowledged and expires_at is not None:
            self._expiry = asyncio.create_task(self._close_at(expires_at))

    async def _close_at(self, expires_at: datetime) -> None:
        """The access token ran out: 4403, so the app refreshes and connects again."""
        await asyncio.sleep(max(0.0, (expires_at - self.context.now()).total_seconds()))
        await self.websocket.close(FORBIDDEN, "Forbidden")

    async def shutdown(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._expiry
        await super().shutdown()
        await self.context.close()

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        """Strawberry's, with a context per operation that is closed when the operation ends."""
        context = self.context.for_operation()
        try:
            result_source = await self.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=context,
                root_value=self.root_value,
                operation_name=operation.operation_name,
            )
            async with aclosing(result_source):
                await self._send_result_stream(operation, result_source)
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except _OperationStreamClosed:
            return
        except GraphQLError as refused:
            # Raised by an extension before parsing (the allow-list): an `error` message, as
            # the protocol has for an operation refused before it ran.
            await operation.send_operation_message(
                {"id": operation.id, "type": "error", "payload": [refused.formatted]}
            )
        except Exception as error:
            await self.handle_task_exception(error)
            with contextlib.suppress(Exception):
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            self.operations.pop(operation.id, None)
            raise
        finally:
            await context.close()


def live_socket_handler(max_message_bytes: int) -> type[LiveSocketHandler]:
    """The handler class with this deployment's message size limit."""
    return type("LiveSocketHandler", (LiveSocketHandler,), {"max_message_bytes": max_message_bytes})
