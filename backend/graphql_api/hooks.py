"""The schema extensions' hooks, run without Strawberry's per-request wrapping.

For every stage of every request, Strawberry's runner asks each extension whether it has the
hook, wraps each one it has in a new `contextlib` context manager (`functools.update_wrapper`
included) and enters them through an exit stack: for our four extensions that was about a third
of the CPU of a `{ __typename }` (bench/README.md). `LeanRunner` works out once per schema which
extension has which hook, and drives those generators itself, the way `contextlib` would: hooks
are entered in the extensions' order and finished in reverse, an error raised inside a stage is
thrown into each hook, and a hook may replace it or swallow it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext

STAGES = ("on_operation", "on_parse", "on_validate", "on_execute")


@dataclass(frozen=True, slots=True)
class Hook:
    extension: int  # its extension's place in the schema's list
    function: Callable[[SchemaExtension], Any]  # a generator function, sync or async
    is_async: bool


@dataclass(frozen=True, slots=True)
class StageHooks:
    """Each stage's hooks, in the extensions' order."""

    operation: tuple[Hook, ...]
    parse: tuple[Hook, ...]
    validate: tuple[Hook, ...]
    execute: tuple[Hook, ...]

    @classmethod
    def of(cls, extensions: Sequence[object]) -> StageHooks | None:
        """None when an extension needs Strawberry's own runner: one given as an instance, a
        hook that is a plain function, field middleware (`resolve`) or results of its own."""
        found: dict[str, list[Hook]] = {stage: [] for stage in STAGES}
        for index, extension in enumerate(extensions):
            if not isinstance(extension, type) or not issubclass(extension, SchemaExtension):
                return None
            for own in ("resolve", "get_results"):
                if getattr(extension, own) is not getattr(SchemaExtension, own):
                    return None
            for stage in STAGES:
                function = getattr(extension, stage)
                if function is getattr(SchemaExtension, stage):
                    continue
                if inspect.isasyncgenfunction(function):
                    found[stage].append(Hook(index, function, is_async=True))
                elif inspect.isgeneratorfunction(function):
                    found[stage].append(Hook(index, function, is_async=False))
                else:
                    return None
        return cls(*(tuple(found[stage]) for stage in STAGES))


class LeanRunner(SchemaExtensionsRunner):
    """Strawberry's runner for schemas whose extensions `StageHooks` covers."""

    def __init__(
        self,
        execution_context: ExecutionContext,
        extensions: list[SchemaExtension],
        hooks: StageHooks,
    ) -> None:
        super().__init__(execution_context, extensions)
        self.hooks = hooks

    def operation(self) -> Stage:  # type: ignore[override]
        return Stage(self.hooks.operation, self.extensions)

    def parsing(self) -> Stage:  # type: ignore[override]
        return Stage(self.hooks.parse, self.extensions)

    def validation(self) -> Stage:  # type: ignore[override]
        return Stage(self.hooks.validate, self.extensions)

    def executing(self) -> Stage:  # type: ignore[override]
        return Stage(self.hooks.execute, self.extensions)

    async def get_extensions_results(self, ctx: ExecutionContext) -> dict[str, Any]:
        return dict(ctx.extensions_results)  # no extension has results of its own


class Stage:
    """One stage's hooks around a block of the request, as a (sync or async) context manager."""

    __slots__ = ("_extensions", "_hooks", "_running")

    def __init__(self, hooks: tuple[Hook, ...], extensions: list[SchemaExtension]) -> None:
        self._hooks = hooks
        self._extensions = extensions
        self._running: list[tuple[Any, bool]] = []

    async def __aenter__(self) -> None:
        for hook in self._hooks:
            try:
                generator = hook.function(self._extensions[hook.extension])
                if hook.is_async:
                    await generator.__anext__()
                else:
                    next(generator)
            except BaseException as error:
                await self._finish(error)
                raise
            self._running.append((generator, hook.is_async))

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        return await self._finish(error)

    def __enter__(self) -> None:
        for hook in self._hooks:
            if hook.is_async:
                self._finish_sync(None)
                raise RuntimeError(
                    f"SchemaExtension hook {hook.function.__qualname__} "
                    "failed to complete synchronously."
                )
            generator = hook.function(self._extensions[hook.extension])
            try:
                next(generator)
            except BaseException as error:
                self._finish_sync(error)
                raise
            self._running.append((generator, False))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        return self._finish_sync(error)

    async def _finish(self, error: BaseException | None) -> bool:
        """Finish the entered hooks, last first, throwing `error` into them; True when a hook
        swallowed it, and whatever a hook raised instead is raised."""
        pending = error
        while self._running:
            generator, is_async = self._running.pop()
            if is_async:
                pending = await _advance_async(generator, pending)
            else:
                pending = _advance(generator, pending)
        return self._outcome(error, pending)

    def _finish_sync(self, error: BaseException | None) -> bool:
        pending = error
        while self._running:
            pending = _advance(self._running.pop()[0], pending)
        return self._outcome(error, pending)

    @staticmethod
    def _outcome(error: BaseException | None, pending: BaseException | None) -> bool:
        if pending is None:
            return error is not None  # swallowed by a hook
        if pending is error:
            return False  # raised on, as it came
        raise pending


def _advance(generator: Any, pending: BaseException | None) -> BaseException | None:
    """Run a hook past its `yield`, throwing `pending` in: what is pending after it (a hook
    that yields again fails as `contextlib` makes it fail)."""
    try:
        next(generator) if pending is None else generator.throw(pending)
    except StopIteration:
        return None
    except BaseException as raised:  # passed on to the next hook
        return raised
    return RuntimeError("generator didn't stop" + ("" if pending is None else " after throw()"))


async def _advance_async(generator: Any, pending: BaseException | None) -> BaseException | None:
    """`_advance` for an async generator."""
    try:
        await (generator.__anext__() if pending is None else generator.athrow(pending))
    except StopAsyncIteration:
        return None
    except BaseException as raised:  # passed on to the next hook
        return raised
    return RuntimeError("generator didn't stop" + ("" if pending is None else " after athrow()"))
