"""``timeout``: a stage that runs longer than allowed becomes a Failure holding [`StageTimeout`][wumbo.decorators.timeout.StageTimeout].

* An **async** stage is cancelled at the deadline with an anyio cancel scope
  (``move_on_after``): it stops at its next ``await``, its ``finally`` blocks run, and nothing
  of it keeps running. Sync code inside it is not interrupted: the cancellation takes effect
  when it next awaits.
* A **sync** stage cannot be interrupted inside its thread (Python offers no safe way to stop
  a thread), so it runs in a reusable daemon worker thread (see
  `wumbo.decorators.timeout_threads`: a call that finishes in time costs a few
  microseconds, not a new thread) that is **abandoned** at the deadline: the caller gets its
  Failure on time, and the thread keeps running until the function returns, its side effects
  included (it is not joined; at interpreter exit it is dropped), then waits for another call.
  To really stop runaway code, run it with the ``sandbox`` decorator, which kills a separate
  process. In async pipelines the sync form is marked blocking, so it waits off the event loop.

Examples:
    >>> import threading
    >>> release = threading.Event()
    >>> @timeout(0.01)
    ... def stuck(n: int) -> int:
    ...     release.wait(5)
    ...     return n
    >>> print(stuck(1).failure())  # doctest: +ELLIPSIS
    stage 'timeout(stuck)' (1 of 1) raised StageTimeout: stage 'stuck' timed out after 0.01 s; ...
    >>> release.set()
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio

from wumbo.core.effects import Behaviour, behaviour_step
from wumbo.core.template import TemplateFactory
from wumbo.core.validate import positive_number
from wumbo.decorators._options import Options
from wumbo.decorators._wrap import Inner, as_factory, as_template, decorated, passed_on
from wumbo.decorators.timeout_threads import call_with_deadline

__all__ = ["StageTimeout", "TimeoutOptions", "timeout"]


class StageTimeout(TimeoutError):
    """A stage did not finish within its time limit.

    ``abandoned`` is True for a sync stage, whose worker thread was left running.

    Examples:
        >>> error = StageTimeout("fetch", 2.0, abandoned=False)
        >>> isinstance(error, TimeoutError), error.stage, error.seconds
        (True, 'fetch', 2.0)
        >>> print(error)
        stage 'fetch' timed out after 2 s and was cancelled
    """

    def __init__(self, stage: str, seconds: float, *, abandoned: bool) -> None:
        self.stage = stage
        self.seconds = seconds
        self.abandoned = abandoned
        if abandoned:
            what = (
                "its worker thread was abandoned and runs on until the function returns "
                "(a sync stage cannot be interrupted; use sandbox() to kill it)"
            )
            message = f"stage {stage!r} timed out after {seconds:g} s; {what}"
        else:
            message = f"stage {stage!r} timed out after {seconds:g} s and was cancelled"
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.stage, self.seconds, self.abandoned))


def _rebuild(stage: str, seconds: float, abandoned: bool) -> StageTimeout:
    return StageTimeout(stage, seconds, abandoned=abandoned)


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeoutOptions(Options):
    """The option of [`timeout`][wumbo.decorators.timeout.timeout], checked when it is built.

    A timed-out stage carries it, so it pickles with it (for process pools).

    Examples:
        >>> TimeoutOptions(seconds=2).seconds
        2.0
        >>> TimeoutOptions(seconds=0)
        Traceback (most recent call last):
        ...
        ValueError: timeout seconds must be a positive number of seconds, got int 0
    """

    feature = "timeout"

    seconds: float
    """The time limit, in seconds (required; ``timeout(2.5)`` passes it positionally)."""

    def __post_init__(self) -> None:
        limit = positive_number("timeout seconds", self.seconds, unit="seconds")
        object.__setattr__(self, "seconds", limit)


class _Within:
    """Call the inner stage within the time limit: the one part where sync and async differ.

    Sync code cannot be interrupted, so it runs in a worker thread the caller stops waiting for
    (`wumbo.decorators.timeout_threads`); async code is cancelled by an anyio cancel scope.
    """

    __slots__ = ("inner", "seconds", "value")

    def __init__(self, inner: Inner, value: Any, seconds: float) -> None:
        self.inner = inner
        self.value = value
        self.seconds = seconds

    def run_sync(self) -> Any:
        finished, result = call_with_deadline(self.inner, self.value, self.seconds)
        if not finished:
            raise StageTimeout(self.inner.__name__, self.seconds, abandoned=True)
        return result

    async def run_async(self) -> Any:
        with anyio.move_on_after(self.seconds):
            return await self.inner.acall(self.value)
        raise StageTimeout(self.inner.__name__, self.seconds, abandoned=False)


def _timeout(options: TimeoutOptions, inner: Inner, value: Any) -> Behaviour:
    return passed_on((yield _Within(inner, value, options.seconds)))


def timeout(seconds: float, /) -> TemplateFactory:
    """Limit a stage's run time: ``@timeout(2.5)`` or ``timeout(2.5)(fetch)``.

    Past the limit the call returns a Failure whose error is a [`StageTimeout`][wumbo.decorators.timeout.StageTimeout] (a
    ``TimeoutError``). An async stage is cancelled; a sync stage's worker thread is abandoned
    and keeps running until the function returns (see the module docstring; use ``sandbox`` to
    kill runaway code). The decorated stage keeps the stage's types. ``seconds`` is the one
    field of [`TimeoutOptions`][wumbo.decorators.timeout.TimeoutOptions], where it is checked.

    Examples:
        >>> import anyio
        >>> async def slow(n: int) -> int:
        ...     await anyio.sleep(10)
        ...     return n
        >>> failure = anyio.run(timeout(0.01)(slow).acall, 1).failure()
        >>> type(failure.error).__name__, failure.error.abandoned
        ('StageTimeout', False)
    """
    options = TimeoutOptions(seconds=seconds)

    def build(stage: Callable[[Any], Any]) -> Inner:
        inner = as_template(stage)
        name = f"timeout({inner.__name__})"
        step = behaviour_step(name, inner.is_async, _timeout, options, inner)
        return decorated(name, stage, inner, step, blocking=not inner.is_async)

    return as_factory(build)
