"""Build the trusted-documents manifest from the app's operations
(`mobile_contract/operations/*.graphql`), in Apollo's persisted-query-manifest format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graphql import (
    DefinitionNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    OperationDefinitionNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from backend.graphql_api.persisted import MANIFEST, sha256

OPERATIONS = MANIFEST.parent / "operations"


def build_manifest(operations: Path = OPERATIONS) -> dict[str, Any]:
    """One entry per named operation, its body printed with the fragments it uses."""
    entries = []
    for path in sorted(operations.glob("*.graphql")):
        document = parse(path.read_text(encoding="utf-8"))
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            if definition.name is None:
                raise ValueError(f"{path.name}: every operation needs a name")
            used = [fragments[name] for name in sorted(_spreads(definition, fragments))]
            body = "\n\n".join(print_ast(node) for node in [definition, *used])
            entries.append(
                {
                    "id": sha256(body),
                    "name": definition.name.value,
                    "type": definition.operation.value,
                    "body": body,
                }
            )
    names = [entry["name"] for entry in entries]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ValueError(f"operation names used twice: {sorted(duplicates)}")
    return {"format": "apollo-persisted-query-manifest", "version": 1, "operations": entries}


def render(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


class _SpreadNames(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.names.append(node.name.value)


def _spreads(node: DefinitionNode, fragments: dict[str, FragmentDefinitionNode]) -> set[str]:
    """Names of the fragments `node` uses, directly or through other fragments."""
    found: set[str] = set()
    pending: list[DefinitionNode] = [node]
    while pending:
        spreads = _SpreadNames()
        visit(pending.pop(), spreads)
        for name in spreads.names:
            if name not in found and name in fragments:
                found.add(name)
                pending.append(fragments[name])
    return found
