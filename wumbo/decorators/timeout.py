"""``timeout``: a stage that runs longer than allowed becomes a Failure holding [`StageTimeout`][wumbo.decorators.timeout.StageTimeout].

* An **async** stage is cancelled at the deadline with an anyio cancel scope
  (``move_on_after``): it stops at its next ``await``, its ``finally`` blocks run, and nothing
  of it keeps running. Sync code inside it is not interrupted: the cancellation takes effect
  when it next awaits.
* A **sync** stage, by default, runs in a reusable daemon worker thread (see
  `wumbo.decorators.timeout_threads`) that is **abandoned** at the deadline: the caller gets
  its Failure on time, and the thread keeps running until the function returns, its side
  effects included (it is not joined; at interpreter exit it is dropped). Each call costs one
  round trip between two threads: about 4 us on Linux, where the worker runs on its caller's
  CPU; elsewhere up to tens of microseconds when the other CPUs are idle.
* A **sync** stage with ``interrupt=True`` runs in the caller's own thread and is
  **interrupted** at the deadline by one watchdog thread shared by all calls (see
  `wumbo.decorators.timeout_interrupt`; CPython only): an exception is raised in the stage at
  its next Python bytecode, so its ``finally`` blocks run and nothing of it keeps running
  (``StageTimeout.abandoned`` is False). A blocking C call (``time.sleep``, a socket read) is
  not interrupted until it returns, so the Failure then comes late. A call that finishes in
  time costs about a microsecond.

To really stop runaway code that may block in C, run it with the ``sandbox`` decorator, which
kills a separate process. In async pipelines both sync forms are marked blocking, so they run
off the event loop.

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
    >>> @timeout(0.01, interrupt=True)
    ... def spin(rounds: int) -> int:
    ...     while rounds:  # pure Python: interrupted at its next bytecode past the deadline
    ...         rounds -= 1
    ...     return rounds
    >>> print(spin(10**12).failure())
    stage 'timeout(spin)' (1 of 1) raised StageTimeout: stage 'spin' timed out after 0.01 s and was cancelled; input: 1000000000000
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio

from wumbo.core.steps import make_step
from wumbo.core.template import TemplateFactory
from wumbo.core.validate import flag, positive_number
from wumbo.decorators._options import Options
from wumbo.decorators._wrap import Inner, as_factory, as_template, decorated, passed_on
from wumbo.decorators.timeout_interrupt import call_interrupted, interrupts_available
from wumbo.decorators.timeout_threads import call_with_deadline

__all__ = ["StageTimeout", "TimeoutOptions", "timeout"]


class StageTimeout(TimeoutError):
    """A stage did not finish within its time limit.

    ``abandoned`` is True for a sync stage run in a worker thread, which was left running;
    False for a stage that was stopped (an async stage cancelled, a sync stage interrupted
    with ``interrupt=True``).

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
                "(timeout(..., interrupt=True) stops pure-Python code; sandbox() kills any)"
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
    """The options of [`timeout`][wumbo.decorators.timeout.timeout], checked when they are built.

    A timed-out stage carries them, so they pickle with it (for process pools).

    Examples:
        >>> TimeoutOptions(seconds=2).seconds, TimeoutOptions(seconds=2).interrupt
        (2.0, False)
        >>> TimeoutOptions(seconds=0)
        Traceback (most recent call last):
        ...
        ValueError: timeout seconds must be a positive number of seconds, got int 0
        >>> TimeoutOptions(seconds=1, interrupt="yes")
        Traceback (most recent call last):
        ...
        ValueError: timeout interrupt must be True or False, got str 'yes'
    """

    feature = "timeout"

    seconds: float
    """The time limit, in seconds (required; ``timeout(2.5)`` passes it positionally)."""
    interrupt: bool = False
    """For a sync stage: run it in the caller's thread and interrupt it at the deadline
    (True), instead of running it in a worker thread abandoned at the deadline (False).
    CPython only. An async stage is cancelled either way."""

    def __post_init__(self) -> None:
        limit = positive_number("timeout seconds", self.seconds, unit="seconds")
        object.__setattr__(self, "seconds", limit)
        if flag("timeout interrupt", self.interrupt) and not interrupts_available():
            raise ValueError(
                "timeout(..., interrupt=True) needs CPython's PyThreadState_SetAsyncExc, which "
                f"{sys.implementation.name} does not have; leave interrupt=False (the call runs "
                "in a worker thread abandoned at the deadline)"
            )


def _abandoning(options: TimeoutOptions, inner: Inner, value: Any) -> Any:
    """The default sync step: the call runs in a worker thread, abandoned at the deadline."""
    finished, result = call_with_deadline(inner, value, options.seconds)
    if not finished:
        raise StageTimeout(inner.__name__, options.seconds, abandoned=True)
    return passed_on(result)


def _interrupting(options: TimeoutOptions, inner: Inner, value: Any) -> Any:
    """The ``interrupt=True`` sync step: the call runs here, interrupted at the deadline."""
    finished, result = call_interrupted(inner, value, options.seconds)
    if not finished:
        raise StageTimeout(inner.__name__, options.seconds, abandoned=False)
    return passed_on(result)


async def _cancelling(options: TimeoutOptions, inner: Inner, value: Any) -> Any:
    """The async step: the call is cancelled at the deadline by an anyio cancel scope."""
    with anyio.move_on_after(options.seconds):
        return passed_on(await inner.acall(value))
    raise StageTimeout(inner.__name__, options.seconds, abandoned=False)


def timeout(seconds: float, /, *, interrupt: bool = False) -> TemplateFactory:
    """Limit a stage's run time: ``@timeout(2.5)``, ``timeout(2.5)(fetch)``, ``timeout(2.5, interrupt=True)``.

    Past the limit the call returns a Failure whose error is a [`StageTimeout`][wumbo.decorators.timeout.StageTimeout] (a
    ``TimeoutError``). An async stage is cancelled at its next ``await``. A sync stage runs in
    a worker thread that is abandoned at the deadline and keeps running until the function
    returns; with ``interrupt=True`` it runs in the caller's thread instead and is interrupted
    at its next Python bytecode past the deadline (its ``finally`` blocks run; a blocking C
    call is not interrupted until it returns). See the module docstring; use ``sandbox`` to
    kill code that may hang in C. The decorated stage keeps the stage's types. ``seconds``
    and ``interrupt`` are the fields of [`TimeoutOptions`][wumbo.decorators.timeout.TimeoutOptions], where they are checked.

    Examples:
        >>> import anyio
        >>> async def slow(n: int) -> int:
        ...     await anyio.sleep(10)
        ...     return n
        >>> failure = anyio.run(timeout(0.01)(slow).acall, 1).failure()
        >>> type(failure.error).__name__, failure.error.abandoned
        ('StageTimeout', False)
        >>> timeout(1.0, interrupt=True)(int)("3")
        <Success: 3>
    """
    options = TimeoutOptions(seconds=seconds, interrupt=interrupt)
    sync_step = _interrupting if options.interrupt else _abandoning

    def build(stage: Callable[[Any], Any]) -> Inner:
        inner = as_template(stage)
        name = f"timeout({inner.__name__})"
        step = make_step(name, inner.is_async, sync_step, _cancelling, options, inner)
        return decorated(name, stage, inner, step, blocking=not inner.is_async)

    return as_factory(build)
