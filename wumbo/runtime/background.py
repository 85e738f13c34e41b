"""Consume an async stream of results from synchronous code, on an event loop in a thread.

``pipeline.map(items)`` of a pipeline with async stages needs an event loop, but its caller is
synchronous. `iterate_in_background` starts one with anyio's
``from_thread.start_blocking_portal`` and runs the async iterator there in a single task (so
its task group stays in one task), handing results over one at a time: the async side computes
the next result only when the caller asks for it, so backpressure reaches the source.

Closing the returned generator (``break`` out of the loop) cancels that task, waits for the
cancellation to finish, and stops the loop and its thread before ``close()`` returns.

Examples:
    >>> import anyio
    >>> async def numbers():
    ...     for n in range(3):
    ...         await anyio.sleep(0)
    ...         yield n
    >>> list(iterate_in_background(numbers))
    [0, 1, 2]
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Callable, Generator
from concurrent.futures import CancelledError
from typing import Any, Final, TypeVar

import anyio
import anyio.from_thread
from anyio.abc import TaskStatus
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

__all__ = ["iterate_in_background"]

T = TypeVar("T")

_END: Final = object()
"""Marks the end of the stream in a hand-over."""


async def _pump(
    make: Callable[[], AsyncGenerator[Any, None]],
    *,
    task_status: TaskStatus[
        tuple[MemoryObjectSendStream[None], MemoryObjectReceiveStream[tuple[Any, Any]]]
    ],
) -> None:
    """Produce one item of ``make()`` per request, until the end or an exception."""
    asks, asked = anyio.create_memory_object_stream[None]()
    give, given = anyio.create_memory_object_stream[tuple[Any, Any]]()
    task_status.started((asks, given))
    async with contextlib.aclosing(make()) as stream, asked, give:
        async for _ in asked:
            try:
                handed: tuple[Any, Any] = (await anext(stream), None)
            except StopAsyncIteration:
                handed = (_END, None)
            except Exception as error:
                handed = (_END, error)
            await give.send(handed)
            if handed[0] is _END:
                return


def iterate_in_background(
    make: Callable[[], AsyncGenerator[T, None]],
) -> Generator[T, None, None]:
    """Yield the items of the async iterator ``make()`` builds, from synchronous code.

    An exception the iterator raises is raised here, in the caller's thread.

    Examples:
        >>> async def broken():
        ...     raise ValueError("no items")
        ...     yield 1
        >>> next(iterate_in_background(broken))
        Traceback (most recent call last):
        ...
        ValueError: no items
    """
    with anyio.from_thread.start_blocking_portal() as portal:
        future, streams = portal.start_task(_pump, make)
        asks: MemoryObjectSendStream[None] = streams[0]
        given: MemoryObjectReceiveStream[tuple[Any, Any]] = streams[1]

        async def next_item() -> tuple[Any, Any]:
            await asks.send(None)
            handed: tuple[Any, Any] = await given.receive()
            return handed

        try:
            while True:
                item, error = portal.call(next_item)
                if error is not None:
                    raise error
                if item is _END:
                    return
                yield item
        finally:
            future.cancel()
            with contextlib.suppress(CancelledError):
                future.result()
            portal.call(asks.aclose)
            portal.call(given.aclose)
