"""Apps already installed keep working: the live schema may grow, never break what was released.

The baseline `mobile_contract/released-schema.graphql` is the schema the released apps were
built against. To remove something: deprecate it, keep it working, release, and only then
move the baseline (see mobile_contract/README.md).
"""

from __future__ import annotations

import re
from pathlib import Path

from graphql import BreakingChangeType, build_schema, find_breaking_changes

from backend.graphql_api.schema import build_schema as build_live_schema
from backend.settings import Environment, Settings

RELEASED = Path(__file__).resolve().parents[2] / "mobile_contract" / "released-schema.graphql"


def live_sdl() -> str:
    return build_live_schema(Settings(env=Environment.DEVELOPMENT)).as_str()


def test_the_live_schema_breaks_nothing_released() -> None:
    changes = find_breaking_changes(build_schema(RELEASED.read_text()), build_schema(live_sdl()))
    assert changes == [], "\n".join(change.description for change in changes)


def test_the_gate_catches_a_removed_field() -> None:
    released = build_schema(RELEASED.read_text())
    sdl = live_sdl()
    place = sdl.index("type Place implements Node {")
    # The field and its description, if it has one.
    field = re.compile(r'(  """[^"]*"""\n)?  distanceMeters: Float\n')
    without_distance = sdl[:place] + field.sub("", sdl[place:], count=1)

    changes = find_breaking_changes(released, build_schema(without_distance))

    assert [change.type for change in changes] == [BreakingChangeType.FIELD_REMOVED]


def test_the_gate_catches_non_null_output_becoming_nullable() -> None:
    released = build_schema(RELEASED.read_text())
    sdl = live_sdl()
    user = sdl.index("type User implements Node {")
    loosened = sdl[:user] + sdl[user:].replace("displayName: String!", "displayName: String", 1)

    changes = find_breaking_changes(released, build_schema(loosened))

    assert [change.type for change in changes] == [BreakingChangeType.FIELD_CHANGED_KIND]
