"""The async engine: a bounded pool of worker tasks pulling items from one shared source.

``pipeline.amap(items)`` (and ``pipeline.map(items)`` of an async pipeline) run here. The run
starts as many worker tasks as the concurrency allows; each one loops: wait for room in the
:class:`~wumbo.runtime.window.Window`, pull the next item, run it, store its result. The
consumer takes results from the window in input order or as they complete. There is no task
per item, so ten thousand items cost ten thousand loop turns, not ten thousand tasks.

* **Backpressure**: an item is pulled only while the window has room (see
  :class:`~wumbo.runtime.window.Window`: ``limit`` in flight, at most ``2 * limit`` pulled and
  not yet handed to the consumer), so an unbounded source streams in bounded memory.
* **Timeouts**: each item runs inside an anyio cancel scope; past its deadline it becomes an
  :class:`~wumbo.runtime.errors.ItemTimeout` failure.
* **Cancellation**: the workers live in a task group inside the iterator; cancelling the
  consumer, or closing the iterator (``aclose()``, ``contextlib.aclosing``), cancels them.
* **Adaptive concurrency**: with ``concurrency="auto"`` the pool grows and shrinks as
  :class:`~wumbo.runtime.adaptive.AdaptiveLimit` decides.

An exception raised by the source itself (not by a stage) ends the run: workers are cancelled
and the exception propagates to the consumer.

Examples:
    >>> import anyio
    >>> from wumbo import template
    >>> from wumbo.runtime.progress import Tally
    >>> async def double(n: int) -> int:
    ...     await anyio.sleep(0)
    ...     return n * 2
    >>> async def main() -> list[int]:
    ...     run = Run(template(double).acall, "double", 1, limit=2, ordered=True, timeout=None)
    ...     return [r.unwrap() async for r in run.results(range(4), Tally(None, 4))]
    >>> anyio.run(main)
    [0, 2, 4, 6]
"""

from __future__ import annotations

from collections import deque
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
)
from typing import Any

import anyio
from anyio.abc import TaskGroup
from returns.result import Failure, Result

from wumbo.runtime.adaptive import AdaptiveLimit
from wumbo.runtime.errors import ItemTimeout
from wumbo.runtime.progress import Tally
from wumbo.runtime.window import Window

__all__ = ["Run"]

Work = Callable[[Any], Awaitable[Result[Any, Any]]]


class Run:
    """One run of ``work`` over many items; iterate :meth:`results` once.

    ``name`` and ``stages`` describe the pipeline in timeout failures; ``limit`` is the fixed
    concurrency, or the starting one when ``adaptive`` is given.

    Examples:
        >>> Run(print, "p", 1, limit=0, ordered=True, timeout=None)
        Traceback (most recent call last):
        ...
        ValueError: concurrency must be at least 1, got 0
    """

    def __init__(
        self,
        work: Work,
        name: str,
        stages: int,
        *,
        limit: int,
        ordered: bool,
        timeout: float | None,
        adaptive: AdaptiveLimit | None = None,
    ) -> None:
        self._work = work
        self._name = name
        self._stages = stages
        self._timeout = timeout
        self._adaptive = adaptive
        self._window = Window(adaptive.limit if adaptive else limit, ordered)
        self._workers = 0
        self._exhausted = False
        self._source_error: BaseException | None = None
        self._room: deque[anyio.Event] = deque()
        self._ready: anyio.Event | None = None
        self._sync_source: Iterator[Any] | None = None
        self._async_source: AsyncIterator[Any] | None = None
        self._lock = anyio.Lock()
        self._group: TaskGroup | None = None

    async def results(
        self,
        items: Iterable[Any] | AsyncIterable[Any],
        tally: Tally,
        finally_: Callable[[bool], object] | None = None,
    ) -> AsyncGenerator[Result[Any, Any], None]:
        """Yield one Result per item, counting each in ``tally`` just before it is yielded.

        ``finally_(completed)`` runs when the iteration ends, however it ends (``completed`` is
        False when it was closed early or raised).
        """
        completed = False
        try:
            if isinstance(items, AsyncIterable):
                self._async_source = aiter(items)
            else:
                self._sync_source = iter(items)
            window = self._window
            count = tally.count if tally.reports else None
            async with anyio.create_task_group() as group:
                self._group = group
                self._start_workers()
                while True:
                    result = window.take()
                    if result is not None:
                        if self._room:
                            self._room.popleft().set()
                        if count is not None:
                            count(result)
                        try:
                            yield result
                        except GeneratorExit:  # closed early: stop the workers, end quietly
                            group.cancel_scope.cancel()
                            return
                        continue
                    if self._source_error is not None:
                        group.cancel_scope.cancel()
                        break
                    if self._workers == 0:
                        break
                    self._ready = anyio.Event()
                    await self._ready.wait()
            if self._source_error is not None:
                raise self._source_error
            completed = True
        finally:
            if finally_ is not None:
                finally_(completed)

    # -- the workers -----------------------------------------------------------------------------

    def _start_workers(self) -> None:
        assert self._group is not None
        while self._workers < self._window.limit and not self._exhausted:
            self._workers += 1
            self._group.start_soon(self._worker)

    async def _worker(self) -> None:
        window, work, timeout, adaptive = self._window, self._work, self._timeout, self._adaptive
        source = self._sync_source
        try:
            while adaptive is None or self._workers <= window.limit:
                if not window.has_room():
                    await self._wait_for_room()
                    if self._exhausted:
                        return
                if source is not None:
                    # nothing awaits between the room check and admission: no other worker
                    # can take the room in between
                    try:
                        item = next(source)
                    except StopIteration:
                        self._exhaust(None)
                        return
                    except Exception as error:
                        self._exhaust(error)
                        return
                    index = window.admit()
                else:
                    pulled = await self._next()
                    if pulled is None:
                        return
                    index, item = pulled
                if timeout is None:
                    result = await work(item)
                else:
                    result = await self._run_with_timeout(item, timeout)
                window.finish(index, result)
                ready = self._ready
                if ready is not None:
                    self._ready = None
                    ready.set()
                if adaptive is not None:
                    adaptive.record()
                    window.limit = adaptive.limit
                    self._start_workers()
        finally:
            self._workers -= 1
            self._wake_consumer()

    async def _next(self) -> tuple[int, Any] | None:
        """Pull from an async source, one task at a time, admitting under the same lock."""
        assert self._async_source is not None
        async with self._lock:
            await self._wait_for_room()
            if self._exhausted:
                return None
            try:
                item = await anext(self._async_source)
            except StopAsyncIteration:
                self._exhaust(None)
                return None
            except Exception as error:
                self._exhaust(error)
                return None
            return self._window.admit(), item

    def _exhaust(self, error: Exception | None) -> None:
        """The source is done (or raised ``error``): let every waiting worker end."""
        self._exhausted = True
        if error is not None:
            self._source_error = error
        for waiter in self._room:
            waiter.set()
        self._room.clear()
        self._wake_consumer()

    async def _wait_for_room(self) -> None:
        while not self._window.has_room() and not self._exhausted:
            waiter = anyio.Event()
            self._room.append(waiter)
            await waiter.wait()

    async def _run_with_timeout(self, item: Any, seconds: float) -> Result[Any, Any]:
        with anyio.move_on_after(seconds):
            return await self._work(item)
        return Failure(ItemTimeout.of(self._name, self._stages, item, seconds))

    def _wake_consumer(self) -> None:
        ready = self._ready
        if ready is not None:
            self._ready = None
            ready.set()
