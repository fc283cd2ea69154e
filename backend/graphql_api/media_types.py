"""GraphQL over HTTP: which media type an answer is written in, and what that changes.

`application/graphql-response+json` (the spec's type, Apollo Client 4's first choice) when the
client's Accept prefers it; `application/json` otherwise (`*/*`, `application/json`, none).
Under the spec's type a request that never executed (a parse, validation or variable error, a
refused persisted query) is a 4xx without a `data` entry; under `application/json` it stays the
legacy 200 with `data: null`, which released apps expect.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


def _quality(parameters: Sequence[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def response_media_type(accept: str | None) -> str:
    """The spec's type only when listed by name with at least the quality JSON gets."""
    spec = json = 0.0
    for item in (accept or "").split(",")[:32]:
        media, *parameters = item.split(";")
        media = media.strip().lower()
        quality = _quality(parameters)
        if media == GRAPHQL_RESPONSE:
            spec = max(spec, quality)
        elif media in (JSON, "application/*", "*/*"):
            json = max(json, quality)
    return GRAPHQL_RESPONSE if spec > 0 and spec >= json else JSON


def prefers_html(accept: str | None) -> bool:
    """A browser asking for a page: text/html listed by name, at least as wanted as JSON."""
    html = json = 0.0
    for item in (accept or "").split(",")[:32]:
        media, *parameters = item.split(";")
        media = media.strip().lower()
        quality = _quality(parameters)
        if media == "text/html":
            html = max(html, quality)
        elif media in (GRAPHQL_RESPONSE, JSON):
            json = max(json, quality)
    return html > 0 and html >= json


def not_executed(response: dict[str, Any]) -> bool:
    """No data and no error at a path: the operation did not run (its errors are the request's)."""
    errors = response.get("errors")
    return (
        response.get("data") is None
        and bool(errors)
        and not any(isinstance(e, dict) and e.get("path") for e in errors or ())
    )
