"""Behaviours written once: a generator of requests, run by a sync driver or an async driver.

A combinator or a decorator does the same thing whether its inner stage is sync or async; only
*how* it calls the stage, sleeps or waits differs. So the behaviour is written once, as a
generator function ``behaviour(*args, value)`` that **yields requests** (`Call` this Template
on this value, `Sleep` this long, `Apply` a function that may be ``async def``, `CallAll`
branches) and receives each request's reply at the ``yield``; an exception the
request raised (any ``BaseException``, cancellation included) is thrown in at the ``yield``, so
``try``/``finally`` and ``with`` around a ``yield`` work as they read. What the generator
returns is the step's result.

Two drivers run any such generator: [`drive`][wumbo.core.effects.drive] answers each request in the caller's thread
(``request.run_sync()``) and [`drive_async`][wumbo.core.effects.drive_async] awaits it (``await request.run_async()``).
[`behaviour_step`][wumbo.core.effects.behaviour_step] picks the driver and makes the picklable stage. A request is any
object with those two methods: a decorator whose mechanism really differs (``cache``: a
``threading.Event`` vs an ``anyio.Event``) defines its own request and shares all the rest.

Examples:
    >>> from wumbo import template
    >>> def twice(inner, value):
    ...     first = yield Call(inner, value)
    ...     second = yield Call(inner, first.unwrap())
    ...     return second
    >>> step = behaviour_step("twice", False, twice, template(lambda n: n + 1))
    >>> step(1)
    <Success: 3>
"""

from __future__ import annotations

import functools
import inspect
import os
import time
from collections.abc import Awaitable, Callable, Generator, Sequence
from typing import Any, Protocol

from returns.result import Failure, Result, Success

from wumbo.core.effects_compile import derived
from wumbo.core.steps import AsyncStep, SyncStep

__all__ = [
    "Apply",
    "Behaviour",
    "Call",
    "CallAll",
    "Request",
    "Sleep",
    "behaviour_step",
    "drive",
    "drive_async",
    "implementation",
]


class Request(Protocol):
    """What a behaviour yields: something both drivers can answer.

    Examples:
        >>> request: Request = Sleep(0)
        >>> request.run_sync() is None
        True
    """

    def run_sync(self) -> Any:
        """The reply, computed in the caller's thread."""
        ...

    async def run_async(self) -> Any:
        """The reply, awaited in the caller's task."""
        ...


Behaviour = Generator[Request, Any, Any]
"""A running behaviour: yields requests, is sent their replies, returns the step's result."""


def drive(behaviour: Callable[..., Behaviour], *args: Any) -> Any:
    """Run ``behaviour(*args)`` to its end, answering its requests in this thread.

    Examples:
        >>> def add_one(value):
        ...     return value + 1
        ...     yield  # a generator that yields nothing
        >>> drive(add_one, 41)
        42
    """
    steps = behaviour(*args)
    send = steps.send
    try:
        request = send(None)
        while True:
            try:
                reply = request.run_sync()
            except BaseException as error:  # the behaviour decides: handle, clean up, re-raise
                request = steps.throw(error)
            else:
                request = send(reply)
    except StopIteration as done:
        return done.value


async def drive_async(behaviour: Callable[..., Behaviour], *args: Any) -> Any:
    """Run ``behaviour(*args)`` to its end, awaiting its requests (cancellation is thrown in).

    Examples:
        >>> import anyio
        >>> def nap(value):
        ...     yield Sleep(0)
        ...     return value
        >>> anyio.run(drive_async, nap, "rested")
        'rested'
    """
    steps = behaviour(*args)
    send = steps.send
    try:
        request = send(None)
        while True:
            try:
                reply = await request.run_async()
            except BaseException as error:  # cancellation included: finally blocks run
                request = steps.throw(error)
            else:
                request = send(reply)
    except StopIteration as done:
        return done.value


def behaviour_step(
    name: str, is_async: bool, behaviour: Callable[..., Behaviour], *args: Any
) -> SyncStep:
    """The picklable stage doing ``behaviour(*args, value)``, sync or async.

    It runs the plain function derived from ``behaviour``
    ([`derived`][wumbo.core.effects_compile.derived]); with ``WUMBO_NO_CODEGEN=1`` in the
    environment, or where the behaviour's source cannot be read, the drivers run the generator.

    Examples:
        >>> def same(value):
        ...     return value
        ...     yield
        >>> type(behaviour_step("same", True, same)).__name__, behaviour_step("same", False, same)(7)
        ('AsyncStep', 7)
    """
    kind = AsyncStep if is_async else SyncStep
    run, bound = _runner(behaviour, is_async)
    return kind(name, run, (*bound, *args))


