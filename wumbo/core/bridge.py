"""Run a coroutine function from synchronous code, the anyio way, without ever deadlocking.

* From plain synchronous code: ``anyio.run`` starts an event loop for the call.
* From a worker thread that anyio started (``anyio.to_thread.run_sync``): the call is sent back
  to the event loop that owns the thread, with ``anyio.from_thread.run``.
* From inside a running event loop: blocking the loop would deadlock or stall it, so this raises
  a ``RuntimeError`` that says to use the async form instead.

Examples:
    >>> async def double(n: int) -> int:
    ...     return n * 2
    >>> run_sync(double, 21, "double")
    42
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import anyio

__all__ = ["in_event_loop", "run_sync"]

T = TypeVar("T")
V = TypeVar("V")


def in_event_loop() -> bool:
    """True inside a running event loop (asyncio or trio) on this thread.

    Examples:
        >>> in_event_loop()
        False
    """
    from anyio.lowlevel import current_token  # loaded on first use: import wumbo stays light

    try:
        current_token()
    except anyio.NoEventLoopError:
        return False
    return True


def _in_anyio_worker_thread() -> bool:
    from anyio.from_thread import check_cancelled

    try:
        check_cancelled()
    except anyio.NoEventLoopError:
        return False
    return True


def run_sync(function: Callable[[V], Coroutine[Any, Any, T]], value: V, name: str) -> T:
    """Call ``await function(value)`` from synchronous code and return its result.

    ``name`` is used in the error raised when called from inside a running event loop.

    Examples:
        >>> import anyio
        >>> async def one(_: object) -> int:
        ...     return 1
        >>> async def inside_a_loop() -> None:
        ...     run_sync(one, None, "my_pipeline")
        >>> anyio.run(inside_a_loop)
        Traceback (most recent call last):
        ...
        RuntimeError: pipeline 'my_pipeline' has async stages and was called synchronously inside a running event loop, which would block it; use `await pipeline.acall(value)` (or `await pipeline.arun(value)`) instead
    """
    if in_event_loop():
        raise RuntimeError(
            f"pipeline {name!r} has async stages and was called synchronously inside a running "
            f"event loop, which would block it; use `await pipeline.acall(value)` "
            f"(or `await pipeline.arun(value)`) instead"
        )
    if _in_anyio_worker_thread():
        from anyio.from_thread import run

        return run(function, value)
    return anyio.run(function, value)
