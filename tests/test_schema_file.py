"""The committed SDL is the served schema, and nothing of ours shadows graphql-core."""

from __future__ import annotations

from pathlib import Path

import graphql

from backend.cli import SCHEMA_FILE, main


def test_graphql_is_graphql_core() -> None:
    assert Path(graphql.__file__).parent.parent.name == "site-packages"
    assert hasattr(graphql, "graphql_sync")


def test_committed_schema_is_current(tmp_path: Path) -> None:
    assert main(["schema", "export", "--check"]) == 0, "run `citizen schema export`"

    stale = tmp_path / "schema.graphql"
    stale.write_text(SCHEMA_FILE.read_text(encoding="utf-8").replace("viewer", "viewr", 1))
    assert main(["schema", "export", "--check", "--output", str(stale)]) == 1