def implementation(behaviour: Callable[..., Behaviour], *, is_async: bool) -> Callable[..., Any]:
    """What runs ``behaviour(*args)``: its derived plain function, else a driver bound to it.

    The derived function ([`derived`][wumbo.core.effects_compile.derived]) unless
    ``WUMBO_NO_CODEGEN=1`` is in the environment or the behaviour's source cannot be read;
    then [`drive`][wumbo.core.effects.drive] (or [`drive_async`][wumbo.core.effects.drive_async]) runs the generator.

    Examples:
        >>> def half(value):
        ...     return value / 2
        ...     yield
        >>> implementation(half, is_async=False)(3)
        1.5
    """
    run, bound = _runner(behaviour, is_async)
    return functools.partial(run, *bound) if bound else run


def _runner(
    behaviour: Callable[..., Behaviour], is_async: bool
) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    """The function to call and the arguments it takes before the behaviour's own."""
    if not os.environ.get("WUMBO_NO_CODEGEN"):
        try:
            return derived(behaviour, is_async=is_async), ()
        except OSError:  # no source to read (a frozen application): drive the generator
            pass
    return (drive_async if is_async else drive), (behaviour,)


class Call:
    """Call a Template on a value; the reply is its Result (``tpl(x)`` or ``await tpl.acall(x)``).

    Examples:
        >>> from wumbo import template
        >>> Call(template(int), "4").run_sync()
        <Success: 4>
    """

    __slots__ = ("inner", "value")

    def __init__(self, inner: Any, value: Any) -> None:
        self.inner = inner
        self.value = value

    def run_sync(self) -> Any:
        """``inner(value)``."""
        return self.inner(self.value)

    async def run_async(self) -> Any:
        """``await inner.acall(value)``."""
        return await self.inner.acall(self.value)


class Sleep:
    """Pause: ``time.sleep`` in sync code, ``anyio.sleep`` (cancellable) in async code.

    Examples:
        >>> Sleep(0).run_sync()
    """

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def run_sync(self) -> None:
        """``time.sleep(seconds)``."""
        time.sleep(self.seconds)

    async def run_async(self) -> None:
        """``await anyio.sleep(seconds)``."""
        import anyio

        await anyio.sleep(self.seconds)


class Apply:
    """Call a plain function that may be ``async def``; the reply is what it returned.

    In sync code the function is called; in async code an awaitable it returns is awaited.

    Examples:
        >>> Apply(divmod, 7, 2).run_sync()
        (3, 1)
    """

    __slots__ = ("args", "function")

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self.function = function
        self.args = args

    def run_sync(self) -> Any:
        """``function(*args)``."""
        return self.function(*self.args)

    async def run_async(self) -> Any:
        """``function(*args)``, awaited when it gives an awaitable."""
        returned = self.function(*self.args)
        if inspect.isawaitable(returned):
            awaitable: Awaitable[Any] = returned
            return await awaitable
        return returned


class CallAll:
    """Call each Template on the same value; the reply lists their Results in order.

    Sync: one after another, stopping at the first ``Failure`` (the rest are ``None``). Async:
    concurrently in an anyio task group; the first ``Failure`` cancels the others (their
    places stay ``None``). Either way the first failure in the list is the one to report.

    Examples:
        >>> from wumbo import template
        >>> CallAll((template(min), template(max)), [2, 5]).run_sync()
        [<Success: 2>, <Success: 5>]
    """

    __slots__ = ("inners", "value")

    def __init__(self, inners: Sequence[Any], value: Any) -> None:
        self.inners = inners
        self.value = value

    def run_sync(self) -> list[Result[Any, Any] | None]:
        """Each ``inner(value)`` in turn, up to the first failure."""
        results: list[Result[Any, Any] | None] = [None] * len(self.inners)
        for index, inner in enumerate(self.inners):
            results[index] = result = inner(self.value)
            if not isinstance(result, Success):  # Success first: returns' classes are ABCs
                break
        return results

    async def run_async(self) -> list[Result[Any, Any] | None]:
        """Every ``inner.acall(value)`` at once; the first failure cancels the others."""
        import anyio

        results: list[Result[Any, Any] | None] = [None] * len(self.inners)

        async def run_one(index: int, inner: Any) -> None:
            results[index] = result = await inner.acall(self.value)
            if isinstance(result, Failure):
                group.cancel_scope.cancel()  # the tuple cannot be built: stop the other branches

        async with anyio.create_task_group() as group:
            for index, inner in enumerate(self.inners):
                group.start_soon(run_one, index, inner)
        return results
