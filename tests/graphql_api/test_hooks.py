"""The extensions' hooks run by `LeanRunner` exactly as Strawberry's runner runs them: order,
what each hook sees, and how an error travels through them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext

from backend.graphql_api.hooks import LeanRunner, StageHooks
from backend.graphql_api.schema import CitizenSchema, build_schema
from backend.settings import Settings


@strawberry.type
class Query:
    @strawberry.field
    def greeting(self, name: str) -> str:
        if name == "boom":
            raise ValueError("no greeting for boom")
        return f"hello {name}"


def recording(log: list[str], *, fail_in: str | None = None) -> list[type[SchemaExtension]]:
    """Two extensions, sync and async hooks mixed, that write what they see to `log`."""

    class First(SchemaExtension):
        async def on_operation(self) -> AsyncIterator[None]:
            log.append(f"first operation in: {self.execution_context.query}")
            if fail_in == "operation":
                raise ValueError("refused by first")
            yield
            result = self.execution_context.result
            log.append(f"first operation out: {result.errors if result else None}")

        def on_parse(self) -> Iterator[None]:
            log.append("first parse in")
            yield
            log.append(f"first parse out: {self.execution_context.graphql_document is not None}")

        async def on_execute(self) -> AsyncIterator[None]:
            log.append("first execute in")
            yield
            log.append("first execute out")

    class Second(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            log.append("second operation in")
            yield
            log.append("second operation out")

        def on_validate(self) -> Iterator[None]:
            log.append("second validate in")
            if fail_in == "validate":
                raise ValueError("refused by second")
            yield
            log.append(f"second validate out: {self.execution_context.pre_execution_errors}")

        async def on_execute(self) -> AsyncIterator[None]:
            log.append("second execute in")
            yield
            log.append(f"second execute out: {self.execution_context.result is not None}")

    return [First, Second]


class StrawberryRunnerSchema(CitizenSchema):
    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        return SchemaExtensionsRunner(execution_context, extensions)


async def run_both(query: str, fail_in: str | None = None) -> list[tuple[Any, list[str]]]:
    outcomes = []
    for schema_class in (CitizenSchema, StrawberryRunnerSchema):
        log: list[str] = []
        schema = schema_class(query=Query, extensions=recording(log, fail_in=fail_in))
        result = await schema.execute(query)
        answer = (result.data, [e.message for e in result.errors or ()], result.extensions)
        outcomes.append((answer, log))
    return outcomes


@pytest.mark.parametrize(
    ("query", "fail_in"),
    [
        ('{ greeting(name: "Lan") }', None),
        ('{ greeting(name: "boom") }', None),  # a resolver's error
        ("{ greeting(name: ", None),  # a syntax error
        ("{ greeting }", None),  # a validation error
        ('{ greeting(name: "Lan") }', "operation"),  # a hook refuses the operation
        ('{ greeting(name: "Lan") }', "validate"),  # a hook fails while validating
    ],
)
async def test_hooks_run_as_strawberrys_runner_runs_them(query: str, fail_in: str | None) -> None:
    (lean, lean_log), (strawberry_answer, strawberry_log) = await run_both(query, fail_in)

    assert lean == strawberry_answer
    assert lean_log == strawberry_log
    assert lean_log[0] == f"first operation in: {query}"


def yielding_twice(log: list[str]) -> list[type[SchemaExtension]]:
    class Twice(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            log.append("twice in")
            yield
            yield

    class TwiceAsync(SchemaExtension):
        async def on_execute(self) -> AsyncIterator[None]:
            log.append("twice async in")
            yield
            yield

    return [Twice, TwiceAsync]


@pytest.mark.parametrize("query", ['{ greeting(name: "Lan") }', '{ greeting(name: "boom") }'])
async def test_a_hook_that_yields_twice_fails_as_with_strawberrys_runner(query: str) -> None:
    answers = []
    for schema_class in (CitizenSchema, StrawberryRunnerSchema):
        log: list[str] = []
        result = await schema_class(query=Query, extensions=yielding_twice(log)).execute(query)
        answers.append((result.data, [e.message for e in result.errors or ()], log))

    assert answers[0] == answers[1]
    assert "generator didn't stop" in answers[0][1]


async def test_a_successful_operation_enters_hooks_in_order_and_leaves_them_in_reverse() -> None:
    [(answer, log), _] = await run_both('{ greeting(name: "Lan") }')

    assert answer == ({"greeting": "hello Lan"}, [], {})
    assert log == [
        'first operation in: { greeting(name: "Lan") }',
        "second operation in",
        "first parse in",
        "first parse out: True",
        "second validate in",
        "second validate out: []",
        "first execute in",
        "second execute in",
        "second execute out: True",
        "first execute out",
        "second operation out",
        "first operation out: None",
    ]


@pytest.mark.parametrize(
    "query", ['{ greeting(name: "Lan") }', "{ greeting }", "{ greeting(name: "]
)
def test_sync_execution_runs_sync_hooks_as_strawberry_does(query: str) -> None:
    logs = []
    for schema_class in (CitizenSchema, StrawberryRunnerSchema):
        log: list[str] = []
        result = schema_class(query=Query, extensions=[tracing(log)]).execute_sync(query)
        logs.append((result.data, [e.message for e in result.errors or ()], log))

    assert logs[0] == logs[1]
    assert logs[0][2][0] == "operation in"


def tracing(log: list[str]) -> type[SchemaExtension]:
    class Tracing(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            log.append("operation in")
            yield
            log.append(f"operation out: {self.execution_context.pre_execution_errors}")

        def on_validate(self) -> Iterator[None]:
            log.append("validate in")
            yield
            log.append("validate out")

    return Tracing


def test_the_apps_schema_runs_its_extensions_lean(tmp_path: Any) -> None:
    schema = build_schema(Settings(DATABASE_URL="sqlite+aiosqlite://", CITIZEN_VAR_DIR=tmp_path))

    hooks = schema.stage_hooks
    assert hooks is not None
    assert [len(hooks.operation), len(hooks.parse), len(hooks.validate)] == [2, 1, 1]
    assert isinstance(schema.create_extensions_runner(None, []), LeanRunner)  # type: ignore[arg-type]


def test_an_extension_with_a_plain_hook_keeps_strawberrys_runner() -> None:
    class Plain(SchemaExtension):
        def on_operation(self) -> None:  # type: ignore[override]
            pass

    assert StageHooks.of([Plain]) is None
    schema = CitizenSchema(query=Query, extensions=[Plain])
    runner = schema.create_extensions_runner(None, [])  # type: ignore[arg-type]
    assert not isinstance(runner, LeanRunner)
