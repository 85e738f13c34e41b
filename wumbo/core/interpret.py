"""The reference interpreter: what a compiled pipeline does, written as a plain loop.

`wumbo.core.compile` generates one flat function per pipeline for speed; this module runs
the same stages the obvious way, one call at a time, and is the specification the generated
code must match. Set the environment variable ``WUMBO_NO_CODEGEN=1`` to run every pipeline
through it instead of generated code (for a debugger, or to tell a wumbo bug from a code
generation bug); the test suite runs the core's tests both ways.

The walk over the stages is written once, as a behaviour of `wumbo.core.effects`: a generator
that asks its driver to call each stage (a `StageCall` request) and hears back what the stage
returned or raised; the sync driver and the async driver (whose request awaits ``async def``
stages and sends blocking ones to a worker thread) run it.

Examples:
    >>> from wumbo.core.stage import Stage
    >>> def inc(n: int) -> int:
    ...     return n + 1
    >>> run = interpret_stages((Stage.of(inc), Stage.of(inc)), plain=False, is_async=False)
    >>> run(1)
    <Success: 3>
    >>> run("x").failure().stage
    'inc'
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from returns.result import Failure, Result, Success

from wumbo.core.checking import checked_call
from wumbo.core.effects import Behaviour, drive, drive_async
from wumbo.core.result import (
    StageError,
    bounded_repr,
    failure_note_target,
    note_prefix,
    unwrap_failed,
)
from wumbo.core.stage import Returns, Stage

__all__ = ["StageCall", "call_stages", "interpret_stages"]


class StageCall:
    """The request to call one stage: plain, awaited when ``async def``, or in a worker thread
    when blocking (in async code).

    Examples:
        >>> from wumbo.core.stage import Stage
        >>> StageCall(Stage.of(abs), abs, -3).run_sync()
        3
    """

    __slots__ = ("stage", "target", "value")

    def __init__(self, stage: Stage, target: Callable[[Any], Any], value: Any) -> None:
        self.stage = stage
        self.target = target
        self.value = value

    def run_sync(self) -> Any:
        """``target(value)``."""
        return self.target(self.value)

    async def run_async(self) -> Any:
        """``target(value)``, awaited or sent to a worker thread as the stage requires."""
        if self.stage.is_async:
            return await self.target(self.value)
        if self.stage.blocking:
            import anyio.to_thread

            return await anyio.to_thread.run_sync(self.target, self.value)
        return self.target(self.value)


def _walk(
    stages: Sequence[Stage], targets: Sequence[Callable[[Any], Any]], plain: bool, value: Any
) -> Behaviour:
    total = len(stages)
    returned: Any
    for index, stage in enumerate(stages):
        try:
            returned = yield StageCall(stage, targets[index], value)
        except Exception as error:
            if plain:
                error.add_note(
                    note_prefix(stage.name, index + 1, total, "raised") + bounded_repr(value)
                )
                raise
            return Failure(StageError(stage.name, index + 1, total, value, error))
        if stage.returns is not Returns.PLAIN and isinstance(returned, Result):
            container: Result[Any, Any] = returned  # pyright: ignore[reportUnknownVariableType]
            if isinstance(container, Failure):
                target = failure_note_target(container)
                if target is not None:
                    target.add_note(
                        note_prefix(stage.name, index + 1, total, "returned") + bounded_repr(value)
                    )
                if plain:
                    raise unwrap_failed(container)
                return container
            returned = container.unwrap()
        value = returned
    return value if plain else Success(value)


def call_stages(
    stages: Sequence[Stage], targets: Sequence[Callable[[Any], Any]], plain: bool, value: Any
) -> Any:
    """Run ``stages`` (calling ``targets``, their callables) on ``value``: the sync driver.

    Examples:
        >>> from wumbo.core.stage import Stage
        >>> stages = (Stage.of(str.strip), Stage.of(int))
        >>> call_stages(stages, [s.fn for s in stages], False, " 7 ")
        <Success: 7>
    """
    return drive(_walk, stages, targets, plain, value)


def interpret_stages(
    stages: Sequence[Stage], *, plain: bool, is_async: bool, label: str = "pipeline"
) -> Callable[[Any], Any]:
    """The runner for ``stages``, as `compile_stages` would return.

    ``label`` is accepted for the same signature; the interpreter's frames are its own.

    Examples:
        >>> import anyio
        >>> from wumbo.core.stage import Stage
        >>> async def double(n: int) -> int:
        ...     return n * 2
        >>> run = interpret_stages((Stage.of(int), Stage.of(double)), plain=True, is_async=True)
        >>> anyio.run(run, "21")
        42
    """
    targets = [checked_call(stage) if stage.check else stage.fn for stage in stages]
    if not is_async:
        return functools.partial(call_stages, stages, targets, plain)
    return functools.partial(drive_async, _walk, stages, targets, plain)
