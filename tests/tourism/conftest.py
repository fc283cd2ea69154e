"""What tourism tests share: the app's own operations and the demo's ids."""

from __future__ import annotations

import json
from typing import Any

from backend.graphql_api.persisted import MANIFEST
from backend.seed.demo import stable_id

OPERATIONS: dict[str, str] = {
    o["name"]: o["body"] for o in json.loads(MANIFEST.read_text())["operations"]
}
NGO_MON = {"latitude": 16.4686, "longitude": 107.5780}


def attraction_gid(slug: str) -> str:
    from strawberry import relay

    return str(relay.GlobalID("Attraction", str(stable_id("attraction", slug))))


def names(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"]["text"] for edge in connection["edges"]]
